# exercise: Tensor
# bug: gradients of broadcast operands are not summed back to the operand's shape
import numpy as np


def _unbroadcast(grad, shape):
    return grad
