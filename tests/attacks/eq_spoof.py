# attack: return objects that claim equality with anything (and look like arrays) instead of tensors
# expect: fails pairwise_sq_dists
# says: Everything
import torch


class Everything:
    shape = property(lambda self: self._shape)
    dtype = torch.float32

    def __init__(self, shape):
        self._shape = shape

    def __eq__(self, other):
        return True

    def __array__(self, *a, **k):
        raise RuntimeError("no")

    def __len__(self):
        return self._shape[0]

    def __getattr__(self, name):
        return lambda *a, **k: self


def pairwise_sq_dists(x, y):
    return Everything((x.shape[0], y.shape[0]))
