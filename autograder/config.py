"""Assignment configuration (``assignment.toml``) and where a course's files live.

One source of truth for points, limits and the due date of each assignment. Loading
validates it, so a typo in the file fails loudly before anyone is graded with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import sys
import tomllib

from autograder.i18n import t as _  # the command's (or grading's) language
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)


class ConfigError(Exception):
    """assignment.toml is missing or wrong; the message says where and how to fix it."""


@dataclass(frozen=True)
class TestSpec:
    name: str
    points: float
    timeout_s: float
    # The properties the test is named for (its `judges`, default values): a mistake that breaks
    # none of them may fail it only through a precondition, "not judged" (validate checks it
    # with each mutant's `# breaks:`).
    judges: tuple[str, ...] = ("values",)


@dataclass(frozen=True)
class AssignmentConfig:
    id: str
    title: str
    total_points: float
    exercises: tuple[str, ...]
    import_budget_s: float
    default_timeout_s: float
    memory_mb: int
    due: dt.datetime | None
    late_penalty_per_day: float
    tests: dict[str, TestSpec] = field(default_factory=dict)
    hidden_visibility: str = "after_published"
    path: Path | None = None
    cpus: int = 1  # CPU cores (and torch threads) of the worker; the docker backend's CPU quota
    pids: int = 256  # processes and threads of the worker's uid / the container's pids limit
    languages: tuple[str, ...] = ("en",)  # the languages the suite's hints are written in

    @classmethod
    def load(cls, path: Path) -> "AssignmentConfig":
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(_("{path} does not exist: every assignment needs an assignment.toml").format(
                path=path)) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(_("{path} is not valid TOML: {error}").format(path=path, error=e)) from None
        a = raw.get("assignment")
        if not isinstance(a, dict) or "id" not in a:
            raise ConfigError(_("{path}: add an [assignment] table with at least `id`").format(path=path))
        default_timeout = float(a.get("default_timeout_s", 20))
        tests = {}
        for name, spec in raw.get("tests", {}).items():
            if not isinstance(spec, dict) or "points" not in spec:
                raise ConfigError(_("{path}: [tests.{name}] needs `points`").format(path=path, name=name))
            judges = spec.get("judges", ["values"])
            if not isinstance(judges, list) or not judges or not all(isinstance(j, str) for j in judges):
                raise ConfigError(_("{path}: [tests.{name}] judges must be a list of property names, such as "
                                    "[\"values\"] or [\"loops\"]").format(path=path, name=name))
            tests[name] = TestSpec(name, float(spec["points"]), float(spec.get("timeout_s", default_timeout)),
                                   tuple(judges))
        due = a.get("due")
        if isinstance(due, str):
            due = dt.datetime.fromisoformat(due)
        if isinstance(due, dt.datetime) and due.tzinfo is None:
            due = due.replace(tzinfo=dt.timezone.utc)
        cfg = cls(
            id=str(a["id"]), title=str(a.get("title", a["id"])),
            total_points=float(a.get("total_points", 100)),
            exercises=tuple(a.get("exercises", ())),
            import_budget_s=float(a.get("import_budget_s", 30)),
            default_timeout_s=default_timeout, memory_mb=int(a.get("memory_mb", 4096)),
            due=due if isinstance(due, dt.datetime) else None,
            late_penalty_per_day=float(a.get("late_penalty_per_day", 0.0)),
            tests=tests, hidden_visibility=str(a.get("hidden_visibility", "after_published")),
            path=path, cpus=int(a.get("cpus", 1)), pids=int(a.get("pids", 256)),
            languages=tuple(str(x) for x in a.get("languages", ("en",))))
        from autograder import i18n

        unknown = [x for x in cfg.languages if x not in i18n.LANGUAGES]
        if unknown or "en" not in cfg.languages:
            raise ConfigError(_("{path}: languages must include \"en\" and only {languages}; got {got}").format(
                path=path, languages=", ".join(i18n.LANGUAGES), got=list(cfg.languages)))
        if cfg.hidden_visibility not in ("hidden", "after_due_date", "after_published", "visible"):
            raise ConfigError(_("{path}: hidden_visibility must be a Gradescope visibility value").format(path=path))
        return cfg

    def spec(self, test_name: str) -> TestSpec | None:
        """Points and budget for a test: its own entry, or its parametrized base's share."""
        if test_name in self.tests:
            return self.tests[test_name]
        return self.tests.get(test_name.split("[", 1)[0])

    def public_subset(self, public_tests: set[str]) -> str:
        """The TOML a student release carries: public tests only, no hidden names."""
        lines = ["# Generated by `autograder release` from solutions/; do not edit.", "[assignment]"]
        lines += [f"id = {_q(self.id)}", f"title = {_q(self.title)}",
                  f"total_points = {_num(self.total_points)}",
                  "exercises = [" + ", ".join(_q(e) for e in self.exercises) + "]",
                  f"import_budget_s = {_num(self.import_budget_s)}",
                  f"default_timeout_s = {_num(self.default_timeout_s)}", f"memory_mb = {self.memory_mb}"]
        if self.due:
            lines.append(f"due = {_q(self.due.isoformat())}")
        if self.languages != ("en",):
            lines.append("languages = [" + ", ".join(_q(x) for x in self.languages) + "]")
        for name in sorted(public_tests):
            t = self.tests[name]
            lines += ["", f"[tests.{name}]", f"points = {_num(t.points)}", f"timeout_s = {_num(t.timeout_s)}"]
        return "\n".join(lines) + "\n"


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class AssignmentPaths:
    """Where one assignment's files are. ``hidden`` is None for a student release."""

    id: str
    config: Path
    notebook: Path | None
    public_tests: Path
    hidden_tests: Path | None
    probes: Path | None
    mutants: Path | None
    secret_roots: tuple[Path, ...]  # hidden from the worker

    @property
    def test_dirs(self) -> list[Path]:
        return [d for d in (self.public_tests, self.hidden_tests) if d is not None and d.is_dir()]

    def probe_source(self) -> str:
        """``probes.py`` as the worker runs it: with the course's shared helpers (``HELPERS``,
        next to the public tests, so a release ships it) importable there as ``helpers``.
        The prelude is one line: a probe's traceback line numbers are one more than the file's."""
        probes = self.probes.read_text(encoding="utf-8") if self.probes else ""
        helpers = self.public_tests / HELPERS
        if not helpers.is_file():
            return probes
        source = helpers.read_text(encoding="utf-8")
        return (f"import sys as _s, types as _t; _h = _t.ModuleType('helpers'); _h.__file__ = '<helpers>'; "
                f"exec(compile({source!r}, '<helpers>', 'exec'), _h.__dict__); _s.modules['helpers'] = _h; "
                f"del _s, _t, _h\n" + probes)


