# exercise: MLP
# approach: other order of operations: the layers as x @ W.T + b written out, ReLU as torch.maximum with a zero, the dropout module applied to it
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc2 = nn.Linear(hidden, out_features)     # registration order does not matter
        self.fc1 = nn.Linear(in_features, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        a = x @ self.fc1.weight.T + self.fc1.bias
        h = torch.maximum(a, torch.zeros((), dtype=a.dtype, device=a.device))
        return self.dropout(h) @ self.fc2.weight.T + self.fc2.bias
