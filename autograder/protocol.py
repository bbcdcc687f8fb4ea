"""Wire format between the trusted grader and the untrusted worker.

A frame is ``u32 header length | header (UTF-8 JSON) | u32 buffer count | (u64 length |
bytes) * count``. Values travel as JSON trees in which tensors and arrays point at raw
buffers. The decoder builds only plain ``torch.Tensor``, ``np.ndarray``, NumPy scalars,
numbers, ``str``, ``None``, ``list``, ``tuple`` and ``dict``; it never unpickles anything,
so whatever the worker sends can at worst be a wrong value, never code.

Both sides import this module; the worker's copy is as untrusted as the student's code,
which is why every check that matters lives in ``decode`` and ``read_frame``.
"""

from __future__ import annotations

import json
import math
import re
import select
import socket
import struct
import time
from typing import Any

import numpy as np

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_FRAME_BYTES = 512 * 1024 * 1024
MAX_BUFFERS = 100_000
MAX_DEPTH = 64

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")

# Only these dtypes cross the boundary; anything else is a protocol error on decode.
_TORCH_DTYPES = {
    "float16": "float16", "bfloat16": "bfloat16", "float32": "float32", "float64": "float64",
    "complex64": "complex64", "complex128": "complex128", "int8": "int8", "int16": "int16",
    "int32": "int32", "int64": "int64", "uint8": "uint8", "bool": "bool",
}
_NUMPY_DTYPES = {"float16", "float32", "float64", "complex64", "complex128", "int8", "int16",
                 "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"}
_DEVICE_RE = re.compile(r"^(cpu|cuda(:\d{1,2})?)$")


class ProtocolError(Exception):
    """The peer sent something that is not a well-formed frame or value."""


class Unencodable(Exception):
    """A value of a type that may not cross the boundary (raised on the sending side)."""


class PeerTimeout(Exception):
    """No complete frame arrived before the deadline."""


class PeerClosed(Exception):
    """The peer closed the connection (for the worker: it died)."""


def _torch():
    import torch  # imported lazily: the loader and CLI paths that never send tensors stay light

    return torch


# --------------------------------------------------------------------------- encoding

def encode(value: Any, buffers: list[bytes], _depth: int = 0) -> Any:
    """Turn ``value`` into a JSON-able tree, appending raw data to ``buffers``."""
    if _depth > MAX_DEPTH:
        raise Unencodable("the value is nested too deeply")
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        # Python ints beyond 64 bits still round-trip through JSON.
        return value
    if t is float:
        if math.isfinite(value):
            return value
        return {"$": "float", "v": repr(value)}
    if t is list:
        return [encode(v, buffers, _depth + 1) for v in value]
    if t is tuple:
        return {"$": "tuple", "items": [encode(v, buffers, _depth + 1) for v in value]}
    if t is dict:
        items = []
        for k, v in value.items():
            if type(k) not in (str, int):
                raise Unencodable(f"dict keys must be str or int, not {type(k).__name__}")
            items.append([k, encode(v, buffers, _depth + 1)])
        return {"$": "dict", "items": items}
    if isinstance(value, np.ndarray):
        if t is not np.ndarray:
            raise Unencodable(f"a subclass of numpy.ndarray ({_qualname(t)}); return a plain np.ndarray")
        dt = value.dtype.name
        if dt not in _NUMPY_DTYPES:
            raise Unencodable(f"a NumPy array of dtype {dt}")
        buffers.append(np.ascontiguousarray(value).tobytes())
        return {"$": "ndarray", "dtype": dt, "shape": list(value.shape), "buf": len(buffers) - 1}
    if isinstance(value, np.generic):
        dt = value.dtype.name
        if dt not in _NUMPY_DTYPES or t is not np.dtype(dt).type:
            raise Unencodable(f"a NumPy scalar of type {_qualname(t)}")
        buffers.append(np.asarray(value).tobytes())
        return {"$": "npscalar", "dtype": dt, "buf": len(buffers) - 1}
    torch = _torch()
    if isinstance(value, torch.Tensor):
        if t is not torch.Tensor and t is not torch.nn.Parameter:
            raise Unencodable(f"a torch.Tensor subclass ({_qualname(t)}); return a plain torch.Tensor")
        return _encode_tensor(value, buffers)
    if t is torch.dtype:
        return {"$": "torch_dtype", "name": str(value).removeprefix("torch.")}
    if t is torch.device:
        return {"$": "torch_device", "name": str(value)}
    raise Unencodable(f"an object of type {_qualname(t)}")


