# exercise: Residual
# approach: matmuls and clamp(min=0) in another order of operations (skip added first)
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        h = (x @ self.fc1.weight.T + self.fc1.bias).clamp(min=0)
        return (x + self.fc2.bias) + h @ self.fc2.weight.T
