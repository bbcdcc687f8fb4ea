# exercise: Tensor
# bug: sigmoid's derivative computed from the input, x * (1 - x), instead of the output s * (1 - s)
import numpy as np


class Tensor(Tensor):
    def sigmoid(self):
        s = 1.0 / (1.0 + np.exp(-self.data))
        return Tensor._result(s, [(self, lambda g: g * self.data * (1.0 - self.data))])
