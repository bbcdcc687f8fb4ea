"""Feedback that shows: small PNG pictures a failing test attaches to its message.

Trusted side, and drawing only. Pictures are drawn by matplotlib (its Agg canvas, no
pyplot state) in the trusted process that runs the tests, from plain values the test
already holds (decoded tensors, lists of floats): student code never draws, and a picture
never holds more than the numbers the test's text could quote. Each function returns the
PNG's bytes; where a picture goes is the harness's business: a test hands it to
``harness.attach_image(png, alt)`` (``autograder.authoring`` re-exports both), which keeps
it with the running test's outcome. Student views show them for public tests only
(``results.TestResult.student_images``): a hidden test's picture would show its inputs.

Without matplotlib (a minimal install), drawing returns None and nothing is attached;
the text feedback is complete on its own.
"""

from __future__ import annotations

import io
import math
from typing import Mapping, Sequence

WIDTH_PX, HEIGHT_PX, DPI = 480, 300, 100  # every picture: 480 x 300 pixels
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def _figure():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # No bbox_inches="tight": the size stays exactly WIDTH_PX x HEIGHT_PX.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _finite(values: Sequence[float]) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        out.append(f if math.isfinite(f) else math.nan)
    return out


def loss_curves(curves: Mapping[str, Sequence[float]], *, title: str, xlabel: str = "step",
                ylabel: str = "loss", levels: Mapping[str, float] | None = None) -> bytes | None:
    """Lines of loss against step, one per named curve (the first is the student's), and
    optional horizontal levels (e.g. the returned mean next to the expected one)."""
    fig = _figure()
    if fig is None:
        return None
    ax = fig.add_subplot()
    for k, (label, values) in enumerate(curves.items()):
        ys = _finite(list(values)[:10_000])
        style = {"linewidth": 2.2, "marker": "o" if len(ys) <= 30 else None, "markersize": 4}
        if k:
            style.update(linewidth=1.4, linestyle="--")
        ax.plot(range(len(ys)), ys, label=label, color=_COLOURS[k % len(_COLOURS)], **style)
    for k, (label, value) in enumerate((levels or {}).items()):
        ax.axhline(_finite([value])[0], label=label, color=_COLOURS[(k + len(curves)) % len(_COLOURS)],
                   linestyle=":", linewidth=1.4)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and batches are whole numbers
    ax.set_title(title[:80], fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _png(fig)


def difference_map(got, expected, *, title: str) -> bytes | None:
    """A heat map of |got - expected| (a tensor or array of any shape: 0-d and 1-d become
    one row, more than two dimensions are flattened to rows), so the places a gradient
    differs stand out."""
    import numpy as np

    fig = _figure()
    if fig is None:
        return None
    a = np.asarray(_as_array(got), dtype=np.float64)
    b = np.asarray(_as_array(expected), dtype=np.float64)
    if a.shape != b.shape:
        return None  # the text already says the shapes differ: nothing to draw
    diff = np.abs(a - b)
    diff = diff.reshape(1, -1) if diff.ndim < 2 else diff.reshape(-1, diff.shape[-1])
    diff = diff[:200, :200]
    diff = np.where(np.isfinite(diff), diff, np.nan)
    ax = fig.add_subplot()
    image = ax.imshow(diff, cmap="magma", aspect="auto", interpolation="nearest")
    fig.colorbar(image, ax=ax, label="|yours - expected|")
    ax.set_title(title[:80], fontsize=10)
    ax.set_xlabel("last dimension")
    ax.set_ylabel("row" if a.ndim <= 2 else "row (leading dims flattened)")
    return _png(fig)


def _as_array(x):
    try:
        import torch

        if isinstance(x, torch.Tensor):
            return x.detach().to("cpu", torch.float64).numpy()
    except ImportError:
        pass
    return x


def attach(png: bytes | None, alt: str) -> None:
    """``harness.attach_image`` under its old name, for suites released before
    ``autograder.authoring`` (``figures.attach(figures.loss_curves(...), alt)``). The import
    runs one way only: the harness never imports this module."""
    from autograder.harness import attach_image

    attach_image(png, alt)
