# exercise: Tensor
# approach: other numerics and order: Kahn's algorithm on consumer counts, every contribution kept and summed once per node, sigmoid as 0.5 * (1 + tanh(x / 2)), tanh's derivative as (1 - t)(1 + t), division's gradients from the output, mean as a scaled sum
import numpy as np


def _undo_broadcast(g, shape):
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = np.add.reduce(g, axis=0)
    for ax in range(len(shape) - 1, -1, -1):      # last axis first
        if shape[ax] == 1 and g.shape[ax] > 1:
            g = np.add.reduce(g, axis=ax, keepdims=True)
    return g


class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False):
        arr = np.array(data, dtype=np.float64, copy=True)
        self.data = arr
        self.requires_grad = requires_grad is True or bool(requires_grad)
        self.grad = None
        self.edges = []

    @property
    def shape(self):
        return tuple(self.data.shape)

    def _op(self, data, *edges):
        live = [(p, f) for p, f in edges if p.requires_grad]
        out = Tensor(data)
        out.requires_grad = bool(live)
        out.edges = live
        return out

    @staticmethod
    def _t(x):
        return x if isinstance(x, Tensor) else Tensor(x)

    def __add__(self, other):
        o = Tensor._t(other)
        return self._op(o.data + self.data, (self, lambda g: _undo_broadcast(g, self.shape)),
                        (o, lambda g: _undo_broadcast(g, o.shape)))

    def __radd__(self, other):
        return Tensor._t(other) + self

    def __neg__(self):
        return self._op(-self.data, (self, lambda g: -g))

    def __sub__(self, other):
        o = Tensor._t(other)
        return self._op(self.data - o.data, (self, lambda g: _undo_broadcast(g, self.shape)),
                        (o, lambda g: -_undo_broadcast(g, o.shape)))

    def __rsub__(self, other):
        return Tensor._t(other) - self

    def __mul__(self, other):
        o = Tensor._t(other)
        return self._op(self.data * o.data, (self, lambda g: _undo_broadcast(o.data * g, self.shape)),
                        (o, lambda g: _undo_broadcast(self.data * g, o.shape)))

    def __rmul__(self, other):
        return Tensor._t(other) * self

    def __truediv__(self, other):
        o = Tensor._t(other)
        q = self.data / o.data
        # d(a/b)/db = -(a/b)/b: reuse the quotient instead of a / b**2
        return self._op(q, (self, lambda g: _undo_broadcast(g / o.data, self.shape)),
                        (o, lambda g: _undo_broadcast(-(g * q) / o.data, o.shape)))

    def __rtruediv__(self, other):
        return Tensor._t(other) / self

    def __matmul__(self, other):
        o = Tensor._t(other)
        return self._op(np.dot(self.data, o.data), (self, lambda g: np.dot(g, o.data.T)),
                        (o, lambda g: np.dot(self.data.T, g)))

    def __rmatmul__(self, other):
        return Tensor._t(other) @ self

    def __pow__(self, p):
        x = self.data
        return self._op(x ** p, (self, lambda g: p * (x ** (p - 1) * g)))

    def sum(self, axis=None, keepdims=False):
        shape = self.shape
        def back(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.zeros(shape) + g
        return self._op(np.add.reduce(self.data, axis=axis, keepdims=keepdims), (self, back))

    def mean(self, axis=None, keepdims=False):
        n = self.data.size if axis is None else self.data.shape[axis]
        return self.sum(axis=axis, keepdims=keepdims) / float(n)

    def relu(self):
        mask = (self.data > 0).astype(np.float64)
        return self._op(self.data * mask, (self, lambda g: g * mask))

    def exp(self):
        e = np.exp(self.data)
        return self._op(e, (self, lambda g: e * g))

    def log(self):
        x = self.data
        return self._op(np.log(x), (self, lambda g: g / x))

    def tanh(self):
        t = np.tanh(self.data)
        return self._op(t, (self, lambda g: g * (1.0 - t) * (1.0 + t)))

    def sigmoid(self):
        s = 0.5 * (1.0 + np.tanh(0.5 * self.data))   # no exp, so nothing overflows
        return self._op(s, (self, lambda g: g * (s - s * s)))

    def reshape(self, *shape):
        old = self.shape
        return self._op(self.data.reshape(shape), (self, lambda g: np.reshape(g, old)))

    def transpose(self):
        return self._op(np.swapaxes(self.data, 0, 1), (self, lambda g: np.swapaxes(g, 0, 1)))

    @property
    def T(self):
        return self.transpose()

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"grad is required for backward() on shape {self.shape}")
            grad = np.ones(self.shape)
        grad = np.zeros(self.shape) + np.asarray(grad, dtype=np.float64)
        if not self.requires_grad:
            return
        # Kahn's algorithm: count each node's consumers, release a node when all have sent.
        consumers, stack, seen = {}, [self], {id(self)}
        while stack:
            n = stack.pop()
            for p, _ in n.edges:
                consumers[id(p)] = consumers.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        parts = {id(self): [grad]}
        ready = [self]
        while ready:
            n = ready.pop()
            contributions = parts.pop(id(n))
            g = contributions[0]
            for c in contributions[1:]:
                g = g + c
            if not n.edges:
                n.grad = g.copy() if n.grad is None else n.grad + g
            for p, f in n.edges:
                parts.setdefault(id(p), []).append(f(g))
                consumers[id(p)] -= 1
                if consumers[id(p)] == 0:
                    ready.append(p)
