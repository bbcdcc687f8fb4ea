# attack: answers too big or too deep for the grader to hold: a 1 GiB tensor, a 64-deep list, a dict of a million keys, a broadcast view claiming 2^40 elements
# expect: fails pairwise_sq_dists
import torch

_calls = [0]


def pairwise_sq_dists(x, y):
    _calls[0] += 1
    kind = _calls[0] % 4
    if kind == 0:
        return torch.ones(2**28)  # 1 GiB of float32, under the worker's 4 GiB
    if kind == 1:
        deep = []
        for _ in range(10_000):
            deep = [deep]
        return deep
    if kind == 2:
        return {str(i): i for i in range(1_000_000)}
    return torch.zeros(1).expand(2**40)
