# exercise: MLP
# bug: F.dropout without training=self.training, so dropout stays on in eval mode
# breaks: values, mode
# misconception: The functional dropout is called without passing the module's training flag; it defaults to training, so dropout stays on in evaluation mode.
# misconception-ko: 함수형 드롭아웃을 호출하면서 모듈의 학습 여부를 넘기지 않았습니다. 기본값이 학습 모드라서 평가 모드에서도 드롭아웃이 계속 적용됩니다.
# on-hidden: name
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)
        self.p = dropout

    def forward(self, x):
        return self.fc2(F.dropout(torch.relu(self.fc1(x)), self.p))
