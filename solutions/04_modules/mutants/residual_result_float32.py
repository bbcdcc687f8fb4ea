# exercise: Residual
# bug: builds the output in a fresh torch.zeros(x.shape) (default dtype float32): a float64 input gives a float32 output
# breaks: dtype
# misconception: You built the output in a new tensor made with torch.zeros of the input's shape and added into it: a new tensor takes the default dtype (float32) unless told otherwise, so a float64 input gives a float32 output.
# misconception-ko: 입력의 shape로 torch.zeros 새 텐서를 만들고 거기에 더해 출력을 만든 것으로 보입니다. 새 텐서는 따로 지정하지 않으면 기본 dtype(float32)을 가지므로 float64 입력에 float32 출력이 나옵니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        out = torch.zeros(x.shape)
        out += x
        out += self.fc2(torch.relu(self.fc1(x)))
        return out
