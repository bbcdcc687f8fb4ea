# exercise: MLP
# bug: forward converts its input to float32 ("the layers are float32"), which breaks a float64 model
# breaks: dtype
# misconception: forward converts its input to float32, so a model converted to float64 receives float32 input and fails; the input should keep the dtype it arrives in.
# misconception-ko: forward에서 입력을 float32로 바꿔서, float64로 바꾼 모델에 float32 입력이 들어가 실패합니다. 입력은 들어온 dtype을 그대로 유지해야 합니다.
# on-hidden: name
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        x = x.float()
        return self.fc2(self.drop(torch.relu(self.fc1(x))))
