# exercise: init_weights
# bug: He uniform with mode="fan_out": the bound follows out_features
# breaks: values
# misconception: You used He uniform in fan_out mode: the bound follows out_features instead of in_features, so the weights spread too wide or too narrow.
# misconception-ko: He uniform을 fan_out 모드로 사용한 것으로 보입니다. 경계가 in_features가 아니라 out_features를 따르므로 가중치가 너무 넓거나 좁게 퍼집니다.
# on-hidden: name
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model
