# exercise: MLP
# approach: the narrowest reading: 2-D inputs only (torch.addmm), F.relu and F.dropout with training=self.training, only the two Linear layers as submodules
import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)
        self.p = dropout

    def forward(self, x):
        h = F.relu(torch.addmm(self.fc1.bias, x, self.fc1.weight.t()))
        h = F.dropout(h, self.p, training=self.training)
        return torch.addmm(self.fc2.bias, h, self.fc2.weight.t())
