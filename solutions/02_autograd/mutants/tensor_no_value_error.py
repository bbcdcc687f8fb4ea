# exercise: Tensor
# bug: backward() without grad silently uses ones for any shape instead of raising ValueError
import numpy as np


class Tensor(Tensor):
    def backward(self, grad=None):
        if grad is None:
            grad = np.ones_like(self.data)
        super().backward(grad)
