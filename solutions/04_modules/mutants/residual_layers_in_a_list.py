# exercise: Residual
# bug: keeps the layers in a plain Python list: not registered, no parameters, empty state_dict
# breaks: state_dict
# misconception: You kept the two layers in a plain Python list: nn.Module does not register modules held in a list, so the block has no parameters, its state_dict is empty and an optimizer would train nothing.
# misconception-ko: 두 레이어를 일반 파이썬 리스트에 담은 것으로 보입니다. nn.Module은 리스트 안의 모듈을 등록하지 않으므로 블록에 파라미터가 없고 state_dict가 비어 있어, 옵티마이저가 아무것도 학습시키지 못합니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.layers = [nn.Linear(d, hidden), nn.Linear(hidden, d)]

    def forward(self, x):
        return x + self.layers[1](torch.relu(self.layers[0](x)))
