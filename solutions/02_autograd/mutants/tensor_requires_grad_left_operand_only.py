# exercise: Tensor
# bug: a result requires grad only when its left operand does (2.0 * a and c + a lose the graph)
# breaks: requires_grad
# misconception: Your result requires grad only when its left operand does, so expressions like 2.0 * a or c + a drop out of the graph although a requires grad.
# misconception-ko: 결과의 requires_grad를 왼쪽 피연산자만 보고 정하고 있습니다. 그래서 a가 기울기를 필요로 해도 2.0 * a나 c + a 같은 식은 그래프에서 빠집니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    @staticmethod
    def _result(data, parents):
        out = Tensor(data, requires_grad=parents[0][0].requires_grad)
        out._parents = tuple((p, vjp) for p, vjp in parents if out.requires_grad and p.requires_grad)
        return out
