# exercise: Tensor
# bug: a result requires grad only when its left operand does (2.0 * a and c + a lose the graph)
import numpy as np


class Tensor(Tensor):
    @staticmethod
    def _result(data, parents):
        out = Tensor(data, requires_grad=parents[0][0].requires_grad)
        out._parents = tuple((p, vjp) for p, vjp in parents if out.requires_grad and p.requires_grad)
        return out
