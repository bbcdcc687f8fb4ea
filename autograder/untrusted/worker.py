"""The worker: imports the student's cells and answers call / vjp / probe requests.

Runs inside the sandbox (see ``confine``). Nothing here is trusted by the grader: the
student's code shares this process and may rewrite any of it. Its only job is to be
useful to honest code; every check that matters happens on the trusted side.
"""

from __future__ import annotations

import linecache
import os
import sys
import time
import traceback
import types
from typing import Any

from autograder import protocol

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

MAX_TEXT = 20_000  # characters of a traceback or message sent back


def _student_traceback(exc: BaseException) -> str:
    """The traceback of the student's own frames: their cells have pseudo or relative file
    names, while the worker's and libraries' frames (absolute paths) are noise to them."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not os.path.isabs(f.filename)]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    text = "".join(lines)
    return text[-MAX_TEXT:]


def _error(kind: str, exc: BaseException | None = None, message: str = "") -> dict:
    err: dict[str, Any] = {"kind": kind, "message": message[:MAX_TEXT]}
    if exc is not None:
        err["type"] = type(exc).__name__
        err["mro"] = [c.__name__ for c in type(exc).__mro__]
        try:
            err["message"] = (message or str(exc))[:MAX_TEXT]
        except BaseException:  # a hostile __str__
            err["message"] = message or "<unprintable exception>"
        err["traceback"] = _student_traceback(exc)
    return err


class Worker:
    def __init__(self, sock):
        self.sock = sock
        self.reader = protocol.FrameReader(sock)
        self.module = types.ModuleType("submission")
        self.module.__file__ = "<submission>"
        self.probes = types.ModuleType("probes")
        self.probes.__file__ = "<probes>"

    # ------------------------------------------------------------------ loop
    def serve(self) -> None:
        while True:
            try:
                header, buffers = self.reader.read()
            except protocol.PeerClosed:
                return
            rid = header.get("id")
            started = time.perf_counter()
            out_buffers: list[bytes] = []
            try:
                reply = self.dispatch(header, buffers, out_buffers)
            except protocol.Unencodable as e:
                out_buffers = []
                reply = {"ok": False, "error": _error("bad_return", message=str(e))}
            except BaseException as e:  # the student's exception, SystemExit included
                out_buffers = []
                reply = {"ok": False, "error": _error("exception", e)}
            reply["id"] = rid
            reply["seconds"] = time.perf_counter() - started
            self._flush()
            protocol.send_frame(self.sock, reply, out_buffers)

    @staticmethod
    def _flush() -> None:
        # Prints must reach the output pipe before the reply, so the grader can
        # attribute them to the call that made them.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass

    def dispatch(self, header: dict, buffers: list[bytes], out: list[bytes]) -> dict:
        op = header.get("op")
        if op == "load":
            return self.load(header)
        if op == "ping":
            return {"ok": True}
        args = protocol.decode(header.get("args", []), buffers)
        kwargs = protocol.decode(header.get("kwargs", {"$": "dict", "items": []}), buffers)
        if op == "call":
            fn = self._resolve(self.module, header["name"])
            if isinstance(fn, dict):
                return fn
            value = fn(*args, **kwargs)
            reply = {"ok": True, "value": protocol.encode(value, out)}
            if header.get("return_args"):
                reply["args"] = protocol.encode(list(args), out)
                reply["kwargs"] = protocol.encode(dict(kwargs), out)
            return reply
        if op == "probe":
            fn = self._resolve(self.probes, header["name"], what="probe")
            if isinstance(fn, dict):
                return fn
            return {"ok": True, "value": protocol.encode(fn(self.module, *args, **kwargs), out)}
        if op == "vjp":
            return self.vjp(header, args, kwargs, buffers, out)
        return {"ok": False, "error": _error("protocol", message=f"unknown op {op!r}")}

    @staticmethod
    def _resolve(module, name: str, what: str = "function"):
        obj = module
        for part in str(name).split("."):
            if not hasattr(obj, part):
                return {"ok": False, "error": _error("missing", message=f"{name} is not defined")}
            obj = getattr(obj, part)
        if not callable(obj):
            return {"ok": False, "error": _error("missing", message=f"{name} is defined but is not a {what}")}
        return obj

    # ------------------------------------------------------------------ ops
    def load(self, header: dict) -> dict:
        """Execute the cells one by one; a cell that raises is reported and skipped."""
        sys.modules["submission"] = self.module
        reports = []
        for cell in header.get("cells", []):
            filename = cell["filename"]
            source = cell["source"]
            # Pad so line numbers in tracebacks match the original file.
            padded = "\n" * (int(cell.get("first_line", 1)) - 1) + source
            linecache.cache[filename] = (len(padded), None, padded.splitlines(True), filename)
            report = {"label": cell["label"], "ok": True}
            try:
                code = compile(padded, filename, "exec")
                exec(code, self.module.__dict__)
            except BaseException as e:  # SyntaxError, SystemExit and friends: report, go on
                report = {"label": cell["label"], "ok": False, "error": _error("exception", e)}
            reports.append(report)
        if header.get("probes"):
            exec(compile(header["probes"], "<probes>", "exec"), self.probes.__dict__)
        names = sorted(n for n, v in vars(self.module).items() if not n.startswith("_") and callable(v))
        return {"ok": True, "cells": reports, "names": names}

    def vjp(self, header: dict, args: list, kwargs: dict, buffers, out: list[bytes]) -> dict:
        import torch

        fn = self._resolve(self.module, header["name"])
        if isinstance(fn, dict):
            return fn
        wrt = header.get("wrt", [0])
        args = list(args)
        for i in wrt:
            args[i] = args[i].detach().requires_grad_(True)
        cotangents = protocol.decode(header["cotangents"], buffers)
        with torch.enable_grad():
            result = fn(*args, **kwargs)
        outputs = list(result) if isinstance(result, (tuple, list)) else [result]
        cots = list(cotangents) if isinstance(cotangents, (tuple, list)) else [cotangents]
        if len(outputs) != len(cots):
            return {"ok": False, "error": _error(
                "bad_return", message=f"returned {len(outputs)} outputs where {len(cots)} were expected")}
        pairs = []
        for o, c in zip(outputs, cots):
            if c is None:
                continue
            if type(o) is not torch.Tensor:
                return {"ok": False, "error": _error(
                    "bad_return", message=f"returned {type(o).__name__} where a torch.Tensor was expected")}
            if o.requires_grad:
                pairs.append((o, c))
        inputs = [args[i] for i in wrt]
        if pairs:
            grads = torch.autograd.grad([o for o, _ in pairs], inputs, [c for _, c in pairs],
                                        allow_unused=True)
        else:
            grads = [None] * len(inputs)
        value = tuple(o.detach() if isinstance(o, torch.Tensor) else o for o in outputs)
        if not isinstance(result, (tuple, list)):
            value = value[0]
        return {"ok": True, "value": protocol.encode(value, out),
                "grads": protocol.encode([g for g in grads], out),
                "connected": bool(pairs)}


def serve(sock) -> None:
    Worker(sock).serve()
