# exercise: Residual
# bug: names the layers lin1 and lin2: the state_dict keys break the contract
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.lin1 = nn.Linear(d, hidden)
        self.lin2 = nn.Linear(hidden, d)

    def forward(self, x):
        return x + self.lin2(torch.relu(self.lin1(x)))
