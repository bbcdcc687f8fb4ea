# exercise: MLP
# bug: F.dropout without training=self.training, so dropout stays on in eval mode
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)
        self.p = dropout

    def forward(self, x):
        return self.fc2(F.dropout(torch.relu(self.fc1(x)), self.p))
