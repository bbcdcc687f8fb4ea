"""Hidden tests for 02_autograd.

Conventions:
- Part A: hypothesis draws *expression programs as data* (tests/public/autograd_programs.py):
  leaves with seeded values, operations over numbered nodes. The course probe
  `run_program` replays a program with the student's Tensor in the worker and returns
  plain arrays; here the same program is replayed with float64 PyTorch and every node's
  value and every leaf gradient is compared. Programs stay inside the functions' domains
  (log of values > 0.2, division by values away from 0, exp of values < 4, relu never at
  an exact 0) because the generator computes each candidate's value before using it.
- Parts B and C: references in float64 from the same (possibly float32) inputs; inputs
  built on the CPU with seeded generators and moved to each device of `student.devices`
  (a CUDA case is an extra check inside a test, never extra points).
- The first docstring line is the only text a student sees for a failing hidden test:
  it names the behaviour, never an expected value.
"""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.authoring import (StudentError, assert_close, assert_loop_free, check_vjp, precondition,
                                  tolerances)
from autograder.authoring import strategies as ags

DTYPES = (torch.float32, torch.float64)
COUNT_SIZES = (1024, 4096)   # batch sizes at which the work of a call is counted (autograder.scaling)
SAFETY_S = 20.0              # one call on a moderate batch; loop-free code needs milliseconds
HYP = dict(derandomize=True, database=None, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                  HealthCheck.filter_too_much])


