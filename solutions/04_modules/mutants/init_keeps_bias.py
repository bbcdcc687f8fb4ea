# exercise: init_weights
# bug: leaves the biases at PyTorch's default (non-zero)
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
    return model
