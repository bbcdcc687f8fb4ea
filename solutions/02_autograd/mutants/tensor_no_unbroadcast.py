# exercise: Tensor
# bug: gradients of broadcast operands are not summed back to the operand's shape
# breaks: values
# misconception: When NumPy broadcast an operand, your backward hands it a gradient of the output's shape instead of summing it back over the broadcast dimensions to the operand's own shape.
# misconception-ko: NumPy가 브로드캐스팅한 피연산자에 출력 모양 그대로의 기울기를 넘기고 있습니다. 브로드캐스팅된 차원을 따라 합해서 피연산자 자신의 모양으로 되돌려야 합니다.
# on-hidden: name
import numpy as np


def _unbroadcast(grad, shape):
    return grad
