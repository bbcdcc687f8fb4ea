# exercise: Tensor
# bug: recursive topological sort: a deep chain hits Python's recursion limit (RecursionError)
# breaks: deep_graphs
# misconception: Your topological sort calls itself once per node, so a chain of thousands of operations exceeds Python's recursion limit and raises RecursionError.
# misconception-ko: 위상 정렬이 노드마다 자기 자신을 재귀 호출하기 때문에, 연산이 수천 개 이어진 그래프에서는 파이썬 재귀 한도를 넘어 RecursionError가 발생합니다.
# on-hidden: name
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
