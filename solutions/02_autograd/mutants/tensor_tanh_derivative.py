# exercise: Tensor
# bug: derivative of tanh written as 1 - tanh(x) instead of 1 - tanh(x)**2
import numpy as np


class Tensor(Tensor):
    def tanh(self):
        t = np.tanh(self.data)
        return Tensor._result(t, [(self, lambda g: g * (1.0 - t))])
