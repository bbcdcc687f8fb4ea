# exercise: Residual
# bug: adds a detached copy of x: the output is right, the input's gradient misses the skip path
# breaks: gradient
# misconception: You added a detached copy of the input on the skip path (detach or .data): the output values are right, but no gradient flows back through the skip connection, so the input's gradient misses the identity term.
# misconception-ko: 스킵 경로에 입력을 detach한 복사본(detach 또는 .data)을 더한 것으로 보입니다. 출력 값은 맞지만 스킵 연결로 그래디언트가 흐르지 않아 입력에 대한 그래디언트에서 항등 항이 빠집니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return x.detach() + self.fc2(torch.relu(self.fc1(x)))
