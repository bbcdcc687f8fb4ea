# exercise: standardize
# approach: library: move dim last, F.layer_norm without affine parameters, move it back
import torch.nn.functional as F


def standardize(x, dim=-1, eps=1e-5):
    moved = x.movedim(dim, -1)
    out = F.layer_norm(moved, moved.shape[-1:], eps=eps)
    return out.movedim(-1, dim)
