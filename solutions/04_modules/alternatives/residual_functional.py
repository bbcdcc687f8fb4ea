# exercise: Residual
# approach: F.linear on the registered layers' weights (the narrowest reading: forward by hand)
import torch.nn.functional as F
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        h = F.relu(F.linear(x, self.fc1.weight, self.fc1.bias))
        return F.linear(h, self.fc2.weight, self.fc2.bias) + x