def _encode_tensor(value, buffers: list[bytes]) -> dict:
    torch = _torch()
    dt = str(value.dtype).removeprefix("torch.")
    if dt not in _TORCH_DTYPES:
        raise Unencodable(f"a tensor of dtype {dt}")
    if value.layout != torch.strided:
        raise Unencodable(f"a tensor with layout {value.layout}; return a dense tensor")
    data = value.detach()
    if data.is_conj():
        data = data.resolve_conj()
    if data.is_neg():
        data = data.resolve_neg()
    data = data.to("cpu").contiguous()
    if dt == "bfloat16":
        data = data.view(torch.int16)
    buffers.append(data.numpy().tobytes())
    return {"$": "tensor", "dtype": dt, "shape": list(value.shape), "device": str(value.device),
            "buf": len(buffers) - 1}


def _qualname(t: type) -> str:
    mod = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", getattr(t, "__name__", "?"))
    return f"{mod}.{name}" if mod and mod != "builtins" else str(name)


# --------------------------------------------------------------------------- decoding

def decode(obj: Any, buffers: list[bytes], *, cuda_ok: bool | None = None, _depth: int = 0) -> Any:
    """Rebuild a value from ``encode``'s tree, accepting nothing but plain types.

    ``cuda_ok``: whether tensors may be rebuilt on a CUDA device (None: ask torch).
    """
    if _depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    t = type(obj)
    if obj is None or t in (bool, int, str):
        return obj
    if t is float:
        return obj
    if t is list:
        return [decode(v, buffers, cuda_ok=cuda_ok, _depth=_depth + 1) for v in obj]
    if t is not dict:
        raise ProtocolError(f"unexpected JSON value of type {t.__name__}")
    tag = obj.get("$")
    if tag == "float":
        v = obj.get("v")
        if v not in ("nan", "inf", "-inf"):
            raise ProtocolError("bad float literal")
        return float(v)
    if tag == "tuple":
        return tuple(decode(v, buffers, cuda_ok=cuda_ok, _depth=_depth + 1) for v in _list(obj, "items"))
    if tag == "dict":
        out: dict = {}
        for item in _list(obj, "items"):
            if type(item) is not list or len(item) != 2 or type(item[0]) not in (str, int):
                raise ProtocolError("bad dict item")
            out[item[0]] = decode(item[1], buffers, cuda_ok=cuda_ok, _depth=_depth + 1)
        return out
    if tag == "ndarray":
        dt = obj.get("dtype")
        if dt not in _NUMPY_DTYPES:
            raise ProtocolError(f"dtype {dt!r} not allowed")
        shape = _shape(obj)
        raw = _buffer(obj, buffers, math.prod(shape) * np.dtype(dt).itemsize)
        return np.frombuffer(raw, dtype=np.dtype(dt)).reshape(shape).copy()
    if tag == "npscalar":
        dt = obj.get("dtype")
        if dt not in _NUMPY_DTYPES:
            raise ProtocolError(f"dtype {dt!r} not allowed")
        raw = _buffer(obj, buffers, np.dtype(dt).itemsize)
        return np.frombuffer(raw, dtype=np.dtype(dt))[0]
    if tag == "tensor":
        return _decode_tensor(obj, buffers, cuda_ok)
    if tag == "torch_dtype":
        name = obj.get("name")
        if name not in _TORCH_DTYPES:
            raise ProtocolError(f"dtype {name!r} not allowed")
        return getattr(_torch(), name)
    if tag == "torch_device":
        name = obj.get("name")
        if type(name) is not str or not _DEVICE_RE.match(name):
            raise ProtocolError("bad device")
        return _torch().device(name)
    raise ProtocolError(f"unknown value tag {tag!r}")


def _decode_tensor(obj: dict, buffers: list[bytes], cuda_ok: bool | None):
    torch = _torch()
    dt = obj.get("dtype")
    if dt not in _TORCH_DTYPES:
        raise ProtocolError(f"dtype {dt!r} not allowed")
    device = obj.get("device")
    if type(device) is not str or not _DEVICE_RE.match(device):
        raise ProtocolError(f"bad device {device!r}")
    shape = _shape(obj)
    dtype = getattr(torch, dt)
    itemsize = torch.empty((), dtype=dtype).element_size()
    raw = _buffer(obj, buffers, math.prod(shape) * itemsize)
    if not raw:
        out = torch.empty(shape, dtype=dtype)
    elif dt == "bfloat16":
        out = torch.frombuffer(bytearray(raw), dtype=torch.int16).view(torch.bfloat16).reshape(shape)
    else:
        out = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)
    if device != "cpu":
        if cuda_ok is None:
            cuda_ok = torch.cuda.is_available()
        if not cuda_ok:
            raise ProtocolError("a CUDA tensor arrived but this process has no GPU")
        out = out.to(device)
    return out


