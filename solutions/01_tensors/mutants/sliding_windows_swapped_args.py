# exercise: sliding_windows
# bug: passes size and step to Tensor.unfold in the wrong order
# breaks: values
# misconception: You passed size and step to Tensor.unfold in the wrong order, so you get windows of length step taken every size elements.
# misconception-ko: Tensor.unfold에 size와 step을 반대 순서로 넘겨서, size 간격으로 잘린 길이 step짜리 창이 나옵니다.
# on-hidden: name
import torch


def sliding_windows(x, size, step=1):
    return x.unfold(0, step, size)
