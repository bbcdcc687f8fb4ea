# exercise: sliding_windows
# bug: passes size and step to Tensor.unfold in the wrong order
import torch


def sliding_windows(x, size, step=1):
    return x.unfold(0, step, size)
