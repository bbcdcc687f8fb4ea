# exercise: Tensor
# approach: the contract read as narrowly as it allows: `@`, transpose and .T refuse anything but 2-D operands, axis only an int or None, operands only Tensors, Python numbers and ndarrays; a post-order walk with an explicit stack of (node, next parent) frames
import numbers

import numpy as np


def _narrow_sum_to(grad, shape):
    # Left-pad the operand's shape with ones, sum every axis where it is 1 and the
    # gradient is not, then drop the padding.
    padded = (1,) * (grad.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, (gs, s) in enumerate(zip(grad.shape, padded)) if s == 1 and gs != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False):
        self.data = np.array(data, dtype=np.float64)
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._inputs = []        # list of (parent, function from my gradient to the parent's)

    @property
    def shape(self):
        return self.data.shape

    @staticmethod
    def _as_tensor(x):
        if isinstance(x, Tensor):
            return x
        if isinstance(x, np.ndarray) or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
            return Tensor(x)
        raise TypeError(f"Tensor operands are Tensors, Python numbers or NumPy arrays, not {type(x).__name__}")

    @staticmethod
    def _node(data, inputs):
        kept = [(p, f) for p, f in inputs if p.requires_grad]
        out = Tensor(data, requires_grad=len(kept) > 0)
        out._inputs = kept
        return out

    def __add__(self, other):
        o = Tensor._as_tensor(other)
        return Tensor._node(self.data + o.data, [(self, lambda g: _narrow_sum_to(g, self.shape)),
                                                 (o, lambda g: _narrow_sum_to(g, o.shape))])

    def __radd__(self, other):
        return Tensor._as_tensor(other).__add__(self)

    def __sub__(self, other):
        o = Tensor._as_tensor(other)
        return Tensor._node(self.data - o.data, [(self, lambda g: _narrow_sum_to(g, self.shape)),
                                                 (o, lambda g: _narrow_sum_to(-g, o.shape))])

    def __rsub__(self, other):
        return Tensor._as_tensor(other).__sub__(self)

    def __mul__(self, other):
        o = Tensor._as_tensor(other)
        return Tensor._node(self.data * o.data, [(self, lambda g: _narrow_sum_to(g * o.data, self.shape)),
                                                 (o, lambda g: _narrow_sum_to(g * self.data, o.shape))])

    def __rmul__(self, other):
        return Tensor._as_tensor(other).__mul__(self)

    def __truediv__(self, other):
        o = Tensor._as_tensor(other)
        return Tensor._node(self.data / o.data, [
            (self, lambda g: _narrow_sum_to(g / o.data, self.shape)),
            (o, lambda g: _narrow_sum_to(-g * self.data / (o.data * o.data), o.shape))])

    def __rtruediv__(self, other):
        return Tensor._as_tensor(other).__truediv__(self)

    def __matmul__(self, other):
        o = Tensor._as_tensor(other)
        if self.data.ndim != 2 or o.data.ndim != 2:
            raise ValueError(f"@ is the 2-D matrix product; got shapes {self.shape} and {o.shape}")
        return Tensor._node(self.data @ o.data, [(self, lambda g: g @ o.data.T),
                                                 (o, lambda g: self.data.T @ g)])

    def __rmatmul__(self, other):
        return Tensor._as_tensor(other).__matmul__(self)

    def __neg__(self):
        return Tensor._node(-self.data, [(self, lambda g: -g)])

    def __pow__(self, p):
        if not isinstance(p, numbers.Real) or isinstance(p, bool):
            raise TypeError("the exponent is a Python number")
        return Tensor._node(self.data ** p, [(self, lambda g: g * p * self.data ** (p - 1))])

    def sum(self, axis=None, keepdims=False):
        if axis is not None and not isinstance(axis, int):
            raise TypeError("axis is an int or None")
        def back(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return g * np.ones(self.shape)
        return Tensor._node(self.data.sum(axis=axis, keepdims=keepdims), [(self, back)])

    def mean(self, axis=None, keepdims=False):
        if axis is not None and not isinstance(axis, int):
            raise TypeError("axis is an int or None")
        n = self.data.size if axis is None else self.data.shape[axis]
        def back(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return g * np.ones(self.shape) / n
        return Tensor._node(self.data.mean(axis=axis, keepdims=keepdims), [(self, back)])

    def relu(self):
        return Tensor._node(np.where(self.data > 0, self.data, 0.0), [(self, lambda g: np.where(self.data > 0, g, 0.0))])

    def exp(self):
        e = np.exp(self.data)
        return Tensor._node(e, [(self, lambda g: g * e)])

    def log(self):
        return Tensor._node(np.log(self.data), [(self, lambda g: g / self.data)])

    def tanh(self):
        t = np.tanh(self.data)
        return Tensor._node(t, [(self, lambda g: g * (1 - t ** 2))])

    def sigmoid(self):
        x = self.data
        # Two branches, each exp of a non-positive number: no overflow.
        e = np.exp(-np.abs(x))
        s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return Tensor._node(s, [(self, lambda g: g * s * (1 - s))])

    def reshape(self, *shape):
        if not all(isinstance(d, int) for d in shape):
            raise TypeError("reshape takes ints")
        return Tensor._node(self.data.reshape(shape), [(self, lambda g: g.reshape(self.shape))])

    def transpose(self):
        if self.data.ndim != 2:
            raise ValueError(f"transpose is 2-D only; got shape {self.shape}")
        return Tensor._node(self.data.T, [(self, lambda g: g.T)])

    @property
    def T(self):
        return self.transpose()

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() needs grad for a tensor with more than one element")
            grad = 1.0
        if not self.requires_grad:
            return
        grad = np.array(grad, dtype=np.float64) * np.ones(self.shape)
        # Post-order DFS with explicit frames: a node is emitted after all its parents.
        order, seen, frames = [], {id(self)}, [[self, 0]]
        while frames:
            frame = frames[-1]
            node, i = frame
            if i < len(node._inputs):
                frame[1] += 1
                parent = node._inputs[i][0]
                if id(parent) not in seen:
                    seen.add(id(parent))
                    frames.append([parent, 0])
            else:
                frames.pop()
                order.append(node)
        pending = {id(self): grad}
        for node in reversed(order):
            g = pending.pop(id(node), None)
            if g is None:
                continue
            if not node._inputs:
                node.grad = g.copy() if node.grad is None else node.grad + g
                continue
            for parent, back in node._inputs:
                c = back(g)
                pending[id(parent)] = c if id(parent) not in pending else pending[id(parent)] + c
