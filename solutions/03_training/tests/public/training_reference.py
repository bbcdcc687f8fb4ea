"""Trusted-side references and helpers shared by the 03_training test suites.

Not a test file (pytest does not collect it): the public and hidden tests load it by path.
Everything here runs in the grading process. References are computed in float64 on the
CPU with torch's own modules and optimizers, from the same starting weights and the same
batches the worker uses, so a student's result can be compared value by value.
"""
from __future__ import annotations

import contextlib
import functools
import math

import torch
from torch import nn
from torch.nn import functional as F

from autograder.authoring import StudentError, assert_close, attach_image, loss_curves, precondition, tolerances

# Must equal probes.CourseNet.TRAIN_SCALE: the course network's training-mode behaviour.
TRAIN_SCALE = 0.5
STATE_KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


# ----------------------------------------------------------------------------- threads
def single_threaded(fn):
    """Run a check with one intra-op thread. The references are tiny networks: on a busy
    machine, OpenMP's multi-threaded kernels wait for each other for milliseconds per op
    (measured: 0.04 s with one thread vs 0.3-1.6 s with two for a checkpoint check)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)
    return wrapper


# ----------------------------------------------------------------------------- failures
def fail(what: str, problem: str, hint: str) -> None:
    """Fail the test with a message a student can act on (the same shape as assert_close's)."""
    raise StudentError(f"{what}: {problem}\nHint: {hint}")


def needs(shown_by: str | None):
    """The checks a property test only needs (values computed on the way): inside
    ``precondition(shown_by)`` when the test names the test that shows such values, so a
    value bug reads "not judged" there; as the test's own checks otherwise."""
    return precondition(shown_by) if shown_by else contextlib.nullcontext()


def check_error(fn_name: str, report: dict, hint: str) -> None:
    """Turn an exception the probe caught in the student's code into a failing message."""
    err = report.get("error")
    if not err:
        return
    text = f"{fn_name} raised {err.get('type')}: {err.get('message')}"
    if err.get("type") == "NotImplementedError":
        text += "\n(It is still a stub: replace `raise NotImplementedError()` with your code.)"
    if err.get("traceback"):
        text += "\n\n" + str(err["traceback"]).rstrip()
    raise StudentError(f"{text}\nHint: {hint}")


def as_float(value, what: str, hint: str) -> float:
    """A Python number (or, where the contract leaves the type open, a one-element tensor)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    fail(what, f"expected a number, got {type(value).__name__} {value!r:.80}", hint)


def traj_tolerances(dtype, device) -> tuple[float, float]:
    """Tolerances for values after several optimizer steps: 10x the dtype's, as for gradients
    (round-off of every step adds up; the bugs these tests catch change values far more)."""
    rtol, atol = tolerances(dtype, device)
    return rtol * 10, atol * 10


# ----------------------------------------------------------------------------- data
def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


def randn(*shape, seed: int, dtype=torch.float64, scale: float = 1.0) -> torch.Tensor:
    return (torch.randn(tuple(shape), generator=gen(seed), dtype=torch.float64) * scale).to(dtype)


def linear_init(d_in: int, d_out: int, seed: int, dtype=torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.Linear's default initialisation (uniform in +-1/sqrt(fan_in)), from a seeded generator."""
    g = gen(seed)
    bound = 1.0 / math.sqrt(d_in)
    w = (torch.rand(d_out, d_in, generator=g, dtype=torch.float64) * 2 - 1) * bound
    b = (torch.rand(d_out, generator=g, dtype=torch.float64) * 2 - 1) * bound
    return w.to(dtype), b.to(dtype)


def init_state(d_in: int, d_hidden: int, d_out: int, seed: int, dtype=torch.float32) -> dict:
    """Starting weights for a two-layer network (course network or MLP): plain CPU tensors."""
    w1, b1 = linear_init(d_in, d_hidden, seed, dtype)
    w2, b2 = linear_init(d_hidden, d_out, seed + 1, dtype)
    return {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": w2, "fc2.bias": b2}


def classification_data(n: int, d_in: int, n_classes: int, seed: int, dtype=torch.float32):
    X = randn(n, d_in, seed=seed, dtype=dtype)
    y = torch.randint(0, n_classes, (n,), generator=gen(seed + 1))
    return X, y


def batches(X, y, batch_size: int):
    """Natural-order batches, the last one partial: what probes.course_loader yields."""
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, X.shape[0], batch_size)]


# ----------------------------------------------------------------------------- networks
class CourseNet(nn.Module):
    """The trusted twin of probes.CourseNet: fc1 -> tanh -> (x TRAIN_SCALE when training) -> fc2."""

    def __init__(self, state: dict):
        super().__init__()
        d_hidden, d_in = state["fc1.weight"].shape
        self.fc1 = nn.Linear(d_in, d_hidden, dtype=torch.float64)
        self.fc2 = nn.Linear(d_hidden, state["fc2.weight"].shape[0], dtype=torch.float64)
        self.load_state_dict({k: v.detach().to("cpu", torch.float64) for k, v in state.items()})

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        if self.training:
            h = h * TRAIN_SCALE
        return self.fc2(h)


