# exercise: MLP
# bug: layers in an nn.Sequential, so the state_dict keys are "net.0.weight", ... not fc1/fc2
# breaks: values
# misconception: The layers live inside an nn.Sequential, so the state_dict keys are numbered entries of the container instead of fc1 and fc2, and weights saved from another MLP do not load.
# misconception-ko: 층을 nn.Sequential 안에 넣어서 state_dict의 키가 fc1, fc2가 아니라 컨테이너의 번호 항목이 되고, 다른 MLP에서 저장한 가중치를 불러올 수 없습니다.
# on-hidden: name
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, out_features))

    def forward(self, x):
        return self.net(x)
