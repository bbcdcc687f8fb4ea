"""The wire format: round trips, and a decoder that accepts nothing but plain values."""

from __future__ import annotations

import json
import socket
import struct

import numpy as np
import pytest
import torch

from autograder import protocol
from autograder.protocol import ProtocolError, Unencodable


def roundtrip(value):
    bufs: list[bytes] = []
    tree = protocol.encode(value, bufs)
    tree = json.loads(json.dumps(tree))  # what really crosses the wire
    return protocol.decode(tree, bufs, cuda_ok=False)


def test_plain_values_roundtrip():
    value = {"a": [1, 2.5, None, True, "s"], "t": (1, (2, 3)), 3: float("nan"), "inf": float("-inf")}
    out = roundtrip(value)
    assert out["a"] == [1, 2.5, None, True, "s"]
    assert out["t"] == (1, (2, 3)) and type(out["t"]) is tuple
    assert np.isnan(out[3]) and out["inf"] == float("-inf")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool, torch.bfloat16,
                                   torch.float16, torch.uint8])
def test_tensor_roundtrip_exact(dtype):
    t = (torch.randn(3, 4) * 10).to(dtype)
    out = roundtrip(t)
    assert type(out) is torch.Tensor and out.dtype == dtype and out.shape == t.shape
    assert torch.equal(out, t)


def test_noncontiguous_views_and_empty_and_grad():
    base = torch.arange(12.0).reshape(3, 4)
    view = base.t()[1:]
    assert torch.equal(roundtrip(view), view)
    assert roundtrip(torch.empty(0, 5)).shape == (0, 5)
    leaf = torch.ones(2, requires_grad=True)
    out = roundtrip(leaf * 2)
    assert not out.requires_grad and torch.equal(out, torch.full((2,), 2.0))


def test_numpy_roundtrip():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = roundtrip(a)
    assert type(out) is np.ndarray and out.dtype == np.float32 and np.array_equal(out, a)
    s = roundtrip(np.float64(2.5))
    assert s == 2.5 and s.dtype == np.float64


def test_subclasses_and_objects_are_not_encodable():
    class Sneaky(torch.Tensor):
        def __eq__(self, other):
            return True

    with pytest.raises(Unencodable, match="subclass"):
        protocol.encode(torch.ones(2).as_subclass(Sneaky), [])

    class AlwaysEqual:
        def __eq__(self, other):
            return True

    with pytest.raises(Unencodable, match="AlwaysEqual"):
        protocol.encode([1, AlwaysEqual()], [])
    with pytest.raises(Unencodable, match="ndarray"):
        protocol.encode(np.arange(3).view(np.matrix), [])


@pytest.mark.parametrize("tree,bufs,match", [
    ({"$": "pickle", "data": "gASV"}, [], "unknown value tag"),
    ({"$": "tensor", "dtype": "object", "shape": [1], "device": "cpu", "buf": 0}, [b"x" * 8], "not allowed"),
    ({"$": "tensor", "dtype": "float32", "shape": [4], "device": "cpu", "buf": 0}, [b"x" * 8], "buffer holds"),
    ({"$": "tensor", "dtype": "float32", "shape": [-1], "device": "cpu", "buf": 0}, [b""], "bad shape"),
    ({"$": "tensor", "dtype": "float32", "shape": [1], "device": "meta; rm -rf", "buf": 0}, [b"x" * 4], "bad device"),
    ({"$": "tensor", "dtype": "float32", "shape": [1], "device": "cuda:0", "buf": 0}, [b"x" * 4], "no GPU"),
    ({"$": "ndarray", "dtype": "O", "shape": [1], "buf": 0}, [b"x" * 8], "not allowed"),
    ({"$": "tensor", "dtype": "float32", "shape": [1], "device": "cpu", "buf": 5}, [], "buffer index"),
    ({"$": "float", "v": "__import__('os')"}, [], "bad float"),
])
def test_decoder_rejects_malformed_values(tree, bufs, match):
    with pytest.raises(ProtocolError, match=match):
        protocol.decode(tree, bufs, cuda_ok=False)


def test_decoder_rejects_deep_nesting():
    tree: list = []
    for _ in range(protocol.MAX_DEPTH + 5):
        tree = [tree]
    with pytest.raises(ProtocolError, match="deeply"):
        protocol.decode(tree, [])


def _frame_pair():
    a, b = socket.socketpair()
    return a, b, protocol.FrameReader(b)


def test_frames_roundtrip_over_a_socket():
    a, b, reader = _frame_pair()
    bufs: list[bytes] = []
    header = {"op": "call", "value": protocol.encode(torch.arange(5.0), bufs)}
    protocol.send_frame(a, header, bufs)
    got, gbufs = reader.read(timeout=5)
    assert torch.equal(protocol.decode(got["value"], gbufs), torch.arange(5.0))


@pytest.mark.parametrize("raw,match", [
    (struct.pack(">I", protocol.MAX_HEADER_BYTES + 1), "too large"),
    (struct.pack(">I", 3) + b"\xff\xfe{", "not JSON"),
    (struct.pack(">I", 2) + b"[]", "JSON object"),
])
def test_reader_rejects_bad_frames(raw, match):
    a, b, reader = _frame_pair()
    a.sendall(raw)
    with pytest.raises(ProtocolError, match=match):
        reader.read(timeout=5)


def test_reader_enforces_frame_size_and_deadline():
    a, b = socket.socketpair()
    reader = protocol.FrameReader(b, max_frame=1000)
    head = b"{}"
    a.sendall(struct.pack(">I", len(head)) + head + struct.pack(">I", 1) + struct.pack(">Q", 10**9))
    with pytest.raises(ProtocolError, match="frame larger"):
        reader.read(timeout=5)
    c, d = socket.socketpair()
    with pytest.raises(protocol.PeerTimeout):
        protocol.FrameReader(d).read(timeout=0.2)
    c.close()
    with pytest.raises(protocol.PeerClosed):
        protocol.FrameReader(d).read(timeout=1)
