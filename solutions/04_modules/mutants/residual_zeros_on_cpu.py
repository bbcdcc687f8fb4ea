# exercise: Residual
# bug: builds the output in torch.zeros(x.shape, dtype=x.dtype): the dtype is kept, the device is not (CPU)
# breaks: device
# misconception: You built the output in a new tensor made with torch.zeros, giving it the input's dtype but not its device: a new tensor is created on the CPU unless told otherwise, so on a GPU the output leaves the input's device.
# misconception-ko: torch.zeros로 새 텐서를 만들어 출력을 쌓으면서 입력의 dtype은 주었지만 장치(device)는 주지 않은 것으로 보입니다. 새 텐서는 따로 지정하지 않으면 CPU에 만들어지므로 GPU에서는 출력이 입력의 장치를 벗어납니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        out = torch.zeros(x.shape, dtype=x.dtype)
        out += x
        out += self.fc2(torch.relu(self.fc1(x)))
        return out
