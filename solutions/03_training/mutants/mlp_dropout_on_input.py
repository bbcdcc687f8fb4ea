# exercise: MLP
# bug: applies dropout to the input features instead of the hidden activations
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(self.drop(x))))
