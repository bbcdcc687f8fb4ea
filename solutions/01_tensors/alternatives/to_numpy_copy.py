# exercise: to_numpy
# approach: always an independent copy made by NumPy from the detached CPU tensor (never shares memory)
import numpy as np


def to_numpy(t):
    host = t.detach().to("cpu")
    return np.array(host.numpy(), copy=True)
