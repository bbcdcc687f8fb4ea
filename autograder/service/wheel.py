"""The package wheel the service hands to students, so that the install works from the
course's own server (``pip install <server>/package/<wheel>``): no registry needed.

Built from this checkout with ``pip wheel --no-deps`` into ``<data>/wheels`` once (``make
wheel``, or ``make serve`` at its start), never while serving: the serving process only
finds the newest one there. The wheel asks for ``torch>=2.1``, so pip keeps the torch a
student has.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.backends.docker_image import build_engine_wheel
from autograder.service.messages import t as _

#: A wheel of this package, as pip names it (PEP 427).
WHEEL_NAME = re.compile(r"torch_autograder-[A-Za-z0-9_.+!]+-py3-none-any\.whl")


def folder(data: Path) -> Path:
    return Path(data) / "wheels"


def find(data: Path) -> Path | None:
    """The newest package wheel under ``<data>/wheels``, or None."""
    found = [p for p in folder(data).glob("*.whl") if WHEEL_NAME.fullmatch(p.name) and p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns, default=None)


def checkout() -> Path:
    """The source tree this package runs from (the folder with pyproject.toml)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise SystemExit(_("no pyproject.toml next to the autograder package: build the wheel from a checkout "
                           "of torch-autograder"))
    return root


def build(data: Path, source: Path | None = None) -> Path:
    """The wheel of ``source`` (this checkout) into ``<data>/wheels``, replacing an older one;
    built as the grading image's is (``docker_image.build_engine_wheel``: ``pip wheel --no-deps``,
    offline when setuptools is here)."""
    source = source or checkout()
    out = folder(data)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        built = build_engine_wheel(Path(tmp), source)
        if not WHEEL_NAME.fullmatch(built.name):
            raise SystemExit(_("pip wheel made no torch_autograder wheel in {folder}").format(folder=tmp))
        for old in out.glob("*.whl"):
            old.unlink()
        return Path(shutil.move(str(built), out / built.name))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder.service.wheel",
                                description=_("build the package wheel the service offers to students"))
    p.add_argument("--data", type=Path, required=True, help=_("the service's data folder (serve --data)"))
    args = p.parse_args(argv)
    print(build(args.data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
