# exercise: RunningMean
# bug: returns x minus the mean from before this batch's update
# breaks: values
# misconception: You computed the output before updating the running mean: each training batch is centred with the mean from before it instead of the updated one.
# misconception-ko: 누적 평균을 갱신하기 전에 출력을 계산한 것으로 보입니다. 학습 배치마다 갱신된 평균이 아니라 그 이전의 평균으로 중심화됩니다.
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
        out = x - self.mean.clone()
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        return out
