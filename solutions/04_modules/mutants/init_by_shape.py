# exercise: init_weights
# bug: decides by the parameter's shape (matrices He, vectors zero): LayerNorm's scale becomes 0
from torch import nn


def init_weights(model):
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.kaiming_uniform_(p, nonlinearity="relu")
        else:
            nn.init.zeros_(p)
    return model
