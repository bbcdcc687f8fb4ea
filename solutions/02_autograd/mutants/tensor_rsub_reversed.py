# exercise: Tensor
# bug: reflected operators reuse the forward ones: 1.0 - a computes a - 1.0 and 1 / a computes a / 1
import numpy as np


class Tensor(Tensor):
    def __rsub__(self, other):
        return self - other

    def __rtruediv__(self, other):
        return self / other
