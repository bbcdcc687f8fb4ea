# exercise: init_weights
# bug: He normal instead of He uniform (values beyond the uniform bound)
# breaks: values
# misconception: You used He normal instead of He uniform: a normal distribution has no bound, so some weights fall beyond the uniform bound.
# misconception-ko: He uniform 대신 He normal을 사용한 것으로 보입니다. 정규분포에는 경계가 없어 일부 가중치가 uniform 경계를 넘습니다.
# on-hidden: name
from torch import nn


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model
