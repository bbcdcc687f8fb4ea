"""Part A test support: expression programs as data, replayed by PyTorch and compared.

A *program* is a list of steps over numbered nodes (``n0, n1, ...``): leaves with their
values, and operations on earlier nodes, Python numbers and NumPy arrays. Tests write
programs with ``Program`` (symbolic nodes with the same operators as the ``Tensor`` you
build), the course probe ``run_program`` replays one with *your* ``Tensor`` inside the
grader's worker, and ``check_program`` replays it with float64 PyTorch here and compares
every node's value and every leaf's ``.grad``. A failure lists the program, so you can
rerun it in your notebook.

This file is a test helper, not a test: it holds no solution, only the PyTorch reference.
"""
from __future__ import annotations

import numpy as np
import torch

from autograder.authoring import StudentError, assert_close, tr

BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@"}
UNARY_METHODS = ("relu", "exp", "log", "tanh", "sigmoid", "transpose")


# ----------------------------------------------------------------------------- writing programs
class Node:
    """A symbolic node: operators record a step and compute the value with NumPy (used
    to keep programs inside the functions' domains, e.g. log of positive values)."""

    __array_ufunc__ = None   # `ndarray + Node` must come to Node.__radd__, like for Tensor

    def __init__(self, program: "Program", index: int, value: np.ndarray):
        self.program, self.index, self.value = program, index, value

    @property
    def shape(self):
        return self.value.shape

    def _binary(self, op, other, reflected=False):
        return self.program.binary(op, other, self) if reflected else self.program.binary(op, self, other)

    def __add__(self, o): return self._binary("add", o)
    def __radd__(self, o): return self._binary("add", o, True)
    def __sub__(self, o): return self._binary("sub", o)
    def __rsub__(self, o): return self._binary("sub", o, True)
    def __mul__(self, o): return self._binary("mul", o)
    def __rmul__(self, o): return self._binary("mul", o, True)
    def __truediv__(self, o): return self._binary("div", o)
    def __rtruediv__(self, o): return self._binary("div", o, True)
    def __matmul__(self, o): return self._binary("matmul", o)
    def __rmatmul__(self, o): return self._binary("matmul", o, True)
    def __neg__(self): return self.program.step(["neg", self.index], -self.value)
    def __pow__(self, p): return self.program.step(["pow", self.index, p], self.value ** p)

    def sum(self, axis=None, keepdims=False):
        return self.program.step(["sum", self.index, axis, keepdims], self.value.sum(axis=axis, keepdims=keepdims))

    def mean(self, axis=None, keepdims=False):
        return self.program.step(["mean", self.index, axis, keepdims],
                                 self.value.mean(axis=axis, keepdims=keepdims))

    def relu(self): return self.program.step(["relu", self.index], np.maximum(self.value, 0.0))
    def exp(self): return self.program.step(["exp", self.index], np.exp(self.value))
    def log(self): return self.program.step(["log", self.index], np.log(self.value))
    def tanh(self): return self.program.step(["tanh", self.index], np.tanh(self.value))
    def sigmoid(self): return self.program.step(["sigmoid", self.index], 1.0 / (1.0 + np.exp(-self.value)))
    def transpose(self): return self.program.step(["transpose", self.index], self.value.T)

    @property
    def T(self):
        return self.program.step(["T", self.index], self.value.T)

    def reshape(self, *shape):
        return self.program.step(["reshape", self.index, list(shape)], self.value.reshape(shape))


class Program:
    """Records a program; ``finish`` turns it into the data the probe replays."""

    def __init__(self):
        self.steps: list = []
        self.values: list[np.ndarray] = []

    def step(self, step, value) -> Node:
        self.steps.append(step)
        self.values.append(np.asarray(value, dtype=np.float64))
        return Node(self, len(self.steps) - 1, self.values[-1])

    def leaf(self, value, requires_grad: bool | None = True) -> Node:
        """A leaf ``Tensor(value, requires_grad=...)``; ``None`` calls ``Tensor(value)``.
        ``value`` may be an ndarray (any dtype), a nested list or a Python number."""
        return self.step(["leaf", value, requires_grad], np.array(value, dtype=np.float64))

    def randn(self, *shape, seed: int, scale: float = 1.0, positive: bool = False,
              requires_grad: bool | None = True) -> Node:
        """A leaf of seeded random values: normal, or in [0.5, 2) * scale when positive."""
        return self.leaf(random_array(shape, seed, scale, positive), requires_grad)

    def binary(self, op, a, b) -> Node:
        va = a.value if isinstance(a, Node) else np.asarray(a, dtype=np.float64)
        vb = b.value if isinstance(b, Node) else np.asarray(b, dtype=np.float64)
        value = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
                 "matmul": np.matmul}[op](va, vb)
        return self.step([op, _operand(a), _operand(b)], value)

    def finish(self, output: Node, grad=None, repeat: int = 1, record: str = "all",
               default_recursion_limit: bool = False) -> dict:
        """``grad=None``: ``backward()`` without an argument (one-element outputs only,
        or to test the ValueError); ``repeat=2``: build the graph again and call backward
        a second time (gradients accumulate)."""
        return {"steps": list(self.steps), "output": output.index, "grad": grad, "repeat": repeat,
                "record": record, "default_recursion_limit": default_recursion_limit}


