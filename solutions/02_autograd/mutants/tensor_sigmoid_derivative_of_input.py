# exercise: Tensor
# bug: sigmoid's derivative computed from the input, x * (1 - x), instead of the output s * (1 - s)
# breaks: values
# misconception: Your sigmoid backward applies the formula s(1 - s) to the input x rather than to the sigmoid's output s, which gives a different slope.
# misconception-ko: sigmoid의 역전파에서 s(1 - s) 공식을 sigmoid의 출력 s가 아니라 입력 x에 적용하고 있어 기울기가 달라집니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def sigmoid(self):
        s = 1.0 / (1.0 + np.exp(-self.data))
        return Tensor._result(s, [(self, lambda g: g * self.data * (1.0 - self.data))])
