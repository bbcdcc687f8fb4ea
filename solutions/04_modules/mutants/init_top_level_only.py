# exercise: init_weights
# bug: walks model.children() only: a Linear inside a nested Sequential keeps its default init
# breaks: values
# misconception: You walked only the model's direct children: a Linear inside a nested Sequential keeps its default initialisation.
# misconception-ko: 모델의 직계 자식 모듈만 순회한 것으로 보입니다. 중첩된 Sequential 안의 Linear는 기본 초기화 그대로 남습니다.
# on-hidden: name
from torch import nn


def init_weights(model):
    for m in model.children():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model
