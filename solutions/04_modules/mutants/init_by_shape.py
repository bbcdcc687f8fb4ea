# exercise: init_weights
# bug: decides by the parameter's shape (matrices He, vectors zero): LayerNorm's scale becomes 0
# breaks: values
# misconception: You chose what to initialise by the parameter's shape (matrices get He, vectors get zeros) rather than by the module's type: LayerNorm's scale becomes zero and other modules are overwritten.
# misconception-ko: 모듈의 종류가 아니라 파라미터의 shape로(행렬은 He, 벡터는 0) 초기화 대상을 정한 것으로 보입니다. LayerNorm의 scale이 0이 되고 다른 모듈도 덮어써집니다.
# on-hidden: name
from torch import nn


def init_weights(model):
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.kaiming_uniform_(p, nonlinearity="relu")
        else:
            nn.init.zeros_(p)
    return model
