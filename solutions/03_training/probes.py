"""Instrumentation for 03_training, run inside the worker next to the student's module.

Every function takes the student's module first. None of them holds an answer: they build
the objects a test needs (a course-defined network, a deterministic loader, an optimizer
with a given state), call the student's own code, and send back plain values (tensors,
numbers, lists, dicts) for the trusted side to compare with its own reference. There is no
training loop here: every trajectory is computed by the student's code in the worker and
by the course's reference on the trusted side.

Student exceptions are caught and reported as data (``"error"``), so a test can say which
function raised and give a hint, instead of a bare "the course probe raised".
"""
import contextlib
import os
import sys
import tempfile
import traceback
import types

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset


# ----------------------------------------------------------------------------- reporting
def _students(filename):
    """A frame of the submission: its cells compile as "<cell 4>" or a bare "03_training.py".
    Library frames have directories, relative ones too when the worker's PYTHONPATH holds
    "." (then "autograder/..."), which would make the report differ by how grading runs."""
    if filename.startswith("<"):
        return not filename.startswith(("<probes>", "<frozen"))
    return os.sep not in filename and not os.path.isabs(filename)


def _error(exc):
    """The student's exception as plain data: type, message and their own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _students(f.filename)]
    # File, line and source only: the column carets depend on how the interpreter runs
    # (-X no_debug_ranges), and this report is part of a mistake's fingerprint.
    lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}\n' + (f"    {f.line.strip()}\n" if f.line else "")
             for f in frames]
    tb = "".join(["Traceback (most recent call last):\n"] + lines) if frames else ""
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "traceback": tb[-3000:]}


def _attempt(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), None
    except Exception as exc:  # the student's error, reported to the test
        return None, _error(exc)


def _plain(value):
    """Containers rebuilt as plain list/tuple/dict (the wire takes no OrderedDict or
    namedtuple); tensors detached. Anything else is sent as is, and the wire refuses
    what it cannot carry (the test then reports a bad return value)."""
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _optimizer_state(optimizer):
    """An optimizer's state_dict as plain values (per-parameter tensors and hyperparameters)."""
    sd = optimizer.state_dict()
    state = {int(i): {str(k): (v.detach().clone() if isinstance(v, torch.Tensor) else v) for k, v in s.items()}
             for i, s in sd["state"].items()}
    groups = [{str(k): (list(v) if isinstance(v, (list, tuple)) else v) for k, v in g.items()
               if v is None or isinstance(v, (bool, int, float, str, list, tuple))}
              for g in sd["param_groups"]]
    return {"state": state, "param_groups": groups}


# ----------------------------------------------------------------------------- course objects
class _Staged(torch.Tensor):
    """A batch as the course loader hands it out: still "staged" on the loader's side
    until it is moved with ``.to(device)`` (or ``.cuda()``/``.cpu()``), which returns a
    plain tensor. On a CPU-only grader a forgotten ``.to(device)`` changes no value, so
    the course network refuses staged input: the same failure a GPU run would show."""

    def to(self, *args, **kwargs):
        return self.as_subclass(torch.Tensor).to(*args, **kwargs)

    def cuda(self, *args, **kwargs):
        return self.as_subclass(torch.Tensor).cuda(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        return self.as_subclass(torch.Tensor).cpu(*args, **kwargs)


def _require_moved(t, what):
    if isinstance(t, _Staged):
        raise RuntimeError(f"{what} reached the model without being moved to `device`: on a GPU this is "
                           "'Expected all tensors to be on the same device'")


def _staged_collate(samples):
    xs, ys = zip(*samples)
    return torch.stack(xs).as_subclass(_Staged), torch.stack(ys).as_subclass(_Staged)


def course_loader(X, y, batch_size):
    """A DataLoader in natural order (deterministic) whose batches must be moved to `device`."""
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False, collate_fn=_staged_collate)


