# exercise: init_weights
# bug: assigns new nn.Parameter objects (an optimizer built before keeps the old ones)
import math

import torch
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            bound = math.sqrt(6 / m.in_features)
            m.weight = nn.Parameter(torch.empty_like(m.weight).uniform_(-bound, bound))
            if m.bias is not None:
                m.bias = nn.Parameter(torch.zeros_like(m.bias))
    return model