def _list(obj: dict, key: str) -> list:
    v = obj.get(key)
    if type(v) is not list:
        raise ProtocolError(f"{key} must be a list")
    return v


def _shape(obj: dict) -> list[int]:
    shape = _list(obj, "shape")
    if len(shape) > 32 or any(type(d) is not int or d < 0 for d in shape):
        raise ProtocolError("bad shape")
    return shape


def _buffer(obj: dict, buffers: list[bytes], expected: int) -> bytes:
    i = obj.get("buf")
    if type(i) is not int or not 0 <= i < len(buffers):
        raise ProtocolError("bad buffer index")
    raw = buffers[i]
    if len(raw) != expected:
        raise ProtocolError(f"buffer holds {len(raw)} bytes, shape and dtype need {expected}")
    return raw


# --------------------------------------------------------------------------- framing

def pack_message(msg: dict) -> bytes:
    """A small length-prefixed JSON message (the zygote's control channel)."""
    data = json.dumps(msg, separators=(",", ":")).encode()
    return _U32.pack(len(data)) + data


def unpack_messages(buf: bytes) -> tuple[list[dict], bytes]:
    """The complete messages at the start of ``buf``, and the incomplete rest."""
    msgs = []
    while len(buf) >= 4 and len(buf) >= 4 + _U32.unpack_from(buf)[0]:
        n = _U32.unpack_from(buf)[0]
        msg = json.loads(buf[4:4 + n])
        if type(msg) is not dict:
            raise ProtocolError("control message must be a JSON object")
        msgs.append(msg)
        buf = buf[4 + n:]
    return msgs, buf


def pack_frame(header: dict, buffers: list[bytes]) -> list[bytes]:
    head = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    parts = [_U32.pack(len(head)), head, _U32.pack(len(buffers))]
    for b in buffers:
        parts.append(_U64.pack(len(b)))
        parts.append(b)
    return parts


def send_frame(sock: socket.socket, header: dict, buffers: list[bytes] = (), timeout: float | None = None) -> None:
    """Send one frame; with ``timeout`` a peer that stops reading raises PeerTimeout."""
    sock.settimeout(timeout)
    try:
        for part in pack_frame(header, list(buffers)):
            sock.sendall(part)
    except (socket.timeout, TimeoutError) as e:
        raise PeerTimeout("the peer stopped reading") from e
    except (BrokenPipeError, ConnectionResetError) as e:
        raise PeerClosed(str(e)) from e
    finally:
        sock.settimeout(None)


class FrameReader:
    """Reads frames from a socket with a deadline, calling ``on_idle`` hooks while waiting.

    ``extra`` maps other readable fds to callbacks (the worker's output pipe is drained
    while a call runs, so a chatty student never blocks on a full pipe).
    """

    def __init__(self, sock: socket.socket, max_frame: int = MAX_FRAME_BYTES):
        self.sock = sock
        self.max_frame = max_frame
        self.extra: dict[int, Any] = {}

    def _recv_exact(self, n: int, deadline: float | None) -> bytes:
        chunks = []
        got = 0
        while got < n:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise PeerTimeout("no answer before the deadline")
            fds = [self.sock.fileno(), *self.extra]
            ready, _, _ = select.select(fds, [], [], remaining)
            for fd in ready:
                if fd != self.sock.fileno():
                    self.extra[fd](fd)
            if self.sock.fileno() not in ready:
                continue
            chunk = self.sock.recv(min(n - got, 4 * 1024 * 1024))
            if not chunk:
                raise PeerClosed("connection closed")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def read(self, timeout: float | None = None) -> tuple[dict, list[bytes]]:
        deadline = None if timeout is None else time.monotonic() + timeout
        (hlen,) = _U32.unpack(self._recv_exact(4, deadline))
        if hlen > MAX_HEADER_BYTES:
            raise ProtocolError(f"header of {hlen} bytes is too large")
        try:
            header = json.loads(self._recv_exact(hlen, deadline))
        except (ValueError, RecursionError) as e:  # bad UTF-8/JSON, huge ints, deep nesting
            raise ProtocolError(f"header is not JSON: {e}") from e
        if type(header) is not dict:
            raise ProtocolError("header must be a JSON object")
        (nbuf,) = _U32.unpack(self._recv_exact(4, deadline))
        if nbuf > MAX_BUFFERS:
            raise ProtocolError("too many buffers")
        total = hlen
        buffers = []
        for _ in range(nbuf):
            (blen,) = _U64.unpack(self._recv_exact(8, deadline))
            total += blen
            if total > self.max_frame:
                raise ProtocolError(f"frame larger than {self.max_frame} bytes")
            buffers.append(self._recv_exact(blen, deadline))
        return header, buffers
