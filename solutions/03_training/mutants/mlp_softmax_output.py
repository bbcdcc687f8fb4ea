# exercise: MLP
# bug: returns softmax probabilities instead of logits (CrossEntropyLoss applies log-softmax again)
# breaks: values
# misconception: forward returns softmax probabilities instead of logits; CrossEntropyLoss applies log-softmax itself, so the softmax is applied twice during training.
# misconception-ko: forward가 로짓이 아니라 소프트맥스 확률을 반환합니다. CrossEntropyLoss가 직접 로그 소프트맥스를 적용하므로 학습 중에 소프트맥스가 두 번 적용됩니다.
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
        return torch.softmax(self.fc2(self.drop(torch.relu(self.fc1(x)))), dim=-1)
