# exercise: to_numpy
# bug: goes through a Python list, so every array comes back as float64 (or int64/bool): the dtype is not kept
# breaks: dtype
# misconception: You converted the tensor through a Python list into a float64 array, so every array comes back as float64 whatever the tensor's dtype was.
# misconception-ko: 텐서를 파이썬 리스트를 거쳐 float64 배열로 변환했기 때문에 텐서의 dtype과 상관없이 모든 배열이 float64로 나옵니다.
# on-hidden: name
import numpy as np
import torch


def to_numpy(t):
    return np.array(t.detach().cpu().tolist(), dtype=np.float64)
