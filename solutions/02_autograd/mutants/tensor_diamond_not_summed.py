# exercise: Tensor
# bug: a node used twice keeps only the last contribution to its gradient (diamonds not summed)
# breaks: values
# misconception: Your backward pass stores a node's gradient instead of adding to it, so when a node feeds two later operations only the last contribution survives and the earlier ones are lost.
# misconception-ko: 역전파에서 노드의 기울기를 더하지 않고 덮어쓰고 있습니다. 그래서 한 노드가 뒤의 연산 두 곳에 쓰이면 마지막 경로의 기여만 남고 앞선 기여는 사라집니다.
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
                    node.grad = np.array(g, dtype=np.float64) if node.grad is None else node.grad + g
                continue
            for parent, vjp in node._parents:
                grads[id(parent)] = vjp(g)
