# exercise: Tensor
# bug: topological sort without a visited set: a node reached along two paths is processed twice
# breaks: values
# misconception: Your topological sort has no record of visited nodes, so a node reached along two paths is processed twice and passes its gradient on twice (and deep chains of diamonds take exponential time).
# misconception-ko: 위상 정렬에서 방문한 노드를 기록하지 않아, 두 경로로 도달하는 노드를 두 번 처리하고 기울기도 두 번 전달합니다. 다이아몬드가 깊게 이어진 그래프에서는 시간이 지수적으로 늘어납니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def _topological_order(self):
        order = []
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            stack.append((node, True))
            for parent, _ in node._parents:
                stack.append((parent, False))
        return order

    def backward(self, grad=None):
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() needs grad for a tensor with more than one element")
            grad = np.ones_like(self.data)
        grads = {id(self): np.broadcast_to(np.asarray(grad, dtype=np.float64), self.shape)}
        for node in reversed(self._topological_order()):
            g = grads.get(id(node))          # read, not popped: a duplicate passes it on again
            if g is None:
                continue
            if not node._parents:
                if node.requires_grad:
                    node.grad = np.array(g, dtype=np.float64) if node.grad is None else node.grad + g
                continue
            for parent, vjp in node._parents:
                c = vjp(g)
                grads[id(parent)] = grads[id(parent)] + c if id(parent) in grads else c
