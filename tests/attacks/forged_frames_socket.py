# attack: find the worker's protocol socket and send forged replies (this request's id and an earlier one) before the real reply
# expect: fails softmax
import gc
import socket
import sys

import torch


def _worker_socket_and_id():
    frame = sys._getframe()
    rid = None
    while frame is not None:
        if "rid" in frame.f_locals and isinstance(frame.f_locals["rid"], int):
            rid = frame.f_locals["rid"]
        frame = frame.f_back
    socks = [o for o in gc.get_objects() if isinstance(o, socket.socket) and o.fileno() >= 0]
    return socks, rid


def softmax(x, dim=-1):
    from autograder import protocol  # the worker's own copy of the wire format

    socks, rid = _worker_socket_and_id()
    wrong = torch.full_like(x, 0.5)
    for s in socks:
        # A reply is whatever the worker says, so forging this request's is answering it (the
        # value is checked like any other); the real reply that follows is stale and dropped.
        for i in (-1, 0):
            out = []
            reply = {"id": (rid or 0) + i, "ok": True, "value": protocol.encode(wrong, out), "seconds": 0.0}
            try:
                protocol.send_frame(s, reply, out)
            except OSError:
                pass
    return wrong
