# exercise: Tensor
# bug: recursive topological sort: a deep chain hits Python's recursion limit (RecursionError)
import numpy as np


class Tensor(Tensor):
    def _topological_order(self):
        order, visited = [], set()

        def build(node):
            if id(node) not in visited:
                visited.add(id(node))
                for parent, _ in node._parents:
                    build(parent)
                order.append(node)

        build(self)
        return order
