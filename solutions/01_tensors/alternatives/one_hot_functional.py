# exercise: one_hot
# approach: library: F.one_hot on int64 labels after the range check, converted to float32
import torch
import torch.nn.functional as F


def one_hot(labels, num_classes):
    bad = (labels < 0) | (labels >= num_classes)
    if bool(bad.any()):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    return F.one_hot(labels.to(torch.int64), num_classes).to(torch.float32)
