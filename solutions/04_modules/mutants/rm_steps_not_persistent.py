# exercise: RunningMean
# bug: steps registered with persistent=False: missing from the state_dict
# breaks: state_dict
# misconception: You registered steps as a non-persistent buffer: it is a buffer, but state_dict does not save it, so a checkpoint loses the step count.
# misconception-ko: steps를 persistent가 아닌 버퍼로 등록한 것으로 보입니다. 버퍼이긴 하지만 state_dict에 저장되지 않아 체크포인트에서 스텝 수가 사라집니다.
# on-hidden: name
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("steps", torch.tensor(0, dtype=torch.long), persistent=False)

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        return x - self.mean
