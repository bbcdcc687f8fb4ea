# exercise: init_weights
# bug: assigns new nn.Parameter objects (an optimizer built before keeps the old ones)
# breaks: in_place
# misconception: You assigned new nn.Parameter objects instead of filling the existing ones: an optimizer created before still holds the old parameters and would train those.
# misconception-ko: 기존 파라미터를 채우지 않고 새 nn.Parameter 객체를 할당한 것으로 보입니다. 미리 만든 옵티마이저는 옛 파라미터를 들고 있어 그것을 학습시킵니다.
# on-hidden: name
import math

import torch
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            bound = math.sqrt(6 / m.in_features)
            m.weight = nn.Parameter(torch.empty_like(m.weight).uniform_(-bound, bound))
            if m.bias is not None:
                m.bias = nn.Parameter(torch.zeros_like(m.bias))
    return model
