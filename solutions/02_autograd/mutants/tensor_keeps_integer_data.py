# exercise: Tensor
# bug: data stored with np.asarray(data): integers stay integers and float32 stays float32
import numpy as np


class Tensor(Tensor):
    def __init__(self, data, requires_grad=False):
        super().__init__(0.0, requires_grad)
        self.data = np.asarray(data)