class CourseNet(nn.Module):
    """fc1 -> tanh -> (x TRAIN_SCALE in training mode) -> fc2.

    The training-mode scale is a deterministic stand-in for dropout: the mode a function
    runs the model in shows in its values. ``grad_log`` records, per forward call, whether
    the output is part of an autograd graph."""

    TRAIN_SCALE = 0.5

    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)
        self.grad_log = []

    def forward(self, x):
        _require_moved(x, "the input batch")
        h = torch.tanh(self.fc1(x))
        if self.training:
            h = h * self.TRAIN_SCALE
        out = self.fc2(h)
        self.grad_log.append(bool(out.requires_grad))
        return out


class CourseLoss(nn.Module):
    """A batch-mean loss (like nn.CrossEntropyLoss()) that also wants its targets moved."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.log = []  # each call's value: the loss curve a failing test draws

    def forward(self, out, target):
        _require_moved(target, "the target batch")
        if self.kind == "cross_entropy":
            value = F.cross_entropy(out, target)
        else:
            value = F.mse_loss(out, target)
        self.log.append(float(value.detach()))
        return value


def _course_net(state, dtype, device):
    d_hidden, d_in = state["fc1.weight"].shape
    model = CourseNet(d_in, d_hidden, state["fc2.weight"].shape[0]).to(getattr(torch, dtype))
    model.load_state_dict(state)
    return model.to(device)


def make_optimizer(spec, params):
    kind = spec["kind"]
    args = {k: v for k, v in spec.items() if k != "kind"}
    if kind == "sgd":
        return torch.optim.SGD(params, **args)
    if kind == "adam":
        return torch.optim.Adam(params, **args)
    raise ValueError(f"unknown optimizer {kind!r}")


# ----------------------------------------------------------------------------- MLP
def mlp_forward(module, sizes, dropout, state, x, mode, seed, dtype="float32", device="cpu"):
    """Build the student's MLP(*sizes, dropout=dropout) (`dropout` None: left at its default),
    report its state_dict layout, load `state`, and run `x` through it in `mode`
    ("train"/"eval") right after seeding torch."""
    report = {"error": None, "stage": "construct"}
    kwargs = {} if dropout is None else {"dropout": dropout}
    model, err = _attempt(module.MLP, *sizes, **kwargs)
    if err:
        report["error"] = err
        return report
    report["is_module"] = isinstance(model, nn.Module)
    if not report["is_module"]:
        return report
    report["keys"] = sorted(model.state_dict().keys())
    report["shapes"] = {k: list(v.shape) for k, v in model.state_dict().items()}
    report["stage"] = "load"
    try:
        model = model.to(getattr(torch, dtype))
        model.load_state_dict(state)
        model = model.to(device)
    except Exception as exc:
        report["error"] = _error(exc)
        return report
    report["stage"] = "forward"
    model.train(mode == "train")
    torch.manual_seed(seed)
    out, err = _attempt(model, x.to(device))
    report["error"] = err
    report["out"] = _plain(out)
    return report


# ----------------------------------------------------------------------------- make_loader
@contextlib.contextmanager
def _global_seed(seed):
    """Put torch's global RNG in a known state (and restore it after): a loader that
    draws its shuffles from the global RNG shows up as different batches."""
    saved = torch.get_rng_state()
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_rng_state(saved)


def loader_epochs(module, X, y, batch_size, shuffle, seed, epochs, global_seed):
    """make_loader(X, y, batch_size, shuffle, seed), iterated for `epochs` epochs, with the
    global RNG reseeded (from `global_seed`) before building and before every epoch."""
    report = {"error": None}
    with _global_seed(global_seed):
        loader, err = _attempt(module.make_loader, X, y, batch_size, shuffle, seed)
    if err:
        report["error"] = err
        return report
    report["is_dataloader"] = isinstance(loader, DataLoader)
    report["epochs"] = []
    for e in range(epochs):
        batches = []
        with _global_seed(global_seed * 1000 + 7 * e + 1):
            try:
                for batch in loader:
                    batches.append(_plain(batch if isinstance(batch, (list, tuple)) else [batch]))
            except Exception as exc:
                report["error"] = _error(exc)
                return report
        report["epochs"].append(batches)
    return report


# ----------------------------------------------------------------------------- train_one_epoch
def train_epoch(module, state, X, y, batch_size, loss, opt, device, dtype="float32", start_mode="eval"):
    """One call of the student's train_one_epoch on the course network (weights `state`),
    the course loader over (X, y) and a fresh optimizer `opt`; the model starts in
    `start_mode`. Returns what the call returned and the parameters after it."""
    model = _course_net(state, dtype, device)
    model.train(start_mode == "train")
    optimizer = make_optimizer(opt, model.parameters())
    loss_fn = CourseLoss(loss)
    value, err = _attempt(module.train_one_epoch, model, course_loader(X, y, batch_size), loss_fn,
                          optimizer, device)
    return {"error": err, "value": _plain(value), "state": _state(model), "forward_calls": len(model.grad_log),
            "batch_losses": loss_fn.log[:10_000]}


# ----------------------------------------------------------------------------- evaluate
def evaluate_run(module, state, X, y, batch_size, loss, device, dtype="float32", start_mode="train"):
    """One call of the student's evaluate on the course network, with autograd enabled and
    a known `.grad` on every parameter. Reports the result and what the call left behind:
    whether any forward pass built an autograd graph, and whether parameters, their
    `.grad` or their `requires_grad` changed."""
    model = _course_net(state, dtype, device)
    model.train(start_mode == "train")
    params = dict(model.named_parameters())
    for i, p in enumerate(params.values()):
        p.grad = torch.full_like(p, 0.25 * (i + 1))  # as if a training step had just run
    before = {k: p.detach().clone() for k, p in params.items()}
    with torch.enable_grad():
        value, err = _attempt(module.evaluate, model, course_loader(X, y, batch_size), CourseLoss(loss), device)
    after = dict(model.named_parameters())
    return {
        "error": err,
        "value": _plain(value),
        "forward_calls": len(model.grad_log),
        "graph_built": any(model.grad_log),
        "params_replaced": sorted(k for k in params if after.get(k) is not params[k]),
        "params_changed": sorted(k for k, p in params.items() if not torch.equal(p.detach(), before[k])),
        "requires_grad_changed": sorted(k for k, p in params.items() if not p.requires_grad),
        "grads_changed": sorted(k for i, (k, p) in enumerate(params.items())
                                if p.grad is None or not torch.equal(p.grad, torch.full_like(p, 0.25 * (i + 1)))),
    }


# ----------------------------------------------------------------------------- fit
def fit_scripted(module, train_script, val_script, epochs, device):
    """Call the student's fit with this module's train_one_epoch and evaluate replaced by
    scripted stand-ins that log every call and return the next scripted value. Returns
    fit's result and the call log (which function, with which objects, in which order)."""
    model = CourseNet(2, 3, 2)
    X, y = torch.zeros(4, 2), torch.zeros(4, dtype=torch.int64)
    train_loader, val_loader = course_loader(X, y, 2), course_loader(X, y, 2)
    loss_fn = CourseLoss("cross_entropy")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    log = []
    scripts = {"train": iter(train_script), "eval": iter(val_script)}

    def which(loader):
        return "train_loader" if loader is train_loader else "val_loader" if loader is val_loader else "other"

    def record(fn, m, loader, lf, dev, opt=None):
        entry = {"fn": fn, "model": m is model, "loader": which(loader), "loss_fn": lf is loss_fn,
                 "device": str(dev)}
        if fn == "train":
            entry["optimizer"] = opt is optimizer
        log.append(entry)
        return next(scripts[fn], None)

    def train_one_epoch(model, loader, loss_fn, optimizer, device):
        return record("train", model, loader, loss_fn, device, optimizer)

    def evaluate(model, loader, loss_fn, device):
        value = record("eval", model, loader, loss_fn, device)
        return tuple(value) if value is not None else None

    saved = {name: getattr(module, name, None) for name in ("train_one_epoch", "evaluate")}
    module.train_one_epoch, module.evaluate = train_one_epoch, evaluate
    try:
        value, err = _attempt(module.fit, model, train_loader, val_loader, loss_fn, optimizer, epochs, device)
    finally:
        for name, fn in saved.items():
            setattr(module, name, fn)
    return {"error": err, "value": _plain(value), "calls": log}


