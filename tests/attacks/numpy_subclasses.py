# attack: return numpy subclasses and object arrays (a matrix, a masked array, an always-equal ndarray subclass, objects that run code when unpickled)
# expect: fails to_numpy
# says: subclass|object|masked|matrix|expected a np.ndarray
import os

import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/ag-attack-numpy-payload",))


_calls = [0]


def to_numpy(t):
    _calls[0] += 1
    a = t.detach().cpu().numpy().copy()
    kind = _calls[0] % 4
    if kind == 0:
        return a.view(Liar) * 0
    if kind == 1:
        return np.ma.masked_array(a * 0, mask=True)
    if kind == 2:
        out = np.empty(a.shape, dtype=object)
        out.fill(Payload())
        return out
    return np.asmatrix(a.reshape(a.shape[0] if a.ndim else 1, -1) * 0)
