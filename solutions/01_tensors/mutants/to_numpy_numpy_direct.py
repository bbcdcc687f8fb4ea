# exercise: to_numpy
# bug: calls t.numpy() directly: fails for tensors that require grad (and for GPU tensors)
import torch


def to_numpy(t):
    return t.numpy()