def mlp_reference(state: dict, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """The contract's MLP in float64: fc1 -> ReLU -> dropout (the given scaled mask) -> fc2."""
    s = {k: v.detach().to("cpu", torch.float64) for k, v in state.items()}
    h = torch.relu(x.to("cpu", torch.float64) @ s["fc1.weight"].T + s["fc1.bias"])
    if mask is not None:
        h = h * mask.to("cpu", torch.float64)
    return h @ s["fc2.weight"].T + s["fc2.bias"]


def dropout_mask(shape, p: float, seed: int, dtype, device) -> torch.Tensor:
    """The scaled keep-mask nn.Dropout(p) draws for a tensor of `shape`/`dtype`/`device`
    right after torch.manual_seed(seed) (the values it drops do not matter, only the draw)."""
    torch.manual_seed(seed)
    return F.dropout(torch.ones(shape, dtype=dtype, device=device), p, training=True)


def loss_fn(kind: str):
    return nn.CrossEntropyLoss() if kind == "cross_entropy" else nn.MSELoss()


def make_optimizer(spec: dict, params):
    args = {k: v for k, v in spec.items() if k != "kind"}
    return torch.optim.SGD(params, **args) if spec["kind"] == "sgd" else torch.optim.Adam(params, **args)


# ----------------------------------------------------------------------------- trajectories
def train_epochs(model: nn.Module, optimizer, batch_list, kind: str, epochs: int = 1,
                 bug: str | None = None, batch_losses: list[float] | None = None) -> list[float]:
    """The reference loop: per epoch, the sample-weighted mean of the batch losses.

    `bug` replays a classic mistake instead ("no_zero_grad", "eval_mode"), so a failing
    test can tell a student which one their numbers match. `batch_losses` collects every
    batch's loss (the curve a failing test draws)."""
    criterion = loss_fn(kind)
    means = []
    for _ in range(epochs):
        model.train(bug != "eval_mode")
        total, count = 0.0, 0
        for xb, yb in batch_list:
            xb = xb.to(torch.float64)
            yb = yb.to(torch.float64) if yb.is_floating_point() else yb
            if bug != "no_zero_grad":
                optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
            count += xb.shape[0]
            if batch_losses is not None:
                batch_losses.append(loss.item())
        means.append(total / count)
    return means


@contextlib.contextmanager
def curves_on_failure(title: str, curves, levels=None, xlabel: str = "step"):
    """On a failed comparison inside, attach a picture of the loss curves: ``curves()`` is
    called then only (drawing costs time, a passing test pays nothing)."""
    try:
        yield
    except AssertionError:
        made = curves()
        attach_image(loss_curves(made, title=title, levels=levels() if levels else None, xlabel=xlabel),
                     f"loss curves: {', '.join(made)}")
        raise


def _floats(values) -> list[float]:
    """A list of numbers from the worker (anything else: empty, the text reports it)."""
    if not isinstance(values, list):
        return []
    return [float(v) for v in values[:10_000] if _is_number(v)]


@torch.no_grad()
def evaluate_reference(model: nn.Module, batch_list, kind: str, training: bool = False) -> tuple[float, float, int]:
    """(sample-weighted mean loss, accuracy, number of near-ties in the argmax) in eval mode
    (`training=True`: the numbers a forgotten model.eval() gives)."""
    criterion = loss_fn(kind)
    model.train(training)
    total, correct, ties, count = 0.0, 0, 0, 0
    for xb, yb in batch_list:
        out = model(xb.to(torch.float64))
        yb = yb.to(torch.float64) if yb.is_floating_point() else yb
        total += criterion(out, yb).item() * xb.shape[0]
        if not yb.is_floating_point():
            correct += int((out.argmax(dim=-1) == yb).sum())
            top2 = out.topk(min(2, out.shape[-1]), dim=-1).values
            if top2.shape[-1] == 2:
                ties += int(((top2[:, 0] - top2[:, 1]) < 1e-3).sum())
        count += xb.shape[0]
    return total / count, correct / count, ties


def assert_state_close(got, expected: dict, *, what: str, dtype, device, hint: str,
                       rtol: float | None = None, atol: float | None = None) -> None:
    """Compare a state dict the worker sent with a reference one, key by key."""
    if not isinstance(got, dict):
        fail(what, f"expected a dict of tensors, got {type(got).__name__}", hint)
    missing = sorted(set(expected) - set(got))
    if missing:
        fail(what, f"missing entries {missing}", hint)
    for key, ref in expected.items():
        assert_close(got[key], ref.detach().to(torch.float64), what=f"{what} [{key}]", dtype=dtype,
                     device=device, rtol=rtol, atol=atol, hint=hint)


def _states_close(got, expected: dict, rtol: float, atol: float) -> bool:
    try:
        return all(torch.allclose(got[k].detach().to("cpu", torch.float64), v.detach().to(torch.float64),
                                  rtol=rtol, atol=atol) for k, v in expected.items())
    except (KeyError, TypeError, AttributeError, RuntimeError):
        return False


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return abs(a - b) <= rtol * max(abs(b), 1e-12)


def _cast(t: torch.Tensor, dtype) -> torch.Tensor:
    return t.to(dtype) if t.is_floating_point() else t


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ============================================================================= the checks
# One function per exercise, used by the public tests (one small case) and the hidden
# tests (more shapes, dtypes, optimizers, devices). Every failure names the function,
# says what differs and ends with a hint.

# ----------------------------------------------------------------------------- fit_linear_regression
def linear_regression_reference(x, y, lr: float, epochs: int, mean_cost: bool = False):
    """Full-batch gradient descent on sum((w x + b - y)^2) / (2N) in float64, by formula."""
    x64, y64 = x.detach().to("cpu", torch.float64), y.detach().to("cpu", torch.float64)
    n = x64.shape[0]
    scale = 2.0 if mean_cost else 1.0  # mean((pred - y)^2) is twice the contract's cost
    w = b = 0.0
    losses = []
    for _ in range(epochs):
        r = w * x64 + b - y64
        losses.append(scale * float((r * r).sum()) / (2 * n))
        gw, gb = scale * float((r * x64).sum()) / n, scale * float(r.sum()) / n
        w, b = w - lr * gw, b - lr * gb
    return w, b, losses


@single_threaded
def check_linear_regression(got, x, y, lr: float, epochs: int, device) -> None:
    name = "fit_linear_regression"
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail(name, f"expected a tuple (w, b, losses), got {type(got).__name__} {got!r:.80}",
             "end with `return w.item(), b.item(), losses`.")
    w, b, losses = got
    for label, v in (("w", w), ("b", b)):
        if isinstance(v, torch.Tensor):
            fail(f"{name}: {label}", f"returned a tensor of shape {tuple(v.shape)}; the contract asks for a "
                 "Python float", f"return {label}.item() (a float), not the tensor {label}.")
        if not _is_number(v):
            fail(f"{name}: {label}", f"expected a Python float, got {type(v).__name__}",
                 f"return {label}.item().")
    if not isinstance(losses, list):
        fail(f"{name}: losses", f"expected a list of floats, got {type(losses).__name__}",
             "start with `losses = []` and append one float per step.")
    if len(losses) != epochs:
        fail(f"{name}: losses", f"expected {epochs} entries (one per step, epochs={epochs}), got {len(losses)}",
             "make exactly `epochs` full-batch steps and append the cost of each one.")
    kinds = sorted({type(v).__name__ for v in losses if not _is_number(v)})
    if kinds:
        fail(f"{name}: losses", f"entries must be Python floats, found {', '.join(kinds)}",
             "append cost.item(): a tensor in the list keeps that step's whole autograd graph alive.")
    ref_w, ref_b, ref_losses = linear_regression_reference(x, y, lr, epochs)
    rtol, atol = traj_tolerances(torch.float32, device)
    if epochs:
        first = float(losses[0])
        hint = ("w and b start at 0.0, the cost is sum((pred - y) ** 2) / (2 * N), and losses[0] is "
                "computed before the first update.")
        if _close(first, 2 * ref_losses[0]):
            hint = ("losses[0] is twice the expected cost: the contract's cost is sum((pred - y) ** 2) / (2 * N) "
                    "(the lecture's), not the mean of the squared errors.")
        elif epochs > 1 and _close(first, ref_losses[1]):
            hint = ("losses[0] equals the cost *after* the first update: append cost.item() for the cost "
                    "computed in the step, before optimizer.step() changes w and b.")
        with curves_on_failure(f"{name}: the cost per step",
                               lambda: {"your losses": [float(v) for v in losses], "reference": ref_losses}):
            assert_close(first, ref_losses[0], what=f"{name}: losses[0] (the cost at w = b = 0)",
                         dtype=torch.float32, rtol=rtol, atol=atol, hint=hint)
            assert_close(torch.tensor([float(v) for v in losses], dtype=torch.float64),
                         torch.tensor(ref_losses, dtype=torch.float64), what=f"{name}: losses", dtype=torch.float64,
                         rtol=rtol, atol=atol,
                         hint="every step uses all N points (full batch, not one update per sample as in the TF1 "
                              "loop), calls optimizer.zero_grad() before cost.backward(), then optimizer.step().")
    hint = "w and b are the values after the last of `epochs` full-batch SGD steps with learning rate lr."
    assert_close(float(w), ref_w, what=f"{name}: w", dtype=torch.float32, rtol=rtol, atol=atol, hint=hint)
    assert_close(float(b), ref_b, what=f"{name}: b", dtype=torch.float32, rtol=rtol, atol=atol, hint=hint)


def check_linear_regression_defaults(student, x, y) -> None:
    """Called without lr and epochs, the run is the one with lr=0.01, epochs=1000 (a test calls
    this once the values with those hyperparameters given are known to be right)."""
    got = student.fit_linear_regression(x, y)
    try:
        check_linear_regression(got, x, y, 0.01, 1000, "cpu")
    except AssertionError as e:
        first = str(e).split("\n", 1)[0]
        fail("fit_linear_regression(x, y) without lr and epochs", f"does not train as with lr=0.01, epochs=1000 "
             f"({first})", "give the signature the contract's defaults: lr=0.01 and epochs=1000.")


def check_inputs_unchanged(name: str, after, before) -> None:
    """The arguments as the call left them (``CallResult.args``) equal the ones sent."""
    if not all(torch.equal(a.cpu(), b.cpu()) for a, b in zip(after, before)):
        fail(name, "changed x or y in place", "compute new tensors (or sort/shuffle copies); never write into "
             "the inputs: the caller still uses them.")


# ----------------------------------------------------------------------------- MLP
def _check_layout(report, state: dict, what: str) -> None:
    keys = report.get("keys")
    if keys != sorted(STATE_KEYS):
        fail(f"{what}.state_dict()", f"has keys {keys}; expected exactly {sorted(STATE_KEYS)}",
             "name the layers self.fc1 and self.fc2 (nn.Linear); ReLU and Dropout have no parameters. "
             "Layers inside nn.Sequential get keys like '0.weight' instead.")
    shapes = report.get("shapes", {})
    for k, v in state.items():
        if shapes.get(k) != list(v.shape):
            fail(f"{what}.state_dict()['{k}']", f"has shape {shapes.get(k)}; expected {list(v.shape)}",
                 "fc1 = nn.Linear(in_features, hidden), fc2 = nn.Linear(hidden, out_features).")


def _mlp_report(report, state: dict, what: str) -> None:
    if report.get("stage") in ("load", "forward") and report.get("is_module"):
        _check_layout(report, state, what)  # a wrong layout explains a failed load best
    err = report.get("error")
    if err:
        stage = report.get("stage")
        hints = {
            "construct": "MLP(in_features, hidden, out_features, dropout=0.0) must build: call "
                         "super().__init__() first, then create fc1, the dropout layer and fc2.",
            "load": "fc1 = nn.Linear(in_features, hidden) and fc2 = nn.Linear(hidden, out_features), so that "
                    "weights saved from another MLP of the same sizes load into yours.",
            "forward": "forward(x) returns fc2(dropout(relu(fc1(x)))) for x of shape [N, in_features].",
        }
        check_error(f"{what} ({stage})", report, hints.get(stage, hints["forward"]))
    if not report.get("is_module", False):
        fail(what, "MLP(...) did not create an nn.Module", "declare `class MLP(nn.Module)`.")


@single_threaded
def check_mlp(student, sizes, p, state: dict, x, seed: int, dtype, device, pass_dropout: bool = True) -> None:
    d_in, d_hidden, d_out = sizes
    what = f"MLP({d_in}, {d_hidden}, {d_out}, dropout={p})" if pass_dropout else f"MLP({d_in}, {d_hidden}, {d_out})"
    dname = str(dtype).removeprefix("torch.")
    results = {}
    for mode in ("eval", "train"):
        report = student.probe("mlp_forward", list(sizes), p if pass_dropout else None, state, x, mode, seed,
                               dname, device)
        _mlp_report(report, state, what)
        results[mode] = report
    assert_close(results["eval"].get("out"), mlp_reference(state, x), what=f"{what} in eval mode", dtype=dtype,
                 device=device,
                 hint="forward is fc2(dropout(relu(fc1(x)))) and returns logits (no softmax). In eval mode "
                      "dropout must do nothing: use the module nn.Dropout, or F.dropout(h, p, "
                      "training=self.training) (F.dropout's training argument defaults to True).")
    mask = dropout_mask((x.shape[0], d_hidden), p, seed, dtype, device) if p > 0 else None
    assert_close(results["train"].get("out"), mlp_reference(state, x, mask),
                 what=f"{what} in training mode (right after torch.manual_seed({seed}))", dtype=dtype, device=device,
                 hint=f"in training mode apply nn.Dropout({p}) once, to the hidden activations (after ReLU, shape "
                      "[N, hidden]); use the dropout probability the constructor received, and no other "
                      "random operation in forward.")


# ----------------------------------------------------------------------------- make_loader
def _loader_run(student, X, y, batch_size, shuffle, seed, epochs, global_seed, what):
    report = student.probe("loader_epochs", X, y, batch_size, shuffle, seed, epochs, global_seed)
    check_error("make_loader", report,
                "return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=...).")
    if not report.get("is_dataloader"):
        fail(what, "did not return a torch.utils.data.DataLoader",
             "wrap a TensorDataset(X, y) in a DataLoader and return the loader itself.")
    return report["epochs"]


def _epoch_order(batches, X, y, what: str, epoch: int) -> tuple[list[int], list[int]]:
    """Batch sizes and, for every sample the loader yielded, its row index in X."""
    sizes, xs, ys = [], [], []
    for i, batch in enumerate(batches):
        if not (isinstance(batch, (list, tuple)) and len(batch) == 2
                and all(isinstance(t, torch.Tensor) for t in batch)):
            fail(what, f"epoch {epoch}, batch {i} is not a pair (X_batch, y_batch) of tensors",
                 "iterate over a DataLoader of TensorDataset(X, y): each batch is [X_batch, y_batch].")
        xb, yb = batch
        if xb.shape[1:] != X.shape[1:] or yb.shape[1:] != y.shape[1:] or xb.shape[0] != yb.shape[0]:
            fail(what, f"epoch {epoch}, batch {i} has shapes {tuple(xb.shape)} and {tuple(yb.shape)}",
                 "batches are (X[idx], y[idx]) for a set of row indices idx.")
        if xb.dtype != X.dtype or yb.dtype != y.dtype:
            fail(what, f"batches have dtypes {xb.dtype} and {yb.dtype}; X and y have {X.dtype} and {y.dtype}",
                 "keep the tensors as they are: TensorDataset(X, y), no conversion.")
        sizes.append(int(xb.shape[0]))
        xs.append(xb.cpu())
        ys.append(yb.cpu())
    if not xs:
        return sizes, []
    xs, ys = torch.cat(xs), torch.cat(ys)
    match = (xs.reshape(len(xs), -1)[:, None, :] == X.reshape(len(X), -1)[None, :, :]).all(-1)
    if not bool((match.sum(1) == 1).all()):
        fail(what, f"epoch {epoch} yielded rows that are not rows of X",
             "the loader must yield X[i] itself for every sample i.")
    order = match.float().argmax(1)
    if not torch.equal(ys, y[order]):
        fail(what, f"epoch {epoch}: labels do not belong to their samples (y_batch[j] is not y[i] for X_batch[j] = X[i])",
             "shuffle X and y together: index both with the same permutation, or let the DataLoader's "
             "sampler pick the indices of a TensorDataset(X, y).")
    return sizes, order.tolist()


@single_threaded
def check_loader(student, X, y, batch_size: int, shuffle: bool, seed: int) -> None:
    n = X.shape[0]
    what = f"make_loader(X[{n}], y, batch_size={batch_size}, shuffle={shuffle}, seed={seed})"
    epochs = 3 if shuffle else 2
    run = _loader_run(student, X, y, batch_size, shuffle, seed, epochs, 1, what)
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    orders = []
    for e, batches in enumerate(run):
        sizes, order = _epoch_order(batches, X, y, what, e)
        if sizes != expected:
            hint = "batches of batch_size samples, the last one smaller when N is not a multiple."
            if sizes == expected[:n // batch_size] and n % batch_size:
                hint = "the last, partial batch is missing: keep it with drop_last=False (the default)."
            fail(what, f"epoch {e} has batch sizes {sizes}; expected {expected}", hint)
        if sorted(order) != list(range(n)):
            fail(what, f"epoch {e} does not yield every sample exactly once", "one epoch is one pass over all N samples.")
        if not shuffle and order != list(range(n)):
            fail(what, f"with shuffle=False, epoch {e} yields the samples in the order {order}",
                 "shuffle=False keeps the natural order 0, 1, ..., N-1: pass shuffle on to the DataLoader.")
        orders.append(order)
    if not shuffle:
        return
    if n >= 10 and all(o == orders[0] for o in orders):
        hint = ("each pass over the loader must draw a fresh permutation: let the DataLoader shuffle "
                "(shuffle=True with a seeded generator) instead of permuting the data once.")
        if orders[0] == list(range(n)):
            hint = "shuffle=True must shuffle: pass shuffle=shuffle to the DataLoader."
        fail(what, f"all {epochs} epochs yield the samples in the same order {orders[0]}", hint)
    again = _loader_run(student, X, y, batch_size, shuffle, seed, epochs, 2, what)
    for e, batches in enumerate(again):
        _, order = _epoch_order(batches, X, y, what, e)
        if order != orders[e]:
            fail(what, f"two loaders built with the same seed gave different orders in epoch {e} "
                       f"({orders[e]} and {order}): the global random state differed between them",
                 "draw the permutations from a private generator: DataLoader(..., shuffle=True, "
                 "generator=torch.Generator().manual_seed(seed)). torch.manual_seed(seed) in make_loader is "
                 "not enough: the shuffling happens later, when the loader is iterated.")


# ----------------------------------------------------------------------------- train_one_epoch
def _data(X, y, dtype):
    return X.to(dtype), _cast(y, dtype)


@single_threaded
def check_train_epoch(student, state: dict, X, y, batch_size: int, loss: str, opt: dict, dtype, device,
                      start_mode: str = "eval") -> None:
    name = "train_one_epoch"
    X, y = _data(X, y, dtype)
    report = student.probe("train_epoch", state, X, y, batch_size, loss, opt, device,
                           str(dtype).removeprefix("torch."), start_mode)
    hint = "each step: optimizer.zero_grad(), out = model(xb), loss = loss_fn(out, yb), loss.backward(), optimizer.step()."
    err = report.get("error") or {}
    if "moved to `device`" in str(err.get("message", "")):
        hint = "move every batch to the model's device first: xb, yb = xb.to(device), yb.to(device)."
    check_error(name, report, hint)
    data = batches(X, y, batch_size)
    ref = CourseNet(state)
    means = train_epochs(ref, make_optimizer(opt, ref.parameters()), data, loss)
    rtol, atol = traj_tolerances(dtype, device)
    got = report.get("state")
    ref_state = ref.state_dict()
    what = f"{name}: the parameters after one epoch ({len(data)} batches, optimizer {opt})"
    if not _states_close(got, ref_state, rtol, atol):
        hint = ("call model.train() first, then for every batch: optimizer.zero_grad(), forward, loss, "
                "loss.backward(), optimizer.step().")
        curves = {"your batch losses": _floats(report.get("batch_losses")), "reference": _batch_losses(state, opt, data, loss)}
        if _states_close(got, CourseNet(state).state_dict(), rtol, atol):
            hint = ("the parameters did not change: call optimizer.step() after loss.backward(), and "
                    "optimizer.zero_grad() before loss.backward() (not between backward and step).")
        else:
            for bug, text in (("no_zero_grad", ("your parameters match a run without optimizer.zero_grad(): "
                                                "gradients add up over steps unless you zero them every step.")),
                              ("eval_mode", ("your parameters match a run in evaluation mode: call model.train() "
                                             "at the start (the model may arrive in eval mode, e.g. after "
                                             "evaluate)."))):
                alt = CourseNet(state)
                alt_losses: list[float] = []
                train_epochs(alt, make_optimizer(opt, alt.parameters()), data, loss, bug=bug, batch_losses=alt_losses)
                if _states_close(got, alt.state_dict(), rtol, atol):
                    hint = text
                    curves[f"replay: {bug.replace('_', ' ')}"] = alt_losses
                    break
        with curves_on_failure(f"{name}: the loss of each batch", lambda: curves, xlabel="batch"):
            assert_state_close(got, ref_state, what=what, dtype=dtype, device=device, hint=hint, rtol=rtol,
                               atol=atol)
    value = as_float(report.get("value"), f"{name}: the returned loss",
                     "return the epoch's mean loss as a Python float (accumulate loss.item()).")
    hint = "return sum(loss.item() * len(xb)) / N over the epoch's batches (loss is each batch's mean)."
    sizes = [len(xb) for xb, _ in data]
    if len(set(sizes)) > 1:
        probe_model = CourseNet(state)
        probe_opt = make_optimizer(opt, probe_model.parameters())
        per_batch = []
        criterion = loss_fn(loss)
        probe_model.train()
        for xb, yb in data:  # the batch losses of the reference run, to recognise an unweighted mean
            probe_opt.zero_grad()
            out = criterion(probe_model(xb.to(torch.float64)), _cast(yb, torch.float64))
            out.backward()
            probe_opt.step()
            per_batch.append(out.item())
        if _close(value, sum(per_batch) / len(per_batch), 1e-4) and not _close(value, means[0], 1e-4):
            hint = (f"you returned the plain mean of the batch losses; batches have sizes {sizes}, so weight each "
                    "batch's loss by its size: sum(loss.item() * len(xb)) / N.")
        elif _close(value, per_batch[-1], 1e-4):
            hint = "you returned the last batch's loss; return the mean over the whole epoch."
    levels = {"your returned loss": value, "expected: sample-weighted mean": means[0]}
    if "plain mean" in hint:
        levels["replay: plain mean of the batches"] = sum(per_batch) / len(per_batch)
    with curves_on_failure(f"{name}: the returned mean loss",
                           lambda: {"your batch losses": _floats(report.get("batch_losses")),
                                    "reference": _batch_losses(state, opt, data, loss)}, lambda: levels,
                           xlabel="batch"):
        assert_close(value, means[0], what=f"{name}: the returned mean loss", dtype=dtype, rtol=rtol, atol=atol,
                     hint=hint)


def _batch_losses(state: dict, opt: dict, data, loss: str) -> list[float]:
    ref = CourseNet(state)
    out: list[float] = []
    train_epochs(ref, make_optimizer(opt, ref.parameters()), data, loss, batch_losses=out)
    return out


# ----------------------------------------------------------------------------- evaluate
@single_threaded
def check_evaluate(student, state: dict, X, y, batch_size: int, loss: str, dtype, device,
                   start_mode: str = "train", untouched: bool = True, values_shown_by: str | None = None) -> None:
    """``untouched``: also check that no graph was built and the model was left as it was
    (the tests named for that); ``values_shown_by``: the loss and accuracy are only a
    precondition here, shown by that test."""
    name = "evaluate"
    X, y = _data(X, y, dtype)
    report = student.probe("evaluate_run", state, X, y, batch_size, loss, device,
                           str(dtype).removeprefix("torch."), start_mode)
    with needs(values_shown_by):
        _evaluate_values(report, state, X, y, batch_size, loss, dtype, device)
    if untouched:
        _evaluate_untouched(report)


def _evaluate_values(report: dict, state: dict, X, y, batch_size: int, loss: str, dtype, device) -> None:
    name = "evaluate"
    hint = ("model.eval(), then under torch.no_grad(): for each batch moved to device, add loss.item() * len(xb) "
            "and the number of correct argmax predictions.")
    if "moved to `device`" in str((report.get("error") or {}).get("message", "")):
        hint = "move every batch to the model's device first: xb, yb = xb.to(device), yb.to(device)."
    check_error(name, report, hint)
    value = report.get("value")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(name, f"expected a pair (mean_loss, accuracy), got {type(value).__name__} {value!r:.80}",
             "return mean_loss, accuracy")
    got_loss = as_float(value[0], f"{name}: mean_loss", "return the mean loss as a number (loss.item() ...).")
    got_acc = as_float(value[1], f"{name}: accuracy", "return the accuracy as a number (correct / N).")
    data = batches(X, y, batch_size)
    ref_loss, ref_acc, ties = evaluate_reference(CourseNet(state), data, loss)
    rtol, atol = tolerances(dtype, device)
    hint = "the mean loss over samples: sum(loss.item() * len(xb)) / N, with the model in eval mode."
    if not _close(got_loss, ref_loss, 1e-4):
        train_loss, _, _ = evaluate_reference(CourseNet(state), data, loss, training=True)
        if _close(got_loss, train_loss, 1e-4):
            hint = ("your numbers match the model in training mode: call model.eval() first (dropout and "
                    "batch norm behave differently in training).")
        else:
            per_batch = []
            model = CourseNet(state).eval()
            with torch.no_grad():
                for xb, yb in data:
                    per_batch.append(loss_fn(loss)(model(xb.to(torch.float64)), _cast(yb, torch.float64)).item())
            if _close(got_loss, sum(per_batch) / len(per_batch), 1e-4):
                hint = ("you returned the plain mean of the batch losses; weight each batch's loss by its size: "
                        "sum(loss.item() * len(xb)) / N.")
    assert_close(got_loss, ref_loss, what=f"{name}: mean_loss", dtype=dtype, rtol=rtol, atol=atol, hint=hint)
    # A near-tie may flip a sample; 1e-6 absorbs an accuracy computed in float32
    # ((out.argmax(-1) == y).float().mean()), far below one sample (1 / N).
    if abs(got_acc - ref_acc) > ties / len(X) + 1e-6:
        fail(f"{name}: accuracy", f"got {got_acc:.6g}, expected {ref_acc:.6g} ({round(ref_acc * len(X))} of "
             f"{len(X)} samples correct)",
             "accuracy = (number of samples with out.argmax(dim=-1) == yb) / N, counted over all batches "
             "(not the mean of per-batch accuracies).")


def _evaluate_untouched(report: dict) -> None:
    name = "evaluate"
    if report.get("graph_built"):
        fail(name, "the model's forward passes built an autograd graph (their outputs required grad)",
             "run the loop inside `with torch.no_grad():` (or torch.inference_mode()). Calling .detach() on "
             "the output is too late: the graph was recorded during the forward pass.")
    if report.get("requires_grad_changed"):
        fail(name, f"switched off requires_grad on parameters {report['requires_grad_changed']}",
             "leave the parameters alone; torch.no_grad() stops autograd without changing the model.")
    if report.get("grads_changed"):
        fail(name, f"changed the .grad of parameters {report['grads_changed']}",
             "evaluate must not call zero_grad() or backward(): gradients belong to the training loop.")
    if report.get("params_changed") or report.get("params_replaced"):
        fail(name, f"changed the parameters {report.get('params_changed') or report.get('params_replaced')}",
             "evaluate only reads the model: no optimizer steps, no in-place updates.")


# ----------------------------------------------------------------------------- fit
_FN = {"train": "train_one_epoch", "eval": "evaluate"}


@single_threaded
def check_fit(student, train_script: list, val_script: list, device) -> None:
    name = "fit"
    epochs = len(train_script)
    report = student.probe("fit_scripted", train_script, val_script, epochs, device)
    hint = ("for each epoch: train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device), "
            "then val_loss, val_acc = evaluate(model, val_loader, loss_fn, device); append the three.")
    check_error(name, report, hint)
    calls = report.get("calls", [])
    seq = [_FN[c["fn"]] for c in calls]
    want = ["train_one_epoch", "evaluate"] * epochs
    if seq != want:
        fail(name, f"with epochs={epochs} it called [{', '.join(seq)}]; expected train_one_epoch then evaluate, "
             "once per epoch", "call this notebook's train_one_epoch and evaluate (do not copy their code into "
             "fit), train first, then evaluate, `epochs` times.")
    for i, c in enumerate(calls):
        fn = _FN[c["fn"]]
        want_loader = "train_loader" if c["fn"] == "train" else "val_loader"
        if c["loader"] != want_loader:
            fail(name, f"call {i + 1} ({fn}) received {c['loader'].replace('other', 'another loader')}; "
                       f"expected {want_loader}", "train on train_loader, evaluate on val_loader.")
        wrong = [k for k in ("model", "loss_fn", "optimizer") if k in c and not c[k]]
        if wrong:
            fail(name, f"call {i + 1} ({fn}) did not receive fit's own {', '.join(wrong)}",
                 "pass fit's arguments on unchanged.")
        if c["device"] != str(device):
            fail(name, f"call {i + 1} ({fn}) received device {c['device']!r}; fit was given {str(device)!r}",
                 "pass fit's device argument on.")
    history = report.get("value")
    if not isinstance(history, dict):
        fail(name, f"expected a dict of lists, got {type(history).__name__}",
             'return {"train_loss": [...], "val_loss": [...], "val_acc": [...]}.')
    expected = {"train_loss": list(train_script), "val_loss": [v[0] for v in val_script],
                "val_acc": [v[1] for v in val_script]}
    for key, want_values in expected.items():
        got = history.get(key)
        if not isinstance(got, list):
            fail(f"{name}: history['{key}']", f"expected a list, got {type(got).__name__}",
                 'the dict has the keys "train_loss", "val_loss", "val_acc", each a list with one entry per epoch.')
        values = [float(v) if _is_number(v) else v for v in got]
        if values != want_values:
            fail(f"{name}: history['{key}']", f"is {values}; train_one_epoch and evaluate returned "
                 f"{train_script} and {[tuple(v) for v in val_script]}",
                 "train_one_epoch returns the training loss; evaluate returns (val_loss, val_acc) in that order. "
                 "Append each epoch's values, one entry per epoch.")


# ----------------------------------------------------------------------------- checkpoint
def _opt_state_as(opt_sd: dict, dtype) -> dict:
    """An optimizer state_dict with floating state tensors in `dtype` (the step count kept)."""
    state = {i: {k: (_cast(v, dtype) if isinstance(v, torch.Tensor) and k != "step" else v) for k, v in s.items()}
             for i, s in opt_sd["state"].items()}
    return {"state": state, "param_groups": [dict(g) for g in opt_sd["param_groups"]]}


@single_threaded
def check_checkpoint(student, state: dict, X, y, batch_size: int, loss: str, opt: dict, epochs_before: int,
                     epochs_after: int, dtype, device, values_shown_by: str | None = None) -> None:
    """``values_shown_by``: only loading onto the model's device is this test's own check;
    the restored values, the epoch and the resumed run are a precondition shown by that test."""
    X, y = _data(X, y, dtype)
    data = batches(X, y, batch_size)
    # The uninterrupted run, and the run up to the interruption (what is checkpointed).
    full = CourseNet(state)
    train_epochs(full, make_optimizer(opt, full.parameters()), data, loss, epochs_before + epochs_after)
    mid = CourseNet(state)
    mid_opt = make_optimizer(opt, mid.parameters())
    train_epochs(mid, mid_opt, data, loss, epochs_before)
    mid_state = {k: v.to(dtype) for k, v in mid.state_dict().items()}
    mid_opt_state = _opt_state_as(mid_opt.state_dict(), dtype)
    fresh = {k: v.to(dtype) for k, v in init_state(X.shape[1], state["fc1.weight"].shape[0],
                                                     state["fc2.weight"].shape[0], seed=977).items()}
    report = student.probe("checkpoint_roundtrip", mid_state, opt, mid_opt_state, epochs_before, device,
                           str(dtype).removeprefix("torch."), fresh)
    save_hint = ("save a dict of plain state: torch.save({'model': model.state_dict(), 'optimizer': "
                 "optimizer.state_dict(), 'epoch': epoch}, path).")
    with needs(values_shown_by):
        if report.get("stage") == "save":
            check_error("save_checkpoint", report, save_hint)
            if not report.get("file_written"):
                fail("save_checkpoint", "wrote no file at `path`", save_hint)
        if report.get("weights_only_error"):
            fail("save_checkpoint", "the checkpoint does not load with torch.load(path, weights_only=True) "
                 f"({report['weights_only_error'][:300]})",
                 "save state dicts (model.state_dict(), optimizer.state_dict()), numbers and strings, not the "
                 "model or optimizer objects: weights_only loading refuses arbitrary pickled objects.")
    err = report.get("error") or {}
    load_hint = ("checkpoint = torch.load(path, map_location=<the model's device>); model.load_state_dict(...); "
                 "optimizer.load_state_dict(...); return the saved epoch.")
    wrong_device = "deserialize object on" in str(err.get("message", ""))
    if wrong_device:
        load_hint = (f"this checkpoint was written on a GPU machine ({report.get('saved_on')}), and that device "
                     "does not exist here. Load onto the model's device: torch.load(path, map_location="
                     "next(model.parameters()).device).")
        check_error("load_checkpoint", report, load_hint)
    with needs(values_shown_by):
        check_error("load_checkpoint", report, load_hint)
        _check_epoch(report.get("value"), epochs_before)
    want_device = torch.device(device).type
    devices = report.get("param_devices", [])
    if any(torch.device(d).type != want_device for d in devices):
        fail("load_checkpoint", f"left the model's parameters on {devices}; the model lives on {device}",
             "load state into the existing model with model.load_state_dict(...); do not replace the model.")
    with needs(values_shown_by):
        _check_restored(report, opt, mid_state, mid_opt_state, full, data, loss, epochs_after, dtype, device)


def _check_epoch(value, epochs_before: int) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool)) or value != epochs_before:
        fail("load_checkpoint", f"returned {value!r}; expected the epoch that was saved ({epochs_before}, an int)",
             "store the epoch in the checkpoint and return it unchanged (the caller decides where to continue).")


