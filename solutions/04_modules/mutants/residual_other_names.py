# exercise: Residual
# bug: names the layers lin1 and lin2: the state_dict keys break the contract
# breaks: state_dict
# misconception: You named the layers differently from the contract (for example lin1 and lin2): the state_dict keys change, so checkpoints written for fc1 and fc2 no longer load into your block.
# misconception-ko: 레이어 이름을 계약과 다르게 지은 것으로 보입니다(예: lin1, lin2). state_dict 키가 바뀌므로 fc1, fc2로 저장된 체크포인트를 블록에 불러올 수 없습니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.lin1 = nn.Linear(d, hidden)
        self.lin2 = nn.Linear(hidden, d)

    def forward(self, x):
        return x + self.lin2(torch.relu(self.lin1(x)))
