# exercise: RunningMean
# bug: keeps mean as an nn.Parameter (requires_grad=False): the optimizer sees it as a weight
# breaks: state_dict
# misconception: You stored mean as an nn.Parameter (even with requires_grad off): it appears in parameters(), so an optimizer or a parameter count treats a statistic as a weight.
# misconception-ko: mean을 (requires_grad를 끄더라도) nn.Parameter로 둔 것으로 보입니다. parameters()에 나타나므로 옵티마이저나 파라미터 개수 세기가 통계를 가중치로 취급합니다.
# on-hidden: name
import torch
from torch import nn


class RunningMean(nn.Module):
    def __init__(self, d, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.mean = nn.Parameter(torch.zeros(d), requires_grad=False)
        self.register_buffer("steps", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(0))
                self.steps += 1
        return x - self.mean
