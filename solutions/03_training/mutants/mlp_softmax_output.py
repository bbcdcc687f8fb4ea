# exercise: MLP
# bug: returns softmax probabilities instead of logits (CrossEntropyLoss applies log-softmax again)
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return torch.softmax(self.fc2(self.drop(torch.relu(self.fc1(x)))), dim=-1)
