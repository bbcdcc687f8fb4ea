# exercise: init_weights
# approach: U(-1, 1) drawn in float64, scaled by the gain sqrt(2) * sqrt(3 / fan_in), copied in
import math

import torch
from torch import nn


def init_weights(model):
    for name, m in model.named_modules():
        if isinstance(m, nn.Linear):
            scale = math.sqrt(2.0) * math.sqrt(3.0 / m.weight.shape[1])
            values = (torch.rand(m.weight.shape, dtype=torch.float64) * 2 - 1) * scale
            with torch.no_grad():
                m.weight.copy_(values.to(m.weight.dtype))
                if m.bias is not None:
                    m.bias.fill_(0)
    return model
