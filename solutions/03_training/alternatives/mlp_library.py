# exercise: MLP
# approach: library modules: the parameter-free middle (ReLU, Dropout) as an nn.Sequential, so the state_dict keys stay fc1.* and fc2.*
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.middle = nn.Sequential(nn.ReLU(), nn.Dropout(p=dropout))
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(self.middle(self.fc1(x)))
