# exercise: to_numpy
# bug: goes through a Python list, so every array comes back as float64 (or int64/bool): the dtype is not kept
import numpy as np
import torch


def to_numpy(t):
    return np.array(t.detach().cpu().tolist(), dtype=np.float64)
