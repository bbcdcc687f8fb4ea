# exercise: RunningMean
# bug: the step counter is a float tensor (torch.zeros(())) instead of torch.long
# breaks: dtype
# misconception: You created the step counter as a floating-point tensor: a count of steps is an integer (torch.long), and a floating counter also changes dtype when the module is moved with .to().
# misconception-ko: 스텝 카운터를 부동소수점 텐서로 만든 것으로 보입니다. 스텝 수는 정수(torch.long)여야 하고, 부동소수점 카운터는 .to()로 모듈을 옮길 때 dtype까지 바뀝니다.
# on-hidden: name
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("steps", torch.zeros(()))

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        return x - self.mean
