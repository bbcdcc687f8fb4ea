# exercise: MLP
# bug: layers in an nn.Sequential, so the state_dict keys are "net.0.weight", ... not fc1/fc2
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, out_features))

    def forward(self, x):
        return self.net(x)
