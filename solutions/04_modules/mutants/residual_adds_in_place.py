# exercise: Residual
# bug: adds the branch into x in place (x += ...): the caller's input changes (autograd refuses it on a leaf)
# breaks: in_place
# misconception: You added the branch into the input itself with an in-place addition: that changes the caller's tensor, and autograd refuses it when the input requires grad.
# misconception-ko: 가지의 결과를 in-place 덧셈으로 입력 텐서 자체에 더한 것으로 보입니다. 호출한 쪽의 텐서가 바뀌고, 입력이 grad를 요구하면 autograd가 이를 거부합니다.
# on-hidden: name
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        branch = self.fc2(torch.relu(self.fc1(x)))
        x += branch
        return x
