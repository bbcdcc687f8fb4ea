# exercise: to_numpy
# bug: copies the elements one by one in a Python loop
# breaks: loops
# misconception: Your values are right, but you copy the tensor into the array element by element in a Python loop, so the work grows with the number of elements.
# misconception-ko: 값은 맞지만 텐서를 배열로 원소 하나씩 파이썬 루프로 복사하기 때문에 원소 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import numpy as np
import torch

_NP = {torch.float32: np.float32, torch.float64: np.float64, torch.int64: np.int64, torch.int32: np.int32,
       torch.int16: np.int16, torch.uint8: np.uint8, torch.bool: np.bool_}


def to_numpy(t):
    flat = t.detach().cpu().reshape(-1)
    out = np.empty(flat.shape[0], dtype=_NP[t.dtype])
    for i in range(flat.shape[0]):
        out[i] = flat[i].item()
    return out.reshape(tuple(t.shape))
