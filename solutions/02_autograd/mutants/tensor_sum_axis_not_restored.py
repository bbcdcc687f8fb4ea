# exercise: Tensor
# bug: sum's gradient is broadcast to the input's shape without first re-inserting the summed axis
import numpy as np


class Tensor(Tensor):
    def sum(self, axis=None, keepdims=False):
        return Tensor._result(self.data.sum(axis=axis, keepdims=keepdims),
                              [(self, lambda g: np.broadcast_to(g, self.shape))])
