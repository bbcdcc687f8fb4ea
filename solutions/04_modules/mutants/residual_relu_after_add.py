# exercise: Residual
# bug: applies the ReLU after the addition (relu(x + fc2(fc1(x))))
# breaks: values
# misconception: You applied the ReLU after adding the skip connection instead of between the two layers: negative entries of the sum become zero and the branch itself stays linear.
# misconception-ko: ReLU를 두 레이어 사이가 아니라 스킵 연결을 더한 뒤에 적용한 것으로 보입니다. 합의 음수 값이 0이 되고, 가지 자체는 선형으로 남습니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return torch.relu(x + self.fc2(self.fc1(x)))
