# exercise: one_hot
# bug: relies on F.one_hot to reject bad labels, which raises RuntimeError, not ValueError
import torch
import torch.nn.functional as F


def one_hot(labels, num_classes):
    return F.one_hot(labels.long(), num_classes).float()
