# exercise: init_weights
# approach: model.apply with a function per module (the library's traversal)
from torch import nn


def _init(m):
    if type(m) is nn.Linear or isinstance(m, nn.Linear):
        nn.init.kaiming_uniform_(m.weight, a=0, mode="fan_in", nonlinearity="relu")
        if m.bias is not None:
            nn.init.constant_(m.bias, 0.0)


def init_weights(model):
    return model.apply(_init)
