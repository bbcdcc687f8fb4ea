# attack: return values that run code if the grader unpickles or torch.loads them (pickle bytes, torch.save bytes, __reduce__ objects)
# expect: fails standardize
# says: bytes|Payload|list|dict
import io
import os
import pickle

import torch


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/ag-attack-pickle-ran",))


_blob = pickle.dumps(Payload())
_buf = io.BytesIO()
torch.save({"x": Payload()}, _buf)
_saved = _buf.getvalue()
_calls = [0]


def standardize(x, dim=-1, eps=1e-5):
    _calls[0] += 1
    return [Payload(), _blob, _saved, {"$": "pickle", "data": _blob.hex()}][_calls[0] % 4]
