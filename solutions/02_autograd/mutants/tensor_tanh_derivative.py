# exercise: Tensor
# bug: derivative of tanh written as 1 - tanh(x) instead of 1 - tanh(x)**2
# breaks: values
# misconception: Your tanh backward uses 1 - tanh(x) as the derivative; the derivative is 1 minus the square of tanh(x).
# misconception-ko: tanh의 도함수를 1 - tanh(x)로 쓰고 있습니다. 도함수는 1에서 tanh(x)의 제곱을 뺀 값입니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def tanh(self):
        t = np.tanh(self.data)
        return Tensor._result(t, [(self, lambda g: g * (1.0 - t))])