def _check_restored(report: dict, opt: dict, mid_state: dict, mid_opt_state: dict, full: nn.Module, data,
                    loss: str, epochs_after: int, dtype, device) -> None:
    """The model and optimizer state load_checkpoint restored, and training resumed from them."""
    rtol, atol = tolerances(dtype, device)
    assert_state_close(report.get("state"), mid_state, what="load_checkpoint: the model's parameters after loading",
                       dtype=dtype, device=device, rtol=rtol, atol=atol,
                       hint="save model.state_dict() and restore it with model.load_state_dict(checkpoint[...]).")
    opt_hint = ("save optimizer.state_dict() in the checkpoint and restore it with optimizer.load_state_dict(...): "
                "momentum buffers and Adam's running averages are part of the training state.")
    got_opt = report.get("optimizer") or {}
    got_states = got_opt.get("state") or {}
    for i, s in mid_opt_state["state"].items():
        if i not in got_states:
            fail("load_checkpoint: the optimizer state", f"has no state for parameter {i} after loading "
                 f"(expected {sorted(s)})", opt_hint)
        for k, v in s.items():
            if isinstance(v, torch.Tensor):
                assert_close(got_states[i].get(k), v.to(torch.float64), dtype=v.dtype, device=device if k != "step"
                             else None, check_device=k != "step", rtol=rtol, atol=atol,
                             what=f"load_checkpoint: optimizer state[{i}]['{k}']", hint=opt_hint)
    # Resume: the trusted side continues from exactly what load_checkpoint restored.
    resumed = CourseNet(report["state"])
    resumed_opt = make_optimizer(opt, resumed.parameters())
    restored = {"state": {i: {k: (v.to("cpu", torch.float64) if isinstance(v, torch.Tensor) and k != "step"
                                  else v.cpu() if isinstance(v, torch.Tensor) else v) for k, v in s.items()}
                          for i, s in got_states.items()},
                "param_groups": got_opt.get("param_groups") or []}
    try:
        resumed_opt.load_state_dict(restored)
    except (ValueError, KeyError, TypeError) as exc:
        fail("load_checkpoint: the optimizer", f"its restored state does not fit this optimizer ({exc})", opt_hint)
    train_epochs(resumed, resumed_opt, data, loss, epochs_after)
    r2, a2 = traj_tolerances(dtype, device)
    assert_state_close(resumed.state_dict(), full.state_dict(),
                       what=f"training resumed from the checkpoint ({epochs_after} more epochs) vs. uninterrupted",
                       dtype=torch.float64, device="cpu", rtol=r2, atol=a2, hint=opt_hint)


