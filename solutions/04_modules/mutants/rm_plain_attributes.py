# exercise: RunningMean
# bug: plain tensor attributes: not in the state_dict, not moved by .to()
# breaks: state_dict, dtype, device
# misconception: You kept mean and steps as plain tensor attributes: they are not buffers, so state_dict does not save them and .to() neither converts them nor moves them to the module's device.
# misconception-ko: mean과 steps를 일반 텐서 속성으로 둔 것으로 보입니다. 버퍼가 아니므로 state_dict에 저장되지 않고, .to()로 모듈을 옮길 때 dtype도 장치(device)도 함께 바뀌지 않습니다.
# on-hidden: name
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.mean = torch.zeros(d)
        self.steps = torch.tensor(0, dtype=torch.long)

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        return x - self.mean