def random_array(shape, seed, scale=1.0, positive=False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if positive:
        return rng.uniform(0.5, 2.0, size=shape) * scale
    return rng.standard_normal(size=shape) * scale


def _operand(x):
    if isinstance(x, Node):
        return ["n", x.index]
    if isinstance(x, np.ndarray):
        return ["a", np.asarray(x, dtype=np.float64)]
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return ["c", x]
    raise TypeError(f"unsupported operand {type(x).__name__} in a test program")


# ----------------------------------------------------------------------------- reading programs
def _short(x) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        return repr(x) if isinstance(x, (int, float)) else repr(float(a))
    if a.size <= 6:
        return "np.array(" + np.array2string(a, separator=", ", precision=4).replace("\n", "") + ")"
    return f"<array of shape {a.shape}>"


def _fmt_operand(spec) -> str:
    kind, v = spec
    if kind == "n":
        return f"n{v}"
    return _short(v) if kind == "a" else repr(v)


def describe_step(steps, i) -> str:
    s = steps[i]
    op = s[0]
    if op == "leaf":
        value, rg = s[1], s[2]
        if isinstance(value, np.ndarray):
            shown = _short(value) if value.dtype == np.float64 else f"{_short(value)[:-1]}, dtype={value.dtype})"
        else:
            shown = repr(value)
        return f"n{i} = Tensor({shown}" + (")" if rg is None else f", requires_grad={rg})")
    if op in BINARY:
        return f"n{i} = {_fmt_operand(s[1])} {BINARY[op]} {_fmt_operand(s[2])}"
    x = f"n{s[1]}"
    if op == "neg":
        return f"n{i} = -{x}"
    if op == "pow":
        return f"n{i} = {x} ** {s[2]!r}"
    if op in ("sum", "mean"):
        args = "" if s[2] is None and not s[3] else f"axis={s[2]!r}, keepdims={s[3]!r}"
        return f"n{i} = {x}.{op}({args})"
    if op == "reshape":
        return f"n{i} = {x}.reshape({', '.join(map(str, s[2]))})"
    if op == "T":
        return f"n{i} = {x}.T"
    return f"n{i} = {x}.{op}()"


def render(program, upto=None, limit: int = 24) -> str:
    """The program as Python lines (long programs are abbreviated)."""
    steps = program["steps"]
    n = len(steps) if upto is None else upto + 1
    idx = list(range(n))
    lines = []
    if n > limit:
        head, tail = idx[:limit // 2], idx[-(limit // 2):]
        lines = [describe_step(steps, i) for i in head]
        lines.append(f"... ({n - len(head) - len(tail)} more steps of the same kind) ...")
        lines += [describe_step(steps, i) for i in tail]
    else:
        lines = [describe_step(steps, i) for i in idx]
    if upto is None:
        grad = program.get("grad")
        call = "backward()" if grad is None else f"backward({_short(grad)})"
        lines.append(f"n{program['output']}.{call}")
        if program.get("repeat", 1) > 1:
            lines.append(f"# then all non-leaf steps again on the same leaves, and n{program['output']}."
                         f"{call} a second time (gradients accumulate)")
    return "\n".join("    " + line for line in lines)


# ----------------------------------------------------------------------------- the reference
def _t(x):
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


def _torch_operand(nodes, spec):
    kind, v = spec
    if kind == "n":
        return nodes[v]
    return _t(v) if kind == "a" else v


def _reduce(x, op, axis, keepdims):
    fn = torch.sum if op == "sum" else torch.mean
    if axis is None:
        dims = tuple(range(x.dim()))
        return fn(x, dim=dims, keepdim=True) if keepdims and dims else fn(x)
    return fn(x, dim=axis, keepdim=keepdims)


def _torch_step(nodes, s):
    op = s[0]
    if op == "leaf":
        return _t(s[1]).clone().requires_grad_(bool(s[2]))
    if op in BINARY:
        a, b = _torch_operand(nodes, s[1]), _torch_operand(nodes, s[2])
        return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                "div": lambda: a / b, "matmul": lambda: a @ b}[op]()
    x = nodes[s[1]]
    if op == "neg":
        return -x
    if op == "pow":
        return x ** s[2]
    if op in ("sum", "mean"):
        return _reduce(x, op, s[2], s[3])
    if op == "reshape":
        return x.reshape(s[2])
    if op in ("T", "transpose"):
        return x.t()
    return getattr(torch, op)(x)


def replay_torch(program) -> dict:
    """Values, requires_grad of every node and each leaf's gradient, computed by PyTorch."""
    steps = program["steps"]
    nodes = []
    for s in steps:
        nodes.append(_torch_step(nodes, s))
    out = nodes[program["output"]]
    grad = program.get("grad")
    error = None
    for r in range(program.get("repeat", 1)):
        if r:
            fresh = []
            for i, s in enumerate(steps):
                fresh.append(nodes[i] if s[0] == "leaf" else _torch_step(fresh, s))
            out = fresh[program["output"]]
        if grad is None and out.numel() != 1:
            error = "ValueError"
            break
        g = torch.ones_like(out) if grad is None else _t(grad).expand(out.shape)
        if out.requires_grad:
            out.backward(g)
    leaves = [i for i, s in enumerate(steps) if s[0] == "leaf"]
    return {"values": [n.detach() for n in nodes], "requires_grad": [bool(n.requires_grad) for n in nodes],
            "grads": [None if nodes[i].grad is None else nodes[i].grad.detach() for i in leaves],
            "leaves": leaves, "error": error}


# ----------------------------------------------------------------------------- comparing
class ProgramFailure(StudentError):
    """A program replayed with the student's Tensor disagrees with PyTorch."""


def _fail(problem: str, program, hint: str | None, upto=None, extra: str = "", kind: str = "values") -> None:
    text = (f"Tensor: {problem}\n\nThe program (what the grader ran with your Tensor class):\n"
            f"{render(program, upto)}")
    if extra:
        text += "\n\n" + extra.rstrip()
    if hint:
        text += "\n" + tr("Hint:", ko="힌트:") + f" {hint}"
    raise ProgramFailure(text, kind)


# Each check's own hint: the test's hint is about the values it exercises.
def dtype_hint() -> str:
    return tr("store .data (and every .grad) as float64 arrays: np.array(data, dtype=np.float64) converts "
              "lists, numbers and arrays of any dtype.",
              ko=".data(와 모든 .grad)를 float64 배열로 저장하세요. np.array(data, dtype=np.float64)는 리스트, "
                 "숫자, 어떤 dtype의 배열이든 변환합니다.")


def requires_grad_hint() -> str:
    return tr("a result requires grad when any operand does; only leaves created with requires_grad=True "
              "get a .grad, the others keep None.",
              ko="피연산자 중 하나라도 기울기가 필요하면 결과도 기울기가 필요합니다. requires_grad=True로 만든 "
                 "리프만 .grad를 받고, 나머지는 None을 유지합니다.")


_REFLECTED = {"add": "__radd__", "sub": "__rsub__", "mul": "__rmul__", "div": "__rtruediv__",
              "matmul": "__rmatmul__"}


def value_hint(steps, i, hint: str) -> str:
    """A hint for a wrong forward value at step ``i``: reflected operators get their own."""
    s = steps[i]
    if s[0] in BINARY and s[1][0] != "n" and s[2][0] == "n":
        expr, method, op = describe_step(steps, i).split(' = ', 1)[1], f"n{s[2][1]}.{_REFLECTED[s[0]]}", BINARY[s[0]]
        return tr(f"`{expr}` calls {method}(other) with the number or array as the LEFT operand: compute "
                  f"other {op} self, not self {op} other.",
                  ko=f"`{expr}`는 숫자나 배열을 왼쪽 피연산자로 두고 {method}(other)를 호출합니다: "
                     f"self {op} other가 아니라 other {op} self를 계산하세요.")
    return tr(f"the forward value of this step is wrong; check how your Tensor computes `{s[0]}`. ({hint})",
              ko=f"이 단계의 forward 값이 틀렸습니다. Tensor가 `{s[0]}`를 어떻게 계산하는지 확인하세요. ({hint})")


def _tol(expected: torch.Tensor) -> tuple[float, float]:
    """Float64 results that may sum or factor differently from PyTorch's: a relative
    1e-6, and an absolute margin that grows with the size of the values."""
    scale = float(expected.abs().max()) if expected.numel() else 0.0
    return 1e-6, 1e-9 * max(1.0, scale)


def _check_array(got, expected: torch.Tensor, label: str, program, hint, upto=None) -> None:
    if isinstance(got, dict):
        _fail(f"{label} is a {got.get('bad_type')}; it must be a float64 NumPy array (np.ndarray).",
              program, dtype_hint(), upto, kind="type")
    if not isinstance(got, np.ndarray):
        _fail(f"{label} is {type(got).__name__}; it must be a float64 NumPy array.", program, dtype_hint(), upto,
              kind="type")
    if got.dtype != np.float64:
        _fail(f"{label} has dtype {got.dtype}; it must be float64 (np.array(..., dtype=np.float64)).",
              program, dtype_hint(), upto, kind="dtype")
    if tuple(got.shape) != tuple(expected.shape):
        _fail(f"{label} has shape {tuple(got.shape)}; expected {tuple(expected.shape)}.", program, hint, upto,
              kind="shape")
    rtol, atol = _tol(expected)
    try:
        assert_close(got, expected, what=label, dtype=np.float64, rtol=rtol, atol=atol)
    except StudentError as e:
        _fail(str(e), program, hint, upto)


def check_program(student, program, *, hint: str, what: str = "", timeout: float | None = None) -> dict:
    """Replay ``program`` with the student's Tensor (probe) and with PyTorch; compare."""
    ref = replay_torch(program)
    got = student.probe("run_program", program, timeout=timeout)
    steps = program["steps"]
    err = got.get("error")
    prefix = f"{what}: " if what else ""
    if ref["error"] == "ValueError":
        if err is None:
            _fail(f"{prefix}backward() without `grad` on a tensor with more than one element returned "
                  "normally; it must raise ValueError.", program, hint, kind="raises")
        if "ValueError" not in err.get("mro", []):
            _fail(f"{prefix}backward() without `grad` on a tensor with more than one element raised "
                  f"{err.get('type')} ({err.get('message')}); it must raise ValueError.", program, hint,
                  extra=err.get("traceback", ""), kind="raises")
        return got
    if err is not None:
        where = err.get("where")
        if err.get("type") == "not_a_tensor":
            _fail(f"{prefix}step {describe_step(steps, where).strip()}: {err['message']}.", program, hint, where)
        at = {"backward": f"in n{program['output']}.backward()", "build": "while building the graph",
              "setup": "before the first step"}.get(where, f"at step `{describe_step(steps, where) if isinstance(where, int) else where}`")
        stub = ("\n(It is still a stub: replace `raise NotImplementedError()` with your code.)"
                if err.get("type") == "NotImplementedError" else "")
        _fail(f"{prefix}your code raised {err.get('type')} {at}: {err.get('message')}{stub}", program, hint,
              where if isinstance(where, int) else None, extra=err.get("traceback", ""), kind="raised")
    record = program.get("record", "all")
    node_ids = (range(len(steps)) if record == "all" else ref["leaves"] if record == "leaves"
                else [program["output"]])
    for i, rep in zip(node_ids, got["nodes"]):
        label = f"{prefix}node n{i}"
        if not rep.get("is_tensor"):
            _fail(f"{label} is a {rep.get('type')}, not a Tensor.", program, hint, i)
        exp = ref["values"][i]
        if "shape_error" in rep:
            _fail(f"{label}.shape raised {rep['shape_error']}.", program, hint, i)
        if tuple(rep["shape"]) != tuple(exp.shape):
            _fail(f"{label}.shape is {tuple(rep['shape'])}; expected {tuple(exp.shape)}.", program, hint, i)
        _check_array(rep["data"], exp, f"{label}.data", program, value_hint(steps, i, hint), i)
        if ref["requires_grad"][i] and not rep.get("requires_grad"):
            _fail(f"{label}.requires_grad is False, but an operand of this step requires grad "
                  "(a result requires grad when any operand does).", program, requires_grad_hint(), i,
                  kind="requires_grad")
    for leaf, exp_g, got_g in zip(ref["leaves"], ref["grads"], got["grads"]):
        label = f"{prefix}n{leaf}.grad"
        if steps[leaf][2] and exp_g is None:   # not reached by this backward pass
            if got_g is not None and not (isinstance(got_g, np.ndarray) and not got_g.any()):
                _fail(f"{label} should stay None (or zeros): no path leads from the output to this leaf.",
                      program, hint, kind="gradient")
        elif steps[leaf][2]:
            if got_g is None:
                _fail(f"{label} is None after backward(); the gradient should have reached this leaf.",
                      program, hint, kind="gradient")
            _check_array(got_g, exp_g, label, program, hint)
        elif got_g is not None:
            _fail(f"{label} should stay None: the leaf was created without requires_grad=True.",
                  program, requires_grad_hint(), kind="requires_grad")
    return got