# ============================================================================= the public cases
# One small case per exercise: the public tests run them, and the end-to-end test runs them
# first (a component that fails here makes it "not judged", naming that public test).
def basic_fit_linear_regression(student) -> None:
    x = torch.rand(12, generator=gen(1)) * 4
    y = 0.7 * x - 0.3 + 0.1 * torch.randn(12, generator=gen(2))
    lr, epochs = 0.05, 60
    res = student.run("fit_linear_regression", x, y, lr=lr, epochs=epochs)
    check_linear_regression(res.value, x, y, lr, epochs, device="cpu")
    check_inputs_unchanged("fit_linear_regression", res.args, (x, y))
    check_linear_regression_defaults(student, x, y)


def basic_mlp(student) -> None:
    sizes, p = (3, 5, 2), 0.5
    state = init_state(*sizes, seed=10)
    for dtype in (torch.float32, torch.float64):
        x = randn(4, 3, seed=11, dtype=dtype)
        check_mlp(student, sizes, p, state, x, seed=123, dtype=dtype, device="cpu")


def basic_make_loader(student) -> None:
    X = torch.stack([torch.arange(10.0, dtype=torch.float64), -torch.arange(10.0, dtype=torch.float64)], dim=1)
    y = torch.arange(10)
    check_loader(student, X, y, batch_size=4, shuffle=False, seed=0)
    check_loader(student, X, y, batch_size=4, shuffle=True, seed=3)


