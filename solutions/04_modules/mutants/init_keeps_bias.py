# exercise: init_weights
# bug: leaves the biases at PyTorch's default (non-zero)
# breaks: values
# misconception: You initialised the weights but left the biases at PyTorch's default: they keep small random values instead of zeros.
# misconception-ko: 가중치는 초기화했지만 bias는 PyTorch 기본값으로 둔 것으로 보입니다. bias가 0이 아니라 작은 무작위 값으로 남습니다.
# on-hidden: name
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
    return model
