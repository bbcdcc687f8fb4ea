# exercise: Tensor
# bug: a leaf's .grad is overwritten by each backward pass instead of accumulated
# breaks: accumulation
# misconception: Your backward pass replaces a leaf's grad instead of adding to it, so a second backward forgets the first one; in PyTorch gradients accumulate until they are reset.
# misconception-ko: 역전파가 리프의 grad에 더하지 않고 새 값으로 바꿉니다. 그래서 두 번째 backward가 첫 번째 결과를 지워 버립니다. PyTorch에서는 초기화하기 전까지 기울기가 누적됩니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() needs grad for a tensor with more than one element")
            grad = np.ones_like(self.data)
        grad = np.broadcast_to(np.asarray(grad, dtype=np.float64), self.shape)
        grads = {id(self): grad}
        for node in reversed(self._topological_order()):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if not node._parents:
                if node.requires_grad:
                    node.grad = np.array(g, dtype=np.float64)
                continue
            for parent, vjp in node._parents:
                c = vjp(g)
                grads[id(parent)] = grads[id(parent)] + c if id(parent) in grads else c
