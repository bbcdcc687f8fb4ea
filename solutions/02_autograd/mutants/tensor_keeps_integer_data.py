# exercise: Tensor
# bug: data stored with np.asarray(data): integers stay integers and float32 stays float32
# breaks: dtype
# misconception: Your Tensor keeps the data's own dtype (integers stay integers, float32 stays float32), while the contract stores every Tensor's data as a float64 array.
# misconception-ko: Tensor가 입력 데이터의 dtype을 그대로 유지합니다(정수는 정수, float32는 float32). 계약에 따르면 모든 데이터는 float64 배열로 저장해야 합니다.
# on-hidden: name
import numpy as np


class Tensor(Tensor):
    def __init__(self, data, requires_grad=False):
        super().__init__(0.0, requires_grad)
        self.data = np.asarray(data)
