# exercise: Tensor
# bug: every leaf gets a .grad, also leaves (and constants) created without requires_grad=True
# breaks: requires_grad
# misconception: Your backward pass gives a gradient to every leaf, including tensors created without requires_grad, which should keep None as their grad.
# misconception-ko: 역전파가 모든 리프에 기울기를 저장합니다. requires_grad 없이 만든 텐서는 grad가 None으로 남아야 합니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    @staticmethod
    def _result(data, parents):
        out = Tensor(data, requires_grad=any(p.requires_grad for p, _ in parents))
        out._parents = tuple(parents)
        return out

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() needs grad for a tensor with more than one element")
            grad = np.ones_like(self.data)
        grads = {id(self): np.broadcast_to(np.asarray(grad, dtype=np.float64), self.shape)}
        for node in reversed(self._topological_order()):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if not node._parents:
                node.grad = np.array(g, dtype=np.float64) if node.grad is None else node.grad + g
                continue
            for parent, vjp in node._parents:
                c = vjp(g)
                grads[id(parent)] = grads[id(parent)] + c if id(parent) in grads else c
