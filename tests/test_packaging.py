"""A student's `pip install torch-autograder` keeps their torch; graders get the exact pin.

pip's own resolver decides, offline: a fresh environment that already holds another torch
(2.5.0, as on a laptop or in Colab), our wheel and its requirements' wheels in a folder,
`pip install --dry-run --report`. Without the grading constraints nothing replaces torch;
with them (as `make setup` installs) torch 2.13.0 would be installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder.backends.docker_image import build_engine_wheel, requirements, torch_version, wheel_cache

from conftest import ROOT


def test_the_package_asks_for_a_torch_range_and_the_grading_environment_pins_it():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch_req = [d for d in deps if d.startswith("torch")]
    assert torch_req and "==" not in torch_req[0], torch_req
    reqs = requirements(ROOT)
    assert torch_version(reqs) == "2.13.0"
    assert "torch==2.13.0" in reqs and not [r for r in reqs if r.startswith("torch>=")]
    assert "-c requirements-grading.txt" in (ROOT / "Makefile").read_text()


def _fake_torch(site: Path, version: str) -> None:
    """What pip sees of an installed torch: its dist-info (pip never imports it)."""
    info = site / f"torch-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("")


def _dry_run(venv: Path, links: list[Path], report: Path, *extra: str) -> dict[str, str]:
    args = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--dry-run",
            "--quiet", "--no-index", "--report", str(report), *[f"--find-links={d}" for d in links], *extra,
            "torch-autograder"]
    # Without PYTHONPATH: a checkout on it shows its egg-info to pip as an installed package.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, cwd=report.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(report.read_text())
    return {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"] for i in data["install"]}


@pytest.mark.slow
def test_pip_keeps_the_students_torch(tmp_path):
    engine = tmp_path / "engine"
    engine.mkdir()
    build_engine_wheel(engine, ROOT)
    wheels = wheel_cache(requirements(ROOT), log=lambda s: None)
    venv = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next(venv.glob("lib/python*/site-packages"))
    _fake_torch(site, "2.5.0")

    student = _dry_run(venv, [engine, wheels], tmp_path / "student.json")
    assert "torch-autograder" in student
    assert "torch" not in student, f"pip would replace the student's torch 2.5.0 with {student.get('torch')}"

    graders = _dry_run(venv, [engine, wheels], tmp_path / "grading.json",
                       "-c", str(ROOT / "requirements-grading.txt"))
    assert graders.get("torch", "").startswith("2.13.0"), graders
