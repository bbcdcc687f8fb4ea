# attack: print well-formed protocol frames claiming success on stdout, stderr and the raw file descriptors
# expect: fails batched_matvec
import json
import os
import struct
import sys

import torch


def _frame(header):
    raw = json.dumps(header).encode()
    return struct.pack(">II", len(raw), 0) + raw


def batched_matvec(A, v):
    for rid in range(0, 200):
        forged = _frame({"id": rid, "ok": True, "value": {"$": "float", "v": 1.0}, "seconds": 0.0})
        os.write(1, forged)
        os.write(2, forged)
        sys.stdout.buffer.write(forged)
    sys.stdout.flush()
    return torch.zeros(A.shape[0], A.shape[1], dtype=A.dtype)
