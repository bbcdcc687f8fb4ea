# exercise: MLP
# bug: forward converts its result to float32 ("the loss wants float32 logits"), so a float64 model loses its dtype
# breaks: dtype
# misconception: forward converts its result to float32, so a model converted to float64 returns float32 logits rounded to single precision; the output should keep the model's dtype.
# misconception-ko: forward에서 결과를 float32로 바꿔서, float64로 바꾼 모델도 단정밀도로 반올림된 float32 로짓을 반환합니다. 출력은 모델의 dtype을 그대로 유지해야 합니다.
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
        return self.fc2(self.drop(torch.relu(self.fc1(x)))).float()
