# exercise: Residual
# bug: adds a detached copy of x: the output is right, the input's gradient misses the skip path
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return x.detach() + self.fc2(torch.relu(self.fc1(x)))
