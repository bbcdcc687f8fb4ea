# exercise: init_weights
# bug: replaces weight.data with a new torch.empty(...).uniform_() (default dtype float32): a float64 model gets float32 weights
# breaks: dtype
# misconception: You replaced each weight's data with a newly created tensor: a new tensor takes the default dtype (float32), so a float64 model ends up with float32 weights.
# misconception-ko: 각 가중치의 data를 새로 만든 텐서로 바꾼 것으로 보입니다. 새 텐서는 기본 dtype(float32)을 가지므로 float64 모델의 가중치가 float32가 됩니다.
# on-hidden: name
import math

import torch
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            bound = math.sqrt(6 / m.in_features)
            m.weight.data = torch.empty(m.out_features, m.in_features).uniform_(-bound, bound)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model
