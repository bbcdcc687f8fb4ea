# exercise: to_numpy
# bug: squeezes the array, dropping every size-1 dimension
# breaks: values
# misconception: You squeezed the array to tidy it up, which drops every dimension of size 1, so the array no longer has the tensor's shape.
# misconception-ko: 배열을 정리하려고 squeeze를 했는데, 이 때문에 크기 1인 차원이 모두 사라져 배열이 텐서와 같은 shape을 갖지 않습니다.
# on-hidden: name
import torch


def to_numpy(t):
    return t.detach().cpu().numpy().squeeze()
