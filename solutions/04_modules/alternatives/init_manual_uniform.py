# exercise: init_weights
# approach: the narrowest reading: uniform_(-b, b) by hand under torch.no_grad()
import math

import torch
from torch import nn


def init_weights(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                b = math.sqrt(6 / m.in_features)
                m.weight.uniform_(-b, b)
                if m.bias is not None:
                    m.bias.zero_()
    return model
