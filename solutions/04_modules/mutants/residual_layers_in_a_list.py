# exercise: Residual
# bug: keeps the layers in a plain Python list: not registered, no parameters, empty state_dict
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.layers = [nn.Linear(d, hidden), nn.Linear(hidden, d)]

    def forward(self, x):
        return x + self.layers[1](torch.relu(self.layers[0](x)))
