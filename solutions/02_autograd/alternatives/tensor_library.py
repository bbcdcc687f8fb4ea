# exercise: Tensor
# approach: built from library calls: np.einsum for the matrix product, np.broadcast_to/np.sum over axis tuples for gradients, np.logaddexp for sigmoid, and the standard library's graphlib.TopologicalSorter for the backward order
import graphlib

import numpy as np


def _lib_reduce(grad, shape):
    lead = grad.ndim - len(shape)
    stretched = tuple(lead + i for i, s in enumerate(shape) if s == 1 and grad.shape[lead + i] != 1)
    return np.sum(np.sum(grad, axis=tuple(range(lead))), axis=tuple(a - lead for a in stretched),
                  keepdims=True).reshape(shape)


class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False):
        self.data = np.asarray(data, dtype=np.float64).copy()
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._deps = ()

    @property
    def shape(self):
        return np.shape(self.data)

    @classmethod
    def _wrap(cls, x):
        return x if isinstance(x, cls) else cls(x)

    @classmethod
    def _make(cls, data, deps):
        deps = tuple(d for d in deps if d[0].requires_grad)
        t = cls(data, requires_grad=bool(deps))
        t._deps = deps
        return t

    def _binary(self, other, fn, dself, dother, swap=False):
        a, b = (Tensor._wrap(other), self) if swap else (self, Tensor._wrap(other))
        return Tensor._make(fn(a.data, b.data), (
            (a, lambda g: _lib_reduce(dself(g, a.data, b.data), a.shape)),
            (b, lambda g: _lib_reduce(dother(g, a.data, b.data), b.shape))))

    def __add__(self, o): return self._binary(o, np.add, lambda g, a, b: g, lambda g, a, b: g)
    def __radd__(self, o): return self._binary(o, np.add, lambda g, a, b: g, lambda g, a, b: g, swap=True)
    def __sub__(self, o): return self._binary(o, np.subtract, lambda g, a, b: g, lambda g, a, b: np.negative(g))
    def __rsub__(self, o): return self._binary(o, np.subtract, lambda g, a, b: g, lambda g, a, b: np.negative(g), swap=True)
    def __mul__(self, o): return self._binary(o, np.multiply, lambda g, a, b: g * b, lambda g, a, b: g * a)
    def __rmul__(self, o): return self._binary(o, np.multiply, lambda g, a, b: g * b, lambda g, a, b: g * a, swap=True)

    def __truediv__(self, o):
        return self._binary(o, np.divide, lambda g, a, b: np.divide(g, b), lambda g, a, b: -g * a / np.square(b))

    def __rtruediv__(self, o):
        return self._binary(o, np.divide, lambda g, a, b: np.divide(g, b), lambda g, a, b: -g * a / np.square(b), swap=True)

    def _mm(self, other, swap=False):
        a, b = (Tensor._wrap(other), self) if swap else (self, Tensor._wrap(other))
        return Tensor._make(np.einsum("ij,jk->ik", a.data, b.data), (
            (a, lambda g: np.einsum("ik,jk->ij", g, b.data)),
            (b, lambda g: np.einsum("ij,ik->jk", a.data, g))))

    def __matmul__(self, o): return self._mm(o)
    def __rmatmul__(self, o): return self._mm(o, swap=True)

    def __neg__(self):
        return Tensor._make(np.negative(self.data), ((self, np.negative),))

    def __pow__(self, p):
        return Tensor._make(np.power(self.data, p), ((self, lambda g: g * p * np.power(self.data, p - 1)),))

    def _spread(self, g, axis, keepdims):
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, self.shape)

    def sum(self, axis=None, keepdims=False):
        return Tensor._make(np.sum(self.data, axis=axis, keepdims=keepdims),
                            ((self, lambda g: self._spread(g, axis, keepdims)),))

    def mean(self, axis=None, keepdims=False):
        n = np.size(self.data) if axis is None else np.shape(self.data)[axis]
        return Tensor._make(np.mean(self.data, axis=axis, keepdims=keepdims),
                            ((self, lambda g: self._spread(g, axis, keepdims) / n),))

    def relu(self):
        return Tensor._make(np.maximum(self.data, 0.0), ((self, lambda g: g * np.heaviside(self.data, 0.0)),))

    def exp(self):
        out = np.exp(self.data)
        return Tensor._make(out, ((self, lambda g: g * out),))

    def log(self):
        return Tensor._make(np.log(self.data), ((self, lambda g: g * np.reciprocal(self.data)),))

    def tanh(self):
        out = np.tanh(self.data)
        return Tensor._make(out, ((self, lambda g: g * (1.0 - np.square(out))),))

    def sigmoid(self):
        out = np.exp(-np.logaddexp(0.0, -self.data))
        return Tensor._make(out, ((self, lambda g: g * out * (1.0 - out)),))

    def reshape(self, *shape):
        return Tensor._make(np.reshape(self.data, shape), ((self, lambda g: np.reshape(g, self.shape)),))

    def transpose(self):
        return Tensor._make(np.transpose(self.data), ((self, np.transpose),))

    @property
    def T(self):
        return self.transpose()

    def backward(self, grad=None):
        if grad is None and np.size(self.data) != 1:
            raise ValueError("backward() without grad needs a one-element tensor")
        g0 = np.broadcast_to(np.asarray(1.0 if grad is None else grad, dtype=np.float64), self.shape)
        if not self.requires_grad:
            return
        nodes, graph, todo = {id(self): self}, {id(self): set()}, [self]
        while todo:                      # collect the graph: node -> the nodes computed from it
            n = todo.pop()
            for p, _ in n._deps:
                graph.setdefault(id(p), set()).add(id(n))
                if id(p) not in nodes:
                    nodes[id(p)] = p
                    todo.append(p)
        # A "predecessor" here is a node computed from this one: static_order yields the
        # output first and every node after all of its consumers.
        grads = {id(self): g0}
        for key in graphlib.TopologicalSorter(graph).static_order():
            node, g = nodes[key], grads.pop(key, None)
            if g is None:
                continue
            if not node._deps:
                node.grad = np.array(g, dtype=np.float64) if node.grad is None else np.add(node.grad, g)
            for p, f in node._deps:
                grads[id(p)] = np.add(grads[id(p)], f(g)) if id(p) in grads else f(g)
