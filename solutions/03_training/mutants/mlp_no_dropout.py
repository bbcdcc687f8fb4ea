# exercise: MLP
# bug: accepts the dropout argument but never applies dropout
# breaks: values
# misconception: The dropout argument is accepted but never used, so training mode gives the same outputs as evaluation mode.
# misconception-ko: dropout 인자를 받기만 하고 사용하지 않아서, 학습 모드의 출력이 평가 모드와 똑같습니다.
# on-hidden: name
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
