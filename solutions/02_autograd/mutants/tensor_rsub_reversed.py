# exercise: Tensor
# bug: reflected operators reuse the forward ones: 1.0 - a computes a - 1.0 and 1 / a computes a / 1
# breaks: values
# misconception: Your reflected operators reuse the normal ones with the operands in the wrong order, so 1.0 - a computes a - 1.0 and 1 / a computes a / 1.
# misconception-ko: 반사 연산자(__rsub__, __rtruediv__)가 일반 연산자를 피연산자 순서를 바꾸지 않고 재사용합니다. 그래서 1.0 - a는 a - 1.0을, 1 / a는 a / 1을 계산합니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def __rsub__(self, other):
        return self - other

    def __rtruediv__(self, other):
        return self / other
