# exercise: softmax
# bug: always normalises along the last dimension, whatever dim says
# breaks: values
# misconception: You always normalise along the last dimension, whatever the dim argument says.
# misconception-ko: dim 인자가 무엇이든 항상 마지막 차원을 따라 정규화합니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim=-1, keepdim=True))
    return e / e.sum(dim=-1, keepdim=True)
