# exercise: RunningMean
# bug: updates mean from x with its graph: the buffer joins autograd
# breaks: requires_grad
# misconception: You updated the running mean from x outside torch.no_grad() and without detaching it: the buffer becomes part of the autograd graph, requires grad, and links every batch's graph to the next.
# misconception-ko: torch.no_grad() 밖에서 detach 없이 x로 누적 평균을 갱신한 것으로 보입니다. 버퍼가 autograd 그래프의 일부가 되어 grad를 요구하고, 배치마다 그래프가 다음 배치로 이어집니다.
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
            self.mean = (1 - self.momentum) * self.mean + self.momentum * x.mean(0)
            self.steps += 1
        return x - self.mean