def _load(name, path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_PUBLIC = Path(__file__).resolve().parents[1] / "public"
ap = _load("autograd_programs_02", _PUBLIC / "autograd_programs.py")
pub = _load("public_tests_02", _PUBLIC / "test_public.py")
Program, check_program, random_array = ap.Program, ap.check_program, ap.random_array

TENSOR_HINT = ("compare your Tensor with PyTorch on the program above, one node at a time; "
               "the first node or gradient that differs is where to look.")


def _randn(*shape, seed, dtype=torch.float64, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)


# ============================================================================ program generator
ELEMENTWISE = ("add", "sub", "mul", "div")
UNARY = ("neg", "pow", "relu", "exp", "log", "tanh", "sigmoid", "log_safe")
SHAPE_OPS = ("sum", "mean", "reshape", "transpose", "T")
ALL_OPS = ELEMENTWISE + ("matmul",) + UNARY + SHAPE_OPS
MAX_ABS = 1e3
POWERS = (2, 3, -1, 0.5, 1.5, -0.5, 2.0)
NUMBERS = (2, -3, 0.5, 1.5, -2.0, 1, 4.0)


class Gen:
    """Builds a program step by step, keeping every value finite, moderate and inside the
    domain of the operation that consumes it. Hypothesis draws the description (seed,
    number of steps, leaf shapes); the choices inside come from a generator seeded by it,
    so every operation is drawn about equally often and a failure reproduces exactly."""

    def __init__(self, seed, reuse: float, broadcast: float, constants: float):
        self.rng = np.random.default_rng(seed)
        self.P = Program()
        self.nodes = []            # Nodes usable as operands (constants are not nodes)
        self.used = set()          # indices consumed by a later step
        self.reuse, self.broadcast, self.constants = reuse, broadcast, constants

    # -- random choices
    def chance(self, p):
        return self.rng.random() < p

    def integer(self, lo, hi):
        return int(self.rng.integers(lo, hi + 1))

    def choice(self, seq):
        return seq[self.integer(0, len(seq) - 1)]

    def seed(self):
        return self.integer(0, 2**31 - 1)

    # -- building blocks
    def leaf(self, shape, requires_grad=True):
        node = self.P.randn(*shape, seed=self.seed(), positive=self.chance(0.3),
                            scale=self.choice((0.5, 1.0, 2.0)), requires_grad=requires_grad)
        self.nodes.append(node)
        return node

    def new_leaf_rg(self):
        return self.choice((True, True, True, False, None))

    def pick(self):
        """An operand node: usually a recent one, sometimes any earlier one (reuse)."""
        n = len(self.nodes)
        if self.chance(self.reuse):
            return self.nodes[self.integer(0, n - 1)]
        return self.nodes[n - 1 - self.integer(0, min(2, n - 1))]

    def partner_shape(self, shape):
        """A shape that broadcasts with ``shape``: leading dims dropped or added, dims
        squashed to 1, or size-1 dims stretched."""
        if not self.chance(self.broadcast):
            return tuple(shape)
        dims = list(shape)[self.integer(0, len(shape)):]
        dims = [1 if d > 1 and self.chance(0.5) else (self.integer(2, 3) if d == 1 and self.chance(0.4) else d)
                for d in dims]
        if len(dims) == len(shape) and len(dims) < 3 and self.chance(0.4):
            dims.insert(0, self.integer(1, 3))     # a new leading dim: beyond the operand's own
        return tuple(dims)

    def take(self, node, *operands):
        """Keep the step just recorded if its value is finite and moderate; else drop it."""
        v = node.value
        if not np.all(np.isfinite(v)) or (v.size and np.abs(v).max() > MAX_ABS):
            self.P.steps.pop()
            self.P.values.pop()
            return None
        self.used.update(x.index for x in operands if isinstance(x, ap.Node))
        self.nodes.append(node)
        return node

    @staticmethod
    def safe_divisor(v):
        return v.size > 0 and np.abs(v).min() > 0.2

    # -- one step
    def step(self, op):
        x = self.pick()
        v = x.value
        if op in ELEMENTWISE:
            kind = self.choice(("node", "leaf", "number", "array"))
            if kind == "number" or (kind == "array" and not self.chance(self.constants + 0.3)):
                y = self.choice(NUMBERS)
            elif kind == "array":
                y = random_array(self.partner_shape(x.shape), self.seed(), positive=self.chance(0.5))
            elif kind == "node":
                shape = self.partner_shape(x.shape)
                same = [n for n in self.nodes if n.shape == shape and n is not x]
                y = self.choice(same) if same and self.chance(0.8) else x
            else:
                y = self.leaf(self.partner_shape(x.shape), self.new_leaf_rg())
            a, b = (y, x) if self.chance(0.5) else (x, y)
            vb = b.value if isinstance(b, ap.Node) else np.asarray(b, dtype=np.float64)
            if op == "div" and not self.safe_divisor(vb):
                if not self.safe_divisor(v):
                    return None
                a, b = (y, x)
            return self.take(self.P.binary(op, a, b), a, b)
        if op == "matmul":
            if v.ndim != 2:
                x = self.take(x.reshape(*self.choice(((1, v.size), (v.size, 1)))), x)
                if x is None:
                    return None
            m, k = x.shape
            left = self.chance(0.5)
            need = (k, self.integer(1, 4)) if left else (self.integer(1, 4), m)
            kind = self.choice(("node", "leaf", "array"))
            same = [n for n in self.nodes if n.shape == need]
            if kind == "node" and same:
                y = self.choice(same)
            elif kind == "array":
                y = random_array(need, self.seed())
            else:
                y = self.leaf(need, self.new_leaf_rg())
            return self.take(self.P.binary("matmul", x, y) if left else self.P.binary("matmul", y, x), x, y)
        if op == "neg":
            return self.take(-x, x)
        if op == "pow":
            p = self.choice(POWERS)
            if not float(p).is_integer() and not (v.size and v.min() > 0.2):
                p = 2
            if p < 0 and not self.safe_divisor(v):
                p = 3
            return self.take(x ** p, x)
        if op == "relu":
            if (v == 0).any():
                return None   # the derivative at exactly 0 is a convention, not graded
            return self.take(x.relu(), x)
        if op == "exp":
            if v.size and v.max() > 4:
                return None
            return self.take(x.exp(), x)
        if op == "log" and v.size and v.min() > 0.2:
            return self.take(x.log(), x)
        if op in ("log", "log_safe"):   # make the value positive first, so log appears often
            sq = self.take(x * x + 0.5, x)
            return None if sq is None else self.take(sq.log(), sq)
        if op in ("tanh", "sigmoid"):
            return self.take(getattr(x, op)(), x)
        if op in ("sum", "mean"):
            nd = v.ndim
            axis = None if nd == 0 or self.chance(0.25) else self.integer(-nd, nd - 1)
            return self.take(getattr(x, op)(axis=axis, keepdims=self.chance(0.5)), x)
        if op == "reshape":
            n = v.size
            options = [(n,), (1, n), (n, 1)] + [(a, n // a) for a in range(2, n) if n % a == 0]
            options += [(1, a, n // a) for a in range(1, n + 1) if n % a == 0]
            return self.take(x.reshape(*self.choice(options)), x)
        if op in ("transpose", "T"):
            if v.ndim != 2:
                x = self.take(x.reshape(*((1, v.size) if self.chance(0.5) else (v.size, 1))), x)
                if x is None:
                    return None
            return self.take(x.T if op == "T" else x.transpose(), x)
        raise AssertionError(op)

    def finish(self, repeat=1):
        """Combine every unused node into the output, so every leaf reaches it."""
        sinks = [n for n in self.nodes if n.index not in self.used]
        out = sinks[-1]
        for s in sinks[:-1]:
            out = out + (s.sum() if self.chance(0.5) else s.mean())
        grad_kind = self.choice(("default", "number", "array"))
        if grad_kind == "default" and out.value.size == 1:
            grad = None
        elif grad_kind == "number" and out.value.size == 1:
            grad = self.choice((2.0, -1.5, 3))
        else:
            grad = random_array(out.shape, self.seed())
        return self.P.finish(out, grad=grad, repeat=repeat)


@st.composite
def programs(draw, ops=ALL_OPS, min_ops=3, max_ops=12, reuse=0.3, broadcast=0.5, constants=0.3, repeat=1):
    g = Gen(draw(ags.seeds()), reuse, broadcast, constants)
    g.leaf(draw(ags.shapes(min_dims=0, max_dims=3, max_side=4)), True)
    for _ in range(draw(st.integers(0, 2))):
        g.leaf(draw(ags.shapes(min_dims=0, max_dims=3, max_side=4)), g.new_leaf_rg())
    for _ in range(draw(st.integers(min_ops, max_ops))):
        g.step(g.choice(ops))
    return g.finish(repeat)


# ============================================================================ Part A: Tensor
@pytest.mark.exercise("Tensor")
@settings(max_examples=40, **HYP)
@given(program=programs())
def test_tensor_random_programs(student, program):
    """Random programs mixing every operation give PyTorch's values and leaf gradients."""
    check_program(student, program, hint=TENSOR_HINT)


@pytest.mark.exercise("Tensor")
@settings(max_examples=30, **HYP)
@given(program=programs(ops=ELEMENTWISE + ("sum", "mean", "matmul"), broadcast=0.9, constants=0.6))
def test_tensor_random_broadcasting(student, program):
    """Broadcasting between tensors, Python numbers and NumPy arrays, on either side, gives correct gradients."""
    check_program(student, program, hint="sum each operand's gradient back to its own shape.")


@pytest.mark.exercise("Tensor")
@settings(max_examples=30, **HYP)
@given(program=programs(min_ops=6, max_ops=16, reuse=0.8, broadcast=0.2))
def test_tensor_random_reuse(student, program):
    """Programs that reuse nodes many times (diamonds) give correct gradients."""
    check_program(student, program, hint="sum the contributions of every use of a node before propagating it.")


@pytest.mark.exercise("Tensor")
def test_tensor_construction_and_dtypes(student):
    """Tensor accepts lists, numbers and arrays of any numeric dtype, and stores and returns float64 arrays."""
    values = [np.arange(6, dtype=np.int64).reshape(2, 3), np.array([1.5, -2.0], dtype=np.float32),
              [[1, 2], [3, 4]], 7, -2.5, np.array(3.0), [0.5], np.ones((1, 1, 2), dtype=np.int32)]
    for k, value in enumerate(values):
        P = Program()
        x = P.leaf(value, requires_grad=True)
        c = P.leaf(value, requires_grad=True)   # None grads are the backward rules' to judge
        out = (x * x + c * 2) * 1.5
        grad = random_array(np.shape(value), 50 + k)
        check_program(student, P.finish(out, grad=grad), what=f"Tensor({value!r:.40})",
                      hint="np.array(data, dtype=np.float64) converts all of these.")
    # 0-d leaves: .grad is a 0-d float64 array (or a NumPy float64 scalar)
    P = Program()
    s, v = P.leaf(2.0), P.randn(3, seed=51)
    check_program(student, P.finish((v * s).sum() + s ** 2), what="a 0-d leaf", hint="keep .grad 0-d for 0-d data.")


@pytest.mark.exercise("Tensor")
def test_tensor_backward_rules(student):
    """backward's default gradient, its ValueError, explicit gradients, requires_grad propagation and None grads."""
    # Only +, * and a sum: a wrong derivative of another operation cannot fail these rules.
    for k, shape in enumerate(((), (1,), (1, 1, 1), (1, 1))):
        P = Program()
        x = P.randn(*shape, seed=60 + k)
        check_program(student, P.finish(x * 3.0 + 1.0), what=f"backward() on shape {shape}",
                      hint="a one-element tensor gets an implicit gradient of 1.")
    for k, shape in enumerate(((2,), (1, 2), (3, 1), (2, 2, 1))):
        P = Program()
        x = P.randn(*shape, seed=70 + k)
        check_program(student, P.finish(x * 2.0 + 1.0), what=f"backward() on shape {shape}",
                      hint="raise ValueError when grad is missing for more than one element.")
    # grad as a nested list, as an int array, as a Python number for one element
    P = Program()
    x = P.randn(2, 2, seed=80)
    check_program(student, P.finish(x * 2.0, grad=[[1.0, 2.0], [3.0, 4.0]]), what="backward(list)",
                  hint="convert grad with np.asarray(grad, dtype=np.float64).")
    P = Program()
    x = P.randn(2, 2, seed=81)
    check_program(student, P.finish(x * 3.0, grad=np.array([[1, 0], [2, -1]])), what="backward(int array)",
                  hint="convert grad with np.asarray(grad, dtype=np.float64).")
    P = Program()
    x = P.randn(1, seed=82)
    check_program(student, P.finish(x * 2.0, grad=3), what="backward(3) on a one-element result",
                  hint="a number is a valid grad for a one-element tensor.")
    # backward called on a leaf itself
    P = Program()
    x = P.randn(2, 3, seed=83)
    check_program(student, P.finish(x, grad=random_array((2, 3), 84)), what="backward on a leaf",
                  hint="a leaf that is the output gets grad as its .grad.")
    # requires_grad propagates from either operand; constants and no-grad leaves keep None
    P = Program()
    a, b = P.randn(2, 3, seed=85, requires_grad=False), P.randn(2, 3, seed=86)
    n = P.randn(3, seed=87, requires_grad=None)
    c = a * 2.0 + n          # requires no grad
    d = c * b                # requires grad through b only
    e = (c * 3.0 + d).sum(axis=0, keepdims=True) @ np.ones((3, 1))   # [1, 3] @ [3, 1]: `@` is 2-D only
    check_program(student, P.finish(e, grad=random_array((1, 1), 88)), what="requires_grad propagation",
                  hint="a result requires grad when any operand does; leaves without requires_grad keep None.")


@pytest.mark.exercise("Tensor")
@settings(max_examples=12, **HYP)
@given(program=programs(min_ops=2, max_ops=8, repeat=2))
def test_tensor_accumulation(student, program):
    """A second backward over a rebuilt graph adds to the leaves' gradients."""
    with precondition("test_tensor_random_programs"):   # one pass: the operations' values
        check_program(student, {**program, "repeat": 1}, hint=TENSOR_HINT)
    check_program(student, program, hint="accumulate: node.grad = node.grad + g, never overwrite.")


def _probe_deep(student, program, what):
    # One call per graph, capped: revisiting nodes makes a diamond chain take exponential time.
    return check_program(student, program, what=what, hint=TENSOR_HINT, timeout=8)


def _deep_chain(n):
    P = Program()
    x = P.randn(2, 3, seed=90)
    y = x
    for i in range(n):
        y = [lambda t: t * 0.999, lambda t: t + 0.01, lambda t: t.tanh(), lambda t: (t * 0.5).sigmoid() * 2.0 - 1.0,
             lambda t: -t][i % 5](y)
    return P.finish(y, grad=random_array((2, 3), 91), record="last", default_recursion_limit=True)


def _diamond_chain(n):
    P = Program()
    x = P.randn(3, seed=92)
    y = x
    for _ in range(n):                    # every level uses y twice: a chain of diamonds
        y = y * 0.5 + y.tanh() * 0.5
    return P.finish(y.sum(), record="last", default_recursion_limit=True)


def _long_sum(n):
    P = Program()
    s = P.randn(2, seed=93)
    for i in range(n):                    # a long sum of many leaves: a wide and deep graph
        s = s + P.randn(2, seed=1000 + i, requires_grad=(i % 3 != 0))
    return P.finish(s.mean(), record="leaves", default_recursion_limit=True)


@pytest.mark.exercise("Tensor")
def test_tensor_deep_graphs(student):
    """Deep chains, deep chains of diamonds and long sums work with the default recursion limit."""
    # The same graphs, shallow: their values are the operations' and the diamonds', not depth's.
    with precondition("test_tensor_random_programs"):
        for build, n in ((_deep_chain, 10), (_diamond_chain, 3), (_long_sum, 6)):
            check_program(student, build(n), hint=TENSOR_HINT)
    _probe_deep(student, _deep_chain(10_000), "a chain of 10,000 mixed operations")
    _probe_deep(student, _diamond_chain(1200), "a chain of 1,200 diamonds")
    _probe_deep(student, _long_sum(1500), "a sum of 1,501 leaves")


# ============================================================================ Part B: Functions
def _vjp(student, name, args, ref, *, wrt=(0,), what, seed=0, rtol=None, atol=None):
    check_vjp(student, f"{name}.apply", args, ref, wrt=wrt, what=what, seed=seed, rtol=rtol, atol=atol)


def _extra_tols(dtype, scale):
    """Dtype tolerances for values that are O(scale) (a float32 computed with different
    rounding than the float64 reference)."""
    rtol, atol = tolerances(dtype)
    return rtol * 10, atol * 10 * max(1.0, scale)


@pytest.mark.exercise("SigmoidFn")
@settings(max_examples=15, **HYP)
@given(shape=ags.shapes(min_dims=0, max_dims=3), dtype=st.sampled_from(DTYPES),
       scale=st.sampled_from((0.1, 1.0, 5.0)), seed=ags.seeds())
def test_sigmoid_fn_random(student, shape, dtype, scale, seed):
    """SigmoidFn matches torch.sigmoid and its gradient on random shapes, dtypes and devices."""
    for device in student.devices:
        x = ags.tensor(shape, seed=seed, dtype=dtype, scale=scale, device=device)
        _vjp(student, "SigmoidFn", (x,), torch.sigmoid, what=f"SigmoidFn({list(shape)}, {dtype}, {device})",
             seed=seed % 1000)


@pytest.mark.exercise("SigmoidFn")
def test_sigmoid_fn_extreme_inputs(student):
    """SigmoidFn stays finite and accurate for inputs of magnitude up to 1e4, without autograd in backward."""
    for device in student.devices:
        for dtype in DTYPES:
            with precondition("test_sigmoid_fn_basic"):    # moderate inputs: the values stability builds on
                _vjp(student, "SigmoidFn", (torch.linspace(-4, 4, 8, dtype=dtype, device=device).reshape(2, 4),),
                     torch.sigmoid, what=f"SigmoidFn(moderate, {dtype}, {device})")
            x = torch.tensor([[-1e4, -100.0, -30.0, 0.0], [30.0, 100.0, 1e4, 15.0]], dtype=dtype, device=device)
            _vjp(student, "SigmoidFn", (x,), torch.sigmoid, what=f"SigmoidFn(extreme, {dtype}, {device})",
                 atol=1e-3, rtol=tolerances(dtype)[0])
            pub.no_autograd_in_backward(student, "SigmoidFn", (x,), torch.ones_like(x), "by hand")


def _linear(x, W, b=None):
    return F.linear(x, W, b)


@pytest.mark.exercise("LinearFn")
def test_linear_fn_bias_variants(student):
    """LinearFn works with b omitted, b=None and b a tensor, returning None for a missing bias."""
    for device in student.devices:
        x, W, b = (_randn(5, 4, seed=100).to(device), _randn(3, 4, seed=101).to(device),
                   _randn(3, seed=102).to(device))
        _vjp(student, "LinearFn", (x, W), _linear, wrt=(0, 1), what="LinearFn(x, W)")
        _vjp(student, "LinearFn", (x, W, None), _linear, wrt=(0, 1), what="LinearFn(x, W, None)", seed=1)
        _vjp(student, "LinearFn", (x, W, b), _linear, wrt=(0, 1, 2), what="LinearFn(x, W, b)", seed=2)
        _vjp(student, "LinearFn", (x, W, b), _linear, wrt=(2,), what="LinearFn(x, W, b) w.r.t. b only", seed=3)
        _vjp(student, "LinearFn", (x, W, b), _linear, wrt=(0,), what="LinearFn(x, W, b) w.r.t. x only", seed=4)
        pub.no_autograd_in_backward(student, "LinearFn", (x, W), torch.ones(5, 3, dtype=x.dtype, device=device),
                                    "by hand")


@pytest.mark.exercise("LinearFn")
@settings(max_examples=15, **HYP)
@given(n=ags.batch_sizes(), d_in=st.integers(1, 6), d_out=st.integers(1, 6), bias=st.booleans(),
       dtype=st.sampled_from(DTYPES), seed=ags.seeds())
def test_linear_fn_random_shapes(student, n, d_in, d_out, bias, dtype, seed):
    """LinearFn is correct for random batch sizes (N=1 too) and feature sizes (1 too)."""
    for device in student.devices:
        x = ags.tensor((n, d_in), seed=seed, dtype=dtype, device=device)
        W = ags.tensor((d_out, d_in), seed=seed + 1, dtype=dtype, device=device)
        args = (x, W, ags.tensor((d_out,), seed=seed + 2, dtype=dtype, device=device)) if bias else (x, W)
        _vjp(student, "LinearFn", args, _linear, wrt=tuple(range(len(args))),
             what=f"LinearFn(x[{n}, {d_in}], W[{d_out}, {d_in}]{', b' if bias else ''}, {dtype})", seed=seed % 1000)


@pytest.mark.exercise("LinearFn")
def test_linear_fn_dtypes_devices(student):
    """LinearFn keeps dtype and device in float32 and float64, also for larger inputs."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(64, 32, seed=110, dtype=dtype).to(device)
            W = _randn(16, 32, seed=111, dtype=dtype).to(device)
            b = _randn(16, seed=112, dtype=dtype).to(device)
            out = student.call("LinearFn.apply", x, W, b)
            if not isinstance(out, torch.Tensor) or out.dtype != dtype or out.device.type != torch.device(device).type:
                raise StudentError(f"LinearFn returned {getattr(out, 'dtype', type(out).__name__)} on "
                                   f"{getattr(out, 'device', '?')} for {dtype} inputs on {device}",
                                   "device" if getattr(out, "dtype", None) == dtype else "dtype")
            rtol, atol = _extra_tols(dtype, 10.0)
            with precondition("test_linear_fn_basic"):   # the values (and the gradients' dtypes) on larger inputs
                _vjp(student, "LinearFn", (x, W, b), _linear, wrt=(0, 1, 2), rtol=rtol, atol=atol,
                     what=f"LinearFn(64x32 @ 32x16, {dtype}, {device})")


@pytest.mark.exercise("SoftmaxCrossEntropyFn")
def test_softmax_cross_entropy_fn_stability(student):
    """SoftmaxCrossEntropyFn stays finite and accurate for logits of magnitude up to 1e4."""
    for device in student.devices:
        for dtype in DTYPES:
            with precondition("test_softmax_cross_entropy_fn_basic"):   # moderate logits first
                _vjp(student, "SoftmaxCrossEntropyFn", (ags.tensor((6, 5), seed=119, dtype=dtype, device=device),
                                                        torch.tensor([0, 4, 1, 1, 3, 2], device=device)),
                     F.cross_entropy, what=f"SoftmaxCrossEntropyFn(moderate logits, {dtype}, {device})")
            for k in range(3):
                z = ags.tensor((6, 5), seed=120 + k, dtype=dtype, scale=1e4 if k else 3e3, device=device)
                t = torch.randint(0, 5, (6,), generator=torch.Generator().manual_seed(k)).to(device)
                _vjp(student, "SoftmaxCrossEntropyFn", (z, t), F.cross_entropy, atol=1e-3,
                     rtol=tolerances(dtype)[0], what=f"SoftmaxCrossEntropyFn(large logits, {dtype}, {device})", seed=k)
            z = torch.full((3, 4), 1e4, dtype=dtype, device=device)   # all equal: a uniform softmax
            _vjp(student, "SoftmaxCrossEntropyFn", (z, torch.tensor([0, 1, 3], device=device)), F.cross_entropy,
                 atol=1e-3, rtol=tolerances(dtype)[0], what="SoftmaxCrossEntropyFn(equal large logits)")
            z = -torch.full((2, 3), 1e4, dtype=dtype, device=device)
            _vjp(student, "SoftmaxCrossEntropyFn", (z, torch.tensor([2, 0], device=device)), F.cross_entropy,
                 atol=1e-3, rtol=tolerances(dtype)[0], what="SoftmaxCrossEntropyFn(very negative logits)")


@pytest.mark.exercise("SoftmaxCrossEntropyFn")
@settings(max_examples=15, **HYP)
@given(n=ags.batch_sizes(), c=st.integers(1, 7), dtype=st.sampled_from(DTYPES),
       scale=st.sampled_from((0.1, 1.0, 10.0)), seed=ags.seeds())
def test_softmax_cross_entropy_fn_random(student, n, c, dtype, scale, seed):
    """SoftmaxCrossEntropyFn equals F.cross_entropy for random batch sizes (N=1 too) and class counts."""
    for device in student.devices:
        z = ags.tensor((n, c), seed=seed, dtype=dtype, scale=scale, device=device)
        t = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(seed)).to(device)
        rtol, atol = _extra_tols(dtype, scale)
        _vjp(student, "SoftmaxCrossEntropyFn", (z, t), F.cross_entropy, rtol=rtol, atol=atol,
             what=f"SoftmaxCrossEntropyFn([{n}, {c}], {dtype}, {device})", seed=seed % 1000)


@pytest.mark.exercise("SoftmaxCrossEntropyFn")
def test_softmax_cross_entropy_fn_contract(student):
    """The loss is a 0-dim tensor of the logits' dtype and device, and its work does not grow with the batch (no loop over rows)."""
    for device in student.devices:
        for dtype in DTYPES:
            z = _randn(4, 3, seed=130, dtype=dtype).to(device)
            t = torch.tensor([2, 0, 1, 2], device=device)
            out = student.call("SoftmaxCrossEntropyFn.apply", z, t)
            if not isinstance(out, torch.Tensor) or out.dim() != 0:
                raise StudentError(f"SoftmaxCrossEntropyFn returned {type(out).__name__} of shape "
                                   f"{tuple(getattr(out, 'shape', ()))}; expected a 0-dim tensor", "shape")
            if out.dtype != dtype or out.device.type != torch.device(device).type:
                raise StudentError(f"SoftmaxCrossEntropyFn returned {out.dtype} on {out.device} for {dtype} logits "
                                   f"on {device}", "dtype" if out.dtype != dtype else "device")
            with precondition("test_softmax_cross_entropy_fn_basic"):
                check_vjp(student, "SoftmaxCrossEntropyFn.apply", (z, t), F.cross_entropy, what="SoftmaxCrossEntropyFn")
    # Counted, not timed: the Python lines and torch operations of the forward call at two
    # batch sizes (rows of the logits) must not grow with the batch.
    assert_loop_free(student, "SoftmaxCrossEntropyFn.apply",
                     lambda n: (_randn(n, 5, seed=133, dtype=torch.float32),
                                torch.randint(0, 5, (n,), generator=torch.Generator().manual_seed(134))),
                     sizes=COUNT_SIZES, unit="rows of logits")
    z = _randn(50_000, 5, seed=131, dtype=torch.float32)             # a safety net on a moderate batch
    t = torch.randint(0, 5, (50_000,), generator=torch.Generator().manual_seed(132))
    got = student.call("SoftmaxCrossEntropyFn.apply", z, t, timeout=SAFETY_S)
    with precondition("test_softmax_cross_entropy_fn_basic"):
        assert_close(got, F.cross_entropy(z.double(), t), dtype=torch.float32, rtol=1e-4, atol=1e-4,
                     what="SoftmaxCrossEntropyFn(50000 x 5 logits)")


def _layer_norm(x, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], eps=eps)


@pytest.mark.exercise("LayerNormFn")
def test_layer_norm_fn_eps(student):
    """LayerNormFn uses eps inside the square root, with eps omitted (1e-5) and passed."""
    for device in student.devices:
        for dtype in DTYPES:
            x = ags.tensor((4, 6), seed=140, dtype=dtype, scale=0.05, device=device)
            rtol, atol = _extra_tols(dtype, 20.0)
            # eps = 0: where eps goes cannot matter; wrong values here are the normalisation's.
            with precondition("test_layer_norm_fn_basic"):
                check_vjp(student, "LayerNormFn.apply", (x * 20.0, 0.0), _layer_norm, rtol=rtol, atol=atol,
                          what=f"LayerNormFn(x, eps=0.0, {dtype}, {device})")
            for eps in (None, 1e-5, 1e-3, 0.1, 2.0):
                args = (x,) if eps is None else (x, eps)
                rtol, atol = _extra_tols(dtype, 20.0)
                check_vjp(student, "LayerNormFn.apply", args, _layer_norm, rtol=rtol, atol=atol,
                          what=f"LayerNormFn(x, eps={eps}, {dtype}, {device})")


@pytest.mark.exercise("LayerNormFn")
@settings(max_examples=15, **HYP)
@given(shape=ags.shapes(min_dims=1, max_dims=3, max_side=6), dtype=st.sampled_from(DTYPES),
       scale=st.sampled_from((0.5, 1.0, 3.0)), seed=ags.seeds())
def test_layer_norm_fn_random_shapes(student, shape, dtype, scale, seed):
    """LayerNormFn matches F.layer_norm over the last dimension for random shapes (1-D, 3-D, D=1 too)."""
    for device in student.devices:
        x = ags.tensor(shape, seed=seed, dtype=dtype, scale=scale, device=device)
        rtol, atol = _extra_tols(dtype, 10.0)
        check_vjp(student, "LayerNormFn.apply", (x,), _layer_norm, rtol=rtol, atol=atol,
                  what=f"LayerNormFn({list(shape)}, {dtype}, {device})", seed=seed % 1000)


@pytest.mark.exercise("LayerNormFn")
def test_layer_norm_fn_scales_dtypes_devices(student):
    """LayerNormFn is accurate for small and large scales and offsets, and its work does not grow with the rows."""
    for device in student.devices:
        for dtype in DTYPES:
            for k, (scale, offset) in enumerate(((1e-2, 0.0), (100.0, 0.0), (1.0, 50.0), (10.0, -5.0))):
                x = (ags.tensor((5, 8), seed=150 + k, dtype=dtype, scale=scale) + offset).to(device)
                rtol, atol = _extra_tols(dtype, 50.0)
                check_vjp(student, "LayerNormFn.apply", (x, 1e-5), _layer_norm, rtol=rtol, atol=atol,
                          what=f"LayerNormFn(scale {scale}, offset {offset}, {dtype}, {device})")
    # Counted, not timed: lines and torch operations of the forward call at two row counts.
    assert_loop_free(student, "LayerNormFn.apply", lambda n: (_randn(n, 10, seed=156, dtype=torch.float32),),
                     sizes=COUNT_SIZES, unit="rows")
    x = _randn(20_000, 10, seed=155, dtype=torch.float32)             # a safety net on a moderate input
    got = student.call("LayerNormFn.apply", x, timeout=SAFETY_S)
    assert_close(got, _layer_norm(x.double()), dtype=torch.float32, rtol=1e-4, atol=1e-4,
                 what="LayerNormFn(20000 x 10)")


# ============================================================================ Part C: by hand
LOGREG_HINT = "one step of gradient descent on the mean binary cross-entropy"


@pytest.mark.exercise("logistic_regression_step")
@settings(max_examples=15, **HYP)
@given(n=ags.batch_sizes(), d=st.integers(1, 6), dtype=st.sampled_from(DTYPES),
       lr=st.sampled_from((0.01, 0.5, 2.0)), seed=ags.seeds())
def test_logistic_regression_step_random(student, n, d, dtype, lr, seed):
    """logistic_regression_step is correct for random sizes (N=1, D=1 too), learning rates, dtypes and devices."""
    gen = torch.Generator().manual_seed(seed)
    y = (torch.rand(n, generator=gen) < 0.5).to(dtype)
    for device in student.devices:
        X = ags.tensor((n, d), seed=seed, dtype=dtype, device=device)
        w = ags.tensor((d,), seed=seed + 1, dtype=dtype, device=device)
        b = ags.tensor((), seed=seed + 2, dtype=dtype, device=device)
        pub.check_logistic_step(student, w, b, X, y.to(device), lr, f"(N={n}, D={d}, {dtype}, {device})",
                                LOGREG_HINT)


@pytest.mark.exercise("logistic_regression_step")
def test_logistic_regression_step_contract(student):
    """Inputs stay unchanged, lr=0 keeps the parameters, no autograd is used, and a large batch is fast."""
    for device in student.devices:
        X, w = _randn(8, 3, seed=160).to(device), _randn(3, seed=161).to(device)
        y = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1], dtype=torch.float64, device=device)
        b = torch.tensor(-0.2, dtype=torch.float64, device=device)
        # A real step (lr > 0): an update made in place shows only when the parameters move.
        res = student.run("logistic_regression_step", w, b, X, y, 0.5)
        for i, (after, before) in enumerate(zip(res.args, (w, b, X, y))):
            if not (isinstance(after, torch.Tensor) and torch.equal(after.cpu(), before.cpu())):
                raise StudentError(f"logistic_regression_step modified argument {i}", "in_place")
        with precondition("test_logistic_regression_step_basic"):
            pub.check_logistic_step(student, w, b, X, y, 0.0, "(lr=0)", LOGREG_HINT)
        pub.no_autograd_in_call(student, "logistic_regression_step", (w, b, X, y, 0.1), "by hand")
    w, b = torch.tensor([0.5, -0.25]), torch.tensor(0.1)

    def batch(n, seed):
        X = _randn(n, 2, seed=seed, dtype=torch.float32)
        return X, (X[:, 0] > 0).float()
    # Counted, not timed: lines and torch operations at two batch sizes must not grow.
    assert_loop_free(student, "logistic_regression_step", lambda n: (w, b, *batch(n, 163), 0.1),
                     sizes=COUNT_SIZES, unit="samples")
    X, y = batch(100_000, 162)                                         # a safety net on a moderate batch
    w_new, b_new, loss = student.call("logistic_regression_step", w, b, X, y, 0.1, timeout=SAFETY_S)
    w_ref, b_ref, _ = pub._logreg_reference(w, b, X, y, 0.1)
    with precondition("test_logistic_regression_step_basic"):
        assert_close(w_new, w_ref, dtype=torch.float32, rtol=1e-4, atol=1e-4, what="w_new (large batch)")


@pytest.mark.exercise("mlp_backward")
@settings(max_examples=12, **HYP)
@given(n=ags.batch_sizes(), d=st.integers(1, 5), h=st.integers(1, 6), c=st.integers(1, 4),
       dtype=st.sampled_from(DTYPES), seed=ags.seeds())
def test_mlp_backward_random(student, n, d, h, c, dtype, seed):
    """mlp_backward matches autograd for random sizes (N=1 and single units too), dtypes and devices."""
    y = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(seed))
    for device in student.devices:
        args = (ags.tensor((n, d), seed=seed, dtype=dtype, device=device), y.to(device),
                ags.tensor((h, d), seed=seed + 1, dtype=dtype, device=device),
                ags.tensor((h,), seed=seed + 2, dtype=dtype, device=device),
                ags.tensor((c, h), seed=seed + 3, dtype=dtype, device=device),
                ags.tensor((c,), seed=seed + 4, dtype=dtype, device=device))
        pub.check_mlp(student, args, f"(N={n}, D={d}, H={h}, C={c}, {dtype}, {device})", "backprop by hand")


@pytest.mark.exercise("mlp_backward")
def test_mlp_backward_contract(student):
    """mlp_backward leaves its inputs unchanged, uses no autograd, and its work does not grow with the batch (no loop over samples)."""
    for device in student.devices:
        args = tuple(a.to(device) for a in (_randn(6, 3, seed=170), torch.tensor([1, 0, 2, 2, 1, 0]),
                                            _randn(4, 3, seed=171), _randn(4, seed=172), _randn(3, 4, seed=173),
                                            _randn(3, seed=174)))
        res = student.run("mlp_backward", *args)
        for i, (after, before) in enumerate(zip(res.args, args)):
            if not (isinstance(after, torch.Tensor) and torch.equal(after.cpu(), before.cpu())):
                raise StudentError(f"mlp_backward modified argument {i}", "in_place")
        pub.no_autograd_in_call(student, "mlp_backward", args, "by hand")
    params = (_randn(16, 8, seed=177, dtype=torch.float32), _randn(16, seed=178, dtype=torch.float32),
              _randn(4, 16, seed=179, dtype=torch.float32), _randn(4, seed=180, dtype=torch.float32))
    # Counted, not timed: lines and torch operations at two batch sizes N must not grow with N.
    assert_loop_free(student, "mlp_backward",
                     lambda n: (_randn(n, 8, seed=181, dtype=torch.float32),
                                torch.randint(0, 4, (n,), generator=torch.Generator().manual_seed(182)), *params),
                     sizes=COUNT_SIZES, unit="samples")
    X = _randn(20_000, 8, seed=175, dtype=torch.float32)              # a safety net on a moderate batch
    y = torch.randint(0, 4, (20_000,), generator=torch.Generator().manual_seed(176))
    got = student.call("mlp_backward", X, y, *params, timeout=SAFETY_S)
    loss_ref, grads = pub.mlp_reference(X, y, *params)
    with precondition("test_mlp_backward_basic"):
        for k in ("W2", "b2", "W1", "b1"):
            assert_close(got[k], grads[k], dtype=torch.float32, rtol=1e-3, atol=1e-4,
                         what=f"mlp_backward large batch: {k}")
