# exercise: Tensor
# bug: sum's gradient is broadcast to the input's shape without first re-inserting the summed axis
# breaks: values
# misconception: Your sum backward broadcasts the gradient to the input's shape without first putting back the axis that was summed away, so it lines up with the wrong dimension (or fails).
# misconception-ko: sum의 역전파에서 합해서 사라진 축을 먼저 되살리지 않고 입력 모양으로 브로드캐스팅합니다. 그래서 기울기가 엉뚱한 차원에 맞춰지거나 오류가 납니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def sum(self, axis=None, keepdims=False):
        return Tensor._result(self.data.sum(axis=axis, keepdims=keepdims),
                              [(self, lambda g: np.broadcast_to(g, self.shape))])
