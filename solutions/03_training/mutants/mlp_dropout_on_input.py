# exercise: MLP
# bug: applies dropout to the input features instead of the hidden activations
# breaks: values
# misconception: Dropout is applied to the input features instead of to the hidden activations after ReLU, so training mode zeroes other numbers than the reference's.
# misconception-ko: 드롭아웃을 ReLU 뒤의 은닉 활성값이 아니라 입력 특성에 적용해서, 학습 모드에서 기준과 다른 값들이 0이 됩니다.
# on-hidden: name
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(self.drop(x))))