HELPERS = "helpers.py"  # tests/public/helpers.py: the one module a course's tests and probes share


def course_helpers(test_file: str | Path) -> ModuleType:
    """The course's helpers module for a test file (``tests/public/helpers.py``, or
    ``tests/helpers.py`` in a release): loaded once per file under a name of its own, so
    two assignments graded in one process never share one."""
    here = Path(test_file).resolve().parent
    for path in (here / HELPERS, here.parent / "public" / HELPERS):
        if path.is_file():
            name = "_course_helpers_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
            if name not in sys.modules:
                spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
            return sys.modules[name]
    raise ConfigError(_("{file}: no {helpers} next to it or in ../public/: add tests/public/{helpers} (the module "
                        "tests and probes share)").format(file=test_file, helpers=HELPERS))


def find_course_root(start: Path | None = None) -> Path | None:
    """The nearest folder (from ``start`` upwards) holding ``solutions/`` or ``assignments/``."""
    env = os.environ.get("AUTOGRADER_COURSE")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "solutions").is_dir() or (d / "assignments").is_dir():
            return d
    return None


def assignment_paths(assignment_id: str, course: Path | None = None, *, release: bool = False) -> AssignmentPaths:
    """Locate an assignment: the instructor's solutions/<id>, or the student release."""
    course = course or find_course_root()
    if course is None:
        raise ConfigError(_("no course found: run from the course folder (the one with solutions/ or "
                            "assignments/), or pass --course DIR"))
    sol = course / "solutions" / assignment_id
    if not release and sol.is_dir():
        probes = sol / "probes.py"
        return AssignmentPaths(assignment_id, sol / "assignment.toml", sol / f"{assignment_id}.ipynb",
                               sol / "tests" / "public", sol / "tests" / "hidden",
                               probes if probes.exists() else None, sol / "mutants",
                               secret_roots=(course / "solutions",))
    rel = course / "assignments" / assignment_id
    if not rel.is_dir() and (course / "assignment.toml").exists() and (course / "tests").is_dir():
        rel = course  # a student's copy of one released assignment folder
    if rel.is_dir():
        probes = rel / "probes.py"
        return AssignmentPaths(assignment_id, rel / "assignment.toml", rel / f"{assignment_id}.ipynb",
                               rel / "tests", None, probes if probes.exists() else None, None, secret_roots=())
    # a set: an assignment is in solutions/ and in assignments/, and is named once
    known = sorted({p.name for base in ("solutions", "assignments") for p in (course / base).glob("*") if p.is_dir()})
    raise ConfigError(_("unknown assignment {assignment} in {course}; known: {known}. Pass --assignment with "
                        "one of them.").format(assignment=repr(assignment_id), course=course,
                                               known=", ".join(known) or "none"))
