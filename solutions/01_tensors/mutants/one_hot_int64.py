# exercise: one_hot
# bug: returns F.one_hot's int64 result instead of float32
import torch
import torch.nn.functional as F


def one_hot(labels, num_classes):
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    return F.one_hot(labels.long(), num_classes)
