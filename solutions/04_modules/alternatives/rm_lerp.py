# exercise: RunningMean
# approach: the library's in-place lerp_ for the update
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("steps", torch.tensor(0))

    def forward(self, x):
        if self.training:
            self.mean.lerp_(x.detach().mean(0), self.momentum)
            self.steps.add_(1)
        return x - self.mean
