# exercise: to_numpy
# bug: "fixes" the requires_grad error by switching off requires_grad on the caller's tensor
import torch


def to_numpy(t):
    if t.requires_grad:
        t.requires_grad_(False)
    return t.cpu().numpy()
