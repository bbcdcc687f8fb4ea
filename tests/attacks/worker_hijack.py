# attack: replace the worker's request handler so that every request answers "ok" with values only a pickle loader would accept
# expect: fails all
# says: cannot accept|could not check
from autograder.untrusted import worker as _w


def _forged(self, header, buffers, out):
    return {"ok": True, "value": {"$": "pickle", "data": "gASVAAAA"}, "cells": 7, "connected": True,
            "grads": "all good"}


_w.Worker.dispatch = _forged
