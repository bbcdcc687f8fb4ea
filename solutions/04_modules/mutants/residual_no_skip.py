# exercise: Residual
# bug: forgets the skip connection (returns fc2(relu(fc1(x))) only)
# breaks: values
# misconception: You returned only the branch through the two layers and forgot to add the input back: without the skip connection the output and every gradient differ.
# misconception-ko: 두 레이어를 거친 가지만 반환하고 입력을 다시 더하는 것을 잊은 것으로 보입니다. 스킵 연결이 없으면 출력과 모든 그래디언트가 달라집니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
