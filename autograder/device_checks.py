""""Device kept", judged on a machine with no GPU (trusted side).

The contract says a tensor result lives on the inputs' device. Graded on a CPU, code that
forgets the device (``torch.zeros(n)`` next to ``x``) gives the right values and would pass;
on a GPU it fails. ``assert_device_kept`` asks the worker's ``on_meta`` probe
(``untrusted/devices.py``) to run the function on the ``meta`` device instead, and fails only
when the device was provably lost: a result off ``meta`` or a device-mismatch error. Code
``meta`` cannot run (it reads values) is not judged here; a GPU grading checks it for real.
"""

from __future__ import annotations

from autograder.harness import StudentError
from autograder.i18n import t as _

DECIDES_GRADES = True  # cache_key.py: it decides grades

PROBE = "on_meta"  # the probe's name in probes.py (from autograder.untrusted.devices import on_meta)


def assert_device_kept(student, name: str, args, kwargs=None, *, what: str | None = None,
                       hint: str | None = None) -> dict:
    """Fail (kind "device") when ``name(*args, **kwargs)`` leaves its inputs' device; returns the probe's report."""
    report = student.probe(PROBE, name, *args, **(kwargs or {}))
    if not isinstance(report, dict) or report.get("status") != "lost":
        return report if isinstance(report, dict) else {}
    where = ", ".join(map(str, report.get("devices") or [])) or str(report.get("error", ""))
    text = _("{what}: the result does not stay on the inputs' device (run on a device other than the CPU, it "
             "gave: {where}). On a GPU this fails.").format(what=what or name, where=where)
    text += "\n" + _("Hint:") + " " + (hint or _("create new tensors on the inputs' device (device=x.device, or "
                                                 "torch.zeros_like and the other *_like functions), and never "
                                                 "move a result to the CPU"))
    raise StudentError(text, "device")
