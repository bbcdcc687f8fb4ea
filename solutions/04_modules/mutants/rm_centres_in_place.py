# exercise: RunningMean
# bug: centres x in place (x -= self.mean): the caller's batch changes (autograd refuses it on a leaf)
# breaks: in_place
# misconception: You subtracted the mean from the input itself with an in-place operation: that changes the caller's batch, and autograd refuses it when the input requires grad.
# misconception-ko: in-place 연산으로 입력 텐서 자체에서 평균을 뺀 것으로 보입니다. 호출한 쪽의 배치가 바뀌고, 입력이 grad를 요구하면 autograd가 이를 거부합니다.
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
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        x -= self.mean
        return x
