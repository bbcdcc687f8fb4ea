# attack: import the grader's own modules (compare, harness, pytest) into the worker and neuter them, then return zeros
# expect: fails one_hot
import builtins
import importlib
import sys

import torch

_patched = []
for _name in ("autograder.compare", "autograder.harness", "autograder.grader", "autograder.results",
              "pytest", "_pytest.outcomes", "hypothesis"):
    try:
        _mod = importlib.import_module(_name)
    except Exception:  # noqa: BLE001 - not importable here is fine
        continue
    for _attr in ("assert_close", "check_vjp", "expect_raises", "fail", "skip", "xfail"):
        if hasattr(_mod, _attr):
            setattr(_mod, _attr, lambda *a, **k: None)
            _patched.append(f"{_name}.{_attr}")
    if hasattr(_mod, "TestResult"):
        _mod.TestResult.passed = property(lambda self: True)
print("patched in the worker:", _patched)

# Whatever gets imported from now on comes back patched too.
_real_import = builtins.__import__


def _import(name, *args, **kwargs):
    mod = _real_import(name, *args, **kwargs)
    if hasattr(mod, "assert_close"):
        mod.assert_close = lambda *a, **k: None
    return mod


builtins.__import__ = _import
sys.modules.setdefault("autograder_attack", sys.modules[__name__] if __name__ in sys.modules else None)


def one_hot(labels, num_classes):
    return torch.zeros(labels.shape[0], num_classes)
