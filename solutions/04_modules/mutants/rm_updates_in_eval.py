# exercise: RunningMean
# bug: updates the statistics in evaluation mode too
# breaks: mode
# misconception: You update the statistics on every call without checking self.training: in evaluation mode the mean and steps must stay as they are.
# misconception-ko: self.training을 확인하지 않고 매 호출마다 통계를 갱신한 것으로 보입니다. 평가 모드에서는 mean과 steps가 그대로 유지되어야 합니다.
# on-hidden: name
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("steps", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        with torch.no_grad():
            self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
            self.steps += 1
        return x - self.mean
