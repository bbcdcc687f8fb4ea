# exercise: Tensor
# bug: backward() without grad silently uses ones for any shape instead of raising ValueError
# breaks: raises
# misconception: Your backward quietly uses a gradient of ones when none is given, for any shape; for a result with more than one element the contract asks for a ValueError instead.
# misconception-ko: 기울기를 주지 않으면 모양과 상관없이 1로 채운 기울기를 조용히 사용합니다. 원소가 둘 이상인 결과라면 계약대로 ValueError를 발생시켜야 합니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def backward(self, grad=None):
        if grad is None:
            grad = np.ones_like(self.data)
        super().backward(grad)