def basic_train_one_epoch(student) -> None:
    state = init_state(3, 6, 3, seed=20)
    X, y = classification_data(10, 3, 3, seed=21)
    for dtype in (torch.float32, torch.float64):
        check_train_epoch(student, state, X, y, batch_size=4, loss="cross_entropy", opt={"kind": "sgd", "lr": 0.5},
                          dtype=dtype, device="cpu")


def basic_evaluate(student) -> None:
    state = init_state(3, 6, 3, seed=30)
    X, y = classification_data(10, 3, 3, seed=31)
    check_evaluate(student, state, X, y, batch_size=4, loss="cross_entropy", dtype=torch.float32, device="cpu")


def basic_fit(student) -> None:
    check_fit(student, train_script=[0.9, 0.7, 0.5], val_script=[[0.8, 0.5], [0.6, 0.75], [0.55, 0.875]],
              device="cpu")


def basic_checkpoint(student) -> None:
    state = init_state(3, 5, 3, seed=40)
    X, y = classification_data(12, 3, 3, seed=41)
    check_checkpoint(student, state, X, y, batch_size=5, loss="cross_entropy",
                     opt={"kind": "sgd", "lr": 0.2, "momentum": 0.9}, epochs_before=2, epochs_after=2,
                     dtype=torch.float32, device="cpu")
