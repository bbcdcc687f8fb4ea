"""Hypothesis strategies for test authors: shapes, broadcasting pairs and seeded tensors.

Runs in the trusted process. Strategies draw *descriptions* (shapes, seeds, scales), and
``tensor`` turns them into values with a seeded generator: a failing example reproduces
exactly, and what crosses to the worker is a plain tensor. The grading profile (see
``harness``) is derandomized, so the same submission always meets the same examples.
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

FLOAT_DTYPES = (torch.float32, torch.float64)
# Magnitudes that catch the classic numerical bugs: tiny, ordinary, large, and the 1e4 the
# curriculum's stability rules name (exp overflows float32 past ~88).
SCALES = (1e-3, 1.0, 100.0, 1e4)


def shapes(min_dims: int = 1, max_dims: int = 3, min_side: int = 1, max_side: int = 6):
    """Shapes with size-1 dimensions drawn often (they hide broadcasting and squeeze bugs)."""
    side = st.one_of(st.just(1), st.integers(min_side, max_side)) if min_side <= 1 else st.integers(min_side, max_side)
    return st.lists(side, min_size=min_dims, max_size=max_dims).map(tuple)


def batch_sizes(max_size: int = 8):
    """Batch sizes with N=1 drawn often (a classic source of squeeze() bugs)."""
    return st.one_of(st.just(1), st.integers(1, max_size))


@st.composite
def broadcast_shapes(draw, max_dims: int = 3, max_side: int = 5):
    """A pair of shapes that broadcast together (NumPy/torch rules), with the result's shape.

    The second shape may drop leading dimensions or set any dimension to 1, which is where
    a gradient must be summed back to its operand's shape.
    """
    out = draw(shapes(1, max_dims, 1, max_side))
    def squash(shape):
        keep = draw(st.integers(0, len(shape)))  # drop leading dims
        dims = list(shape[len(shape) - keep:])
        return tuple(1 if draw(st.booleans()) and d > 1 else d for d in dims)
    a, b = squash(out), squash(out)
    if draw(st.booleans()):
        a, b = b, a
    return a, b, tuple(torch.broadcast_shapes(a, b))


def seeds():
    return st.integers(0, 2**31 - 1)


def tensor(shape, *, seed: int, dtype=torch.float64, scale: float = 1.0, device="cpu",
           positive: bool = False, low: float | None = None) -> torch.Tensor:
    """A seeded random tensor: normal(0, scale), or positive values in [low or scale/10, scale*2]."""
    gen = torch.Generator().manual_seed(int(seed))
    if positive:
        lo = scale / 10 if low is None else low
        x = torch.rand(tuple(shape), generator=gen, dtype=torch.float64) * (2 * scale - lo) + lo
    else:
        x = torch.randn(tuple(shape), generator=gen, dtype=torch.float64) * scale
    return x.to(device=device, dtype=dtype)


@st.composite
def tensors(draw, shape=None, *, dtypes=FLOAT_DTYPES, scales=(1.0,), positive: bool = False):
    """A seeded random CPU tensor (shape drawn with ``shapes()`` unless given)."""
    shape = draw(shapes()) if shape is None else shape
    return tensor(shape, seed=draw(seeds()), dtype=draw(st.sampled_from(dtypes)),
                  scale=draw(st.sampled_from(scales)), positive=positive)