# ----------------------------------------------------------------------------- checkpoint
@contextlib.contextmanager
def _saved_as_if_on_gpu():
    """While active, torch.save records every storage as living on CUDA device N, where N
    is the number of GPUs this process sees (so that device does not exist here): the file
    then is what a GPU machine writes, and loading it needs map_location, as it does on a
    laptop without a GPU."""
    index = torch.cuda.device_count() if torch.cuda.is_available() else 0
    entry = (-1, lambda storage: f"cuda:{index}", lambda storage, location: None)
    torch.serialization._package_registry.insert(0, entry)
    try:
        yield f"cuda:{index}"
    finally:
        torch.serialization._package_registry.remove(entry)


@contextlib.contextmanager
def _importable_probes():
    """Make this module importable as `probes` while the student's code saves: a checkpoint
    that pickles the model object then gets written, as it would be in a notebook, and
    fails where it fails there (torch.load with weights_only=True)."""
    saved = sys.modules.get("probes")
    proxy = types.ModuleType("probes")
    proxy.__dict__.update(globals())
    sys.modules["probes"] = proxy
    try:
        yield
    finally:
        if saved is None:
            sys.modules.pop("probes", None)
        else:
            sys.modules["probes"] = saved


def checkpoint_roundtrip(module, state, opt, opt_state, epoch, device, dtype="float32", new_state=None):
    """The course network with weights `state` and an optimizer `opt` in state `opt_state`
    (as training left them) is saved with the student's save_checkpoint (written as a GPU
    machine would write it), then loaded with the student's load_checkpoint into a fresh
    network (weights `new_state`) and a fresh optimizer on `device`. Reports what
    load_checkpoint returned, what it restored, and whether the file loads with
    torch.load(weights_only=True)."""
    report = {"error": None, "stage": "save"}
    model = _course_net(state, dtype, device)
    optimizer = make_optimizer(opt, model.parameters())
    optimizer.load_state_dict(opt_state)
    folder = tempfile.mkdtemp(prefix="ckpt-")
    path = os.path.join(folder, "checkpoint.pt")
    with _saved_as_if_on_gpu() as report["saved_on"], _importable_probes():
        _, err = _attempt(module.save_checkpoint, path, model, optimizer, epoch)
    if err:
        report["error"] = err
        return report
    report["file_written"] = os.path.isfile(path)
    if not report["file_written"]:
        return report
    try:
        content = torch.load(path, weights_only=True, map_location="cpu")
        report["weights_only_error"] = None
        report["content_type"] = type(content).__name__
    except Exception as exc:
        report["weights_only_error"] = f"{type(exc).__name__}: {str(exc)[:600]}"
    report["stage"] = "load"
    fresh = _course_net(new_state if new_state is not None else state, dtype, device)
    fresh_optimizer = make_optimizer(opt, fresh.parameters())
    value, err = _attempt(module.load_checkpoint, path, fresh, fresh_optimizer)
    report["error"] = err
    report["value"] = _plain(value)
    report["state"] = _state(fresh)
    report["param_devices"] = sorted({str(p.device) for p in fresh.parameters()})
    report["optimizer"] = _optimizer_state(fresh_optimizer)
    return report


# ----------------------------------------------------------------------------- end to end
def train_spiral(module, init_state, hidden, dropout, X_train, y_train, X_val, y_val, batch_size, lr,
                 epochs, seed, device):
    """The student's MLP (starting from `init_state`), make_loader and fit, with the given
    data and hyperparameters, Adam and cross-entropy. Returns the trained weights and
    fit's history; the trusted side measures the accuracy itself."""
    report = {"error": None}
    torch.manual_seed(seed)  # dropout masks
    try:
        model = module.MLP(X_train.shape[1], hidden, int(y_train.max()) + 1, dropout=dropout)
        model.load_state_dict(init_state)
        model = model.to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        train_loader = module.make_loader(X_train, y_train, batch_size, True, seed)
        val_loader = module.make_loader(X_val, y_val, 256, False)
        history = module.fit(model, train_loader, val_loader, nn.CrossEntropyLoss(), optimizer, epochs, device)
    except Exception as exc:
        report["error"] = _error(exc)
        return report
    report["state"] = _state(model)
    report["history"] = _plain(history)
    return report
