"""The bench's baseline only, never used for grading: a pytest plugin whose ``student``
fixture is the submission imported *in the test process*, as pytest-based Gradescope
autograders do (a fresh ``pytest`` per submission, torch imported each time).

It answers the same API as the harness (call, run, vjp, probe, has, devices) with the same
value semantics (arguments are copies, results are detached), so the course's unchanged
suites run on it and the bench can check both ways agree.

Environment: AG_STUDENT (the .py submission), AG_PROBES (probes.py, optional). The bench
reads pass/fail per test from pytest's JUnit XML.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import os
import sys

import pytest
import torch

from autograder.harness import CallResult, MissingName, NotDifferentiable, StudentException
from autograder.i18n import t as _  # the language of the bench run (AUTOGRADER_LANG, set by bench.py)


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _detach(value):
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (list, tuple)):
        return type(value)(_detach(v) for v in value)
    if isinstance(value, dict):
        return {k: _detach(v) for k, v in value.items()}
    return value


class InProcessStudent:
    def __init__(self, module, probes):
        self._module = module
        self._probes = probes

    @property
    def devices(self) -> list[str]:
        return ["cpu"]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return functools.partial(self.call, name)

    def has(self, name: str) -> bool:
        return callable(getattr(self._module, name, None))

    def _fn(self, name: str):
        fn = getattr(self._module, name, None)
        if not callable(fn):
            raise MissingName(_("{name} is not defined in your submission").format(name=name))
        return fn

    @staticmethod
    def _invoke(name, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - the student's exception, as the harness reports it
            raise StudentException(_("{name}() raised {error}: {message}").format(name=name, error=type(e).__name__,
                                                                                  message=e),
                                   [c.__name__ for c in type(e).__mro__], str(e)) from None

    def call(self, name: str, *args, timeout=None, **kwargs):
        return self.run(name, *args, **kwargs).value

    def run(self, name: str, *args, timeout=None, **kwargs) -> CallResult:
        args, kwargs = copy.deepcopy(list(args)), copy.deepcopy(dict(kwargs))  # the wire copies too
        value = self._invoke(name, self._fn(name), *args, **kwargs)
        return CallResult(_detach(value), args, kwargs, 0.0)

    def probe(self, ref: str, *args, timeout=None, **kwargs):
        fn = getattr(self._probes, ref)
        return _detach(self._invoke(ref, fn, self._module, *copy.deepcopy(args), **copy.deepcopy(kwargs)))

    def vjp(self, name: str, args, kwargs=None, *, wrt=(0,), cotangents, timeout=None):
        args = copy.deepcopy(list(args))
        for i in wrt:
            args[i] = args[i].detach().requires_grad_(True)
        with torch.enable_grad():
            result = self._invoke(name, self._fn(name), *args, **copy.deepcopy(kwargs or {}))
        outputs = list(result) if isinstance(result, (tuple, list)) else [result]
        cots = list(cotangents) if isinstance(cotangents, (tuple, list)) else [cotangents]
        pairs = [(o, c) for o, c in zip(outputs, cots)
                 if c is not None and isinstance(o, torch.Tensor) and o.requires_grad]
        if not pairs:
            raise NotDifferentiable(_("{name}(): the output is not connected to the autograd graph of its inputs")
                                    .format(name=name))
        grads = torch.autograd.grad([o for o, _ in pairs], [args[i] for i in wrt], [c for _, c in pairs],
                                    allow_unused=True)
        return _detach(result), tuple(grads)


@pytest.fixture(scope="session")
def student() -> InProcessStudent:
    probes = os.environ.get("AG_PROBES")
    return InProcessStudent(_load(os.environ["AG_STUDENT"], "submission"),
                            _load(probes, "probes") if probes else None)


def pytest_configure(config):
    config.addinivalue_line("markers", "exercise(*names): the exercises a test checks")
    from hypothesis import Phase, settings

    settings.register_profile("baseline", derandomize=True, database=None, deadline=None, max_examples=20,
                              print_blob=False, phases=(Phase.explicit, Phase.reuse, Phase.generate))
    settings.load_profile("baseline")
