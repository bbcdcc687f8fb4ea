# exercise: RunningMean
# approach: reassigns the buffers (nn.Module keeps a tensor assigned to a buffer's name a buffer)
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        if self.training:
            self.mean = (1 - self.momentum) * self.mean + self.momentum * x.detach().mean(0)
            self.steps = self.steps + 1
        return x - self.mean
