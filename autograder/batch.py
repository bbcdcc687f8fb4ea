"""``autograder batch``: grade a whole class, resumably, in parallel or on a Ray cluster.

The coordinator (this module) finds the submissions, hashes them, asks the gradebook which
are already graded under the current suite, hands the rest to an executor, and stores each
result the moment it arrives. It never imports torch or student code.

Inputs: a folder of ``<student>.ipynb|.py|.zip``, or nbgrader's ``submitted/<student>/<id>/``
layout (the folder ``submitted`` itself, or the course folder holding it), whose
``timestamp.txt`` gives the submission time for late penalties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from autograder import i18n, sanitize
from autograder.config import AssignmentConfig, ConfigError, assignment_paths
from autograder.cache_key import suite_hash
from autograder.csv_export import write_csv
from autograder.errors import is_storage_full, storage_full
from autograder.executors import Executor, GradeSpec, Job, LocalExecutor, Outcome, RayExecutor, suite_timeout
from autograder.feedback import render_markdown
from autograder.gradebook import Entry, Gradebook
from autograder.i18n import N_, t as _
from autograder.report import status_label
from autograder.results import result_from_dict
from autograder.submission import SubmissionError, load_submission

SUFFIXES = (".ipynb", ".py", ".zip")
# Below this much free space a folder the batch writes to counts as full before we start:
# a grade row is tens of KB, a feedback folder less, and SQLite needs room for its WAL.
MIN_FREE_BYTES = 1 << 20


@dataclass(frozen=True)
class Found:
    student: str
    path: Path
    submitted_at: dt.datetime | None = None


def parse_timestamp(text: str) -> dt.datetime:
    """nbgrader's timestamp.txt: ISO 8601, or ``2026-12-12 10:30:00.123456 UTC``; naive = UTC."""
    s = text.strip()
    for suffix in (" UTC", "UTC", "Z"):
        if s.endswith(suffix):
            s = s[: -len(suffix)].strip() + "+00:00"
            break
    when = dt.datetime.fromisoformat(s)
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def discover(root: Path, assignment_id: str) -> list[Found]:
    """The submissions under ``root``, one per student, sorted by student."""
    root = Path(root).resolve()  # grader processes and Ray nodes get absolute paths
    if not root.is_dir():
        raise ConfigError(_("{root} is not a folder: pass the folder holding the class's submissions "
                            "(<student>.ipynb files, or nbgrader's submitted/<student>/<id>/)").format(root=root))
    if (root / "submitted").is_dir() and not any(p.suffix in SUFFIXES for p in root.iterdir()):
        root = root / "submitted"  # an nbgrader course folder
    found: dict[str, Found] = {}
    problems = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir() and (entry / assignment_id).is_dir():  # nbgrader: <student>/<id>/
            folder = entry / assignment_id
            stamp = folder / "timestamp.txt"
            when = None
            if stamp.is_file():
                try:
                    when = parse_timestamp(stamp.read_text(encoding="utf-8", errors="replace"))
                except ValueError:
                    problems.append(_("{file}: not a timestamp nbgrader writes (e.g. 2026-12-12 10:30:00 UTC); "
                                      "fix or delete it").format(file=stamp))
                    continue
            student = sanitize.clean_name(entry.name)
            if student in found:
                problems.append(_("{student} has more than one submission; keep one per student").format(
                    student=student))
                continue
            found[student] = Found(student, folder, when)
        elif entry.is_file() and entry.suffix in SUFFIXES:
            # A file name is the student's text: shown, stored and exported as a clean name.
            student = sanitize.clean_name(entry.stem)
            if student in found:
                problems.append(_("{student} has more than one submission ({first}, {second}); keep one per "
                                  "student").format(student=student, first=sanitize.clean_name(found[student].path.name),
                                                    second=sanitize.clean_name(entry.name)))
                continue
            found[student] = Found(student, entry)
    if problems:
        raise ConfigError(_("cannot start the batch:") + "\n  " + "\n  ".join(problems))
    if not found:
        raise ConfigError(_("no submissions in {root}: expected <student>.ipynb / .py / .zip files, or "
                            "nbgrader's submitted/<student>/{id}/ folders").format(root=root, id=assignment_id))
    return list(found.values())


def submission_hash(path: Path, assignment_id: str) -> str:
    """The loader's content hash; for a submission it cannot read, a hash of its raw bytes
    (it is still graded, as ungradable, and cached like any other)."""
    try:
        return load_submission(path, assignment_id).sha256
    except SubmissionError:
        digest = hashlib.sha256(b"torch-autograder unreadable v1\0")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            digest.update(f.name.encode("utf-8", "surrogateescape") + b"\0" + f.read_bytes())
        return digest.hexdigest()


@dataclass
class BatchSummary:
    title: str = ""  # the assignment's title (assignment.toml), for the summary table
    total: int = 0
    cached: int = 0
    graded: int = 0
    faults: dict[str, str] = field(default_factory=dict)  # student -> why the grader failed
    seconds: float = 0.0
    workers: dict[str, int] = field(default_factory=dict)  # where submissions were graded
    entries: list[Entry] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # student -> why their stored row was unreadable
    export_faults: dict[str, str] = field(default_factory=dict)  # student -> why their feedback was not written


@dataclass
class BatchOptions:
    submissions: Path
    assignment: str
    course: Path
    jobs: int = 1
    backend: str = "local"
    backend_options: dict = field(default_factory=dict)
    executor: str = "local"
    address: str | None = None
    gpus: float = 0
    gradebook: Path = Path("grades.db")
    csv: Path | None = None
    feedback_dir: Path | None = None
    report: Path | None = None
    student: str | None = None
    device: str = "auto"
    show_hidden: bool = False  # the report shows failed hidden tests' messages and tracebacks (staff)
    submission_timeout_s: float | None = None  # None: from the suite's budgets (executors.suite_timeout)
    warmup: bool = True  # each grading process grades the reference first (executors.GradeSpec.warmup)


def run_batch(opts: BatchOptions, console: Console | None = None) -> BatchSummary:
    console = console or Console()
    started = time.perf_counter()
    paths = assignment_paths(opts.assignment, opts.course)
    if paths.hidden_tests is None:
        raise ConfigError(_("{id}: batch grading needs the instructor's solutions/{id}/ "
                            "(hidden tests); pass --course with the course folder").format(id=opts.assignment))
    cfg = AssignmentConfig.load(paths.config)
    suite = suite_hash(paths)
    found = discover(opts.submissions, opts.assignment)
    if opts.student is not None:
        found = [f for f in found if f.student == opts.student]
        if not found:
            raise ConfigError(_("no submission of {student} in {folder}; check the name "
                                "(the file name without .ipynb, or the nbgrader folder name)").format(
                student=repr(opts.student), folder=opts.submissions))
    summary = BatchSummary(title=cfg.title, total=len(found))
    check_space(opts)
    todo: list[Job] = []
    keys: dict[str, str] = {}
    with Gradebook(opts.gradebook) as gb:
        try:
            for f in found:
                sha = submission_hash(f.path, opts.assignment)
                keys[f.student] = sha
                gb.set_current(cfg.id, f.student, sanitize.clean_name(str(f.path), 1000), sha, suite, f.submitted_at)
                if opts.student is not None:
                    gb.forget(cfg.id, f.student)  # --student: regrade even when nothing changed
                if gb.has(cfg.id, f.student, sha, suite):
                    summary.cached += 1
                else:
                    todo.append(Job(f.student, f.path))
        except sqlite3.OperationalError as e:
            if is_storage_full(e):
                raise storage_full(opts.gradebook.parent, f"gradebook {opts.gradebook.name}", str(e)) from None
            raise
        for student, why in gb.unreadable.items():
            summary.unreadable[student] = why
            console.print(Text.assemble((_("warning:"), "yellow"), " " + _(
                "the gradebook's row for {student} is unreadable ({why}): regrading {student}; every other row "
                "is kept").format(student=student, why=why)), highlight=False)
        if todo:
            _grade(opts, cfg, suite, todo, keys, gb, summary, console)
        gb.unreadable.clear()
        summary.entries = gb.entries(cfg)
        for student, why in gb.unreadable.items():  # still unreadable (its regrade failed): not exported
            console.print(Text.assemble((_("warning:"), "yellow"), " " + _(
                "{student} is left out of the exports: their gradebook row is unreadable ({why}); run the batch "
                "again to regrade them").format(student=student, why=why)), highlight=False)
    summary.export_faults = _export(opts, cfg, summary.entries, console)
    summary.seconds = time.perf_counter() - started
    return summary


def check_space(opts: BatchOptions) -> None:
    """Refuse to start on a full output or temp folder: say which, before grading anything.

    Python's tempfile quietly falls back to /tmp when TMPDIR is full; an operator who set
    TMPDIR means that folder, so it is checked as given."""
    folders = [(opts.gradebook.parent, _("the gradebook's folder (--gradebook)"))]
    for path, what in ((opts.csv, "--csv"), (opts.report, "--report")):
        if path is not None:
            folders.append((Path(path).parent, _("the {option} folder").format(option=what)))
    if opts.feedback_dir is not None:
        folders.append((Path(opts.feedback_dir), _("the {option} folder").format(option="--feedback-dir")))
    tmp = os.environ.get("TMPDIR") or tempfile.gettempdir()
    folders.append((Path(tmp), _("the grader's temp folder (TMPDIR)")))
    for folder, what in folders:
        probe = folder
        while not probe.exists() and probe != probe.parent:  # created later: its disk is what counts
            probe = probe.parent
        try:
            free = shutil.disk_usage(probe).free
        except OSError:
            continue
        if free < MIN_FREE_BYTES:
            raise storage_full(folder, what, _("{kib} KiB free").format(kib=free // 1024))


def _grade(opts: BatchOptions, cfg: AssignmentConfig, suite: str, todo: list[Job], keys: dict[str, str],
           gb: Gradebook, summary: BatchSummary, console: Console) -> None:
    # The command's language travels to the grader processes and Ray tasks: a fault they
    # write is stored and shown later in the language of this run.
    spec = GradeSpec(assignment=cfg.id, course=str(opts.course), device=opts.device, backend=opts.backend,
                     backend_options=opts.backend_options, lang=i18n.current(), warmup=opts.warmup)
    # One stuck submission is stopped and marked not graded; the batch goes on.
    bound = suite_timeout(cfg, opts.submission_timeout_s)
    executor: Executor
    if opts.executor == "ray":
        executor = RayExecutor(spec, suite, address=opts.address, gpus=opts.gpus, submission_timeout_s=bound)
    elif opts.executor == "local":
        log = opts.gradebook.with_name(opts.gradebook.name + ".workers.log")
        executor = LocalExecutor(spec, jobs=min(opts.jobs, len(todo)), log=log, submission_timeout_s=bound)
    else:
        raise ConfigError(_("unknown executor {name}: use local or ray").format(name=repr(opts.executor)))
    fatal: list[str] = []
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[note]}"), TimeElapsedColumn(), TextColumn(escape(_("ETA"))), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        note = _("{n} cached").format(n=summary.cached) if summary.cached else ""
        # The description goes through rich markup ([bold]{task.description}): escaped.
        task = progress.add_task(escape(_("grading {id} ({executor})").format(id=cfg.id, executor=opts.executor)),
                                 total=len(todo), note=escape(note))

        def on_outcome(o: Outcome) -> None:
            if o.result is not None:
                result = result_from_dict(o.result)
                try:
                    # One transaction: on a full disk SQLite rolls it back whole, no half row.
                    gb.record(cfg.id, o.job.student, keys[o.job.student], suite, result, o.seconds, o.worker)
                except sqlite3.OperationalError as e:
                    if not is_storage_full(e):
                        raise
                    raise storage_full(opts.gradebook.parent, _("gradebook {name}").format(name=opts.gradebook.name),
                                       str(e), _("{student} was graded but not stored (the next run grades "
                                                 "them again); {graded} grades of this run and {cached} earlier "
                                                 "ones are safe. ").format(student=o.job.student,
                                                                           graded=summary.graded,
                                                                           cached=summary.cached)) from None
                summary.graded += 1
                host = o.worker.rsplit("/", 1)[0]
                summary.workers[host] = summary.workers.get(host, 0) + 1
            else:
                # A fault can quote a container's log or a file name: shown, never obeyed.
                summary.faults[o.job.student] = sanitize.clean(o.fault or _("unknown grader fault"), max_chars=4000)
                if o.fatal:
                    fatal.append(o.fault or "")
                progress.console.print(Text.assemble((_("grader fault on {student}:").format(student=o.job.student),
                                                      "red"),
                                                     f" {summary.faults[o.job.student]}"),
                                       highlight=False)
            parts = [_("{n} cached").format(n=summary.cached)] if summary.cached else []
            parts += [_("{n} faults").format(n=len(summary.faults))] if summary.faults else []
            progress.update(task, advance=1, note=escape(", ".join(parts)))

        try:
            executor.start()
            executor.run(todo, on_outcome)
        finally:
            executor.close()
    for warning in sorted(set(executor.warnings)):
        console.print(Text.assemble((_("warning:"), "yellow"), f" {warning}"), highlight=False)
    if fatal:
        from autograder.grader import GraderFault

        raise GraderFault(fatal[0])


def _export(opts: BatchOptions, cfg: AssignmentConfig, entries: list[Entry], console: Console) -> dict[str, str]:
    """Write the exports; returns the students whose feedback could not be written, and why.

    One student's feedback that fails to write (a grader bug their text hits) is reported
    for that student and the others' files are written; a full disk stops the export."""
    steps = []
    faults: dict[str, str] = {}
    if opts.csv:
        steps.append((Path(opts.csv).parent, _("the CSV export (--csv)"),
                      lambda: write_csv_file(entries, cfg, Path(opts.csv))))
    if opts.feedback_dir:
        def feedback() -> None:
            for e in entries:
                try:
                    write_feedback(e, opts.feedback_dir)
                except OSError as err:
                    if is_storage_full(err):
                        raise
                    faults[e.student] = f"{type(err).__name__}: {err}"
                except Exception as err:  # noqa: BLE001 - this student's feedback only; the export goes on
                    faults[e.student] = _("internal error writing their feedback ({error})").format(
                        error=f"{type(err).__name__}: {err}")
            for student, why in faults.items():
                console.print(Text.assemble((_("feedback not written"), "red"), " " + _(
                    "for {student}: {why}; the other students' feedback was written").format(student=student, why=why)),
                    highlight=False)
        steps.append((Path(opts.feedback_dir), _("the feedback files (--feedback-dir)"), feedback))
    if opts.report:
        def report() -> None:
            from autograder.report import write_report

            write_report(entries, cfg, opts.report, show_hidden=opts.show_hidden)
        steps.append((Path(opts.report).parent, _("the class report (--report)"), report))
    for folder, what, step in steps:
        try:
            step()
        except OSError as e:
            if not is_storage_full(e):
                raise
            raise storage_full(folder, what, e.strerror or str(e)) from None
    return faults


def write_csv_file(entries: list[Entry], cfg: AssignmentConfig, path: Path) -> None:
    """``--csv``: the class CSV written to a temporary file and renamed, so a reader never sees
    half a file and a full disk leaves none behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8", errors="backslashreplace") as f:  # never raises on a name
            write_csv(entries, cfg, f)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def _safe_name(student: str) -> str:
    name = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in student).strip(".")
    return name or "_"


def write_feedback(e: Entry, root: Path) -> Path:
    """``root/<student>/feedback.md`` and ``results.json`` (score after the late penalty,
    which the entry's result carries, as it carries the title and the hidden tests' visibility)."""
    folder = root / _safe_name(e.student)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feedback.md").write_bytes(sanitize.utf8(render_markdown(e.result)))
    e.result.write_json(folder / "results.json")
    return folder


def print_summary(summary: BatchSummary, cfg_title: str, console: Console, opts: BatchOptions) -> None:
    entries = summary.entries
    # Rich reads a str title as markup: escaped, so a translation's brackets stay text.
    table = Table(title=escape(_("{title}: {n} students in the gradebook").format(title=cfg_title, n=len(entries))))
    for col, just in ((N_("student"), "left"), (N_("status"), "left"), (N_("raw"), "right"), (N_("late"), "right"),
                      (N_("final"), "right")):
        table.add_column(escape(_(col)), justify=just)
    shown = entries if len(entries) <= 40 else entries[:40]
    for e in shown:
        # The status is data (compared, exported): its word is translated only here, for the eye.
        s = e.score
        table.add_row(Text(e.student), Text(status_label(e.result.status)), f"{s.raw:g}",
                      _("{days}d").format(days=s.late_days) if s.late_days else "",
                      f"{s.final:g}/{s.max_score:g}")
    console.print(table)
    if len(entries) > len(shown):
        console.print(escape(_("... and {n} more (see the CSV or the report)").format(n=len(entries) - len(shown))))
    finals = [e.score.final for e in entries if e.result.status == "graded"]
    mean = _(", mean {mean}").format(mean=f"{sum(finals) / len(finals):.1f}") if finals else ""
    console.print(escape(_("{total} submissions: {graded} graded now, {cached} already in {gradebook} (cached){mean}; "
                         "{faults} grader faults; {seconds} s.").format(
        total=summary.total, graded=summary.graded, cached=summary.cached, gradebook=opts.gradebook, mean=mean,
        faults=len(summary.faults), seconds=f"{summary.seconds:.1f}")))
    for student, why in summary.faults.items():
        console.print(Text.assemble((_("not graded"), "red"), " " + _(
            "{student}: {why} (run the batch again to retry)").format(student=student, why=why)), highlight=False)
    for student, why in summary.unreadable.items():
        fixed = any(e.student == student for e in entries) and student not in summary.faults
        console.print(Text.assemble((_("unreadable gradebook row"), "yellow"), " " + _("{student}: {why}; {what}").format(
            student=student, why=why, what=_("regraded") if fixed else _("not regraded yet: run the batch again"))),
            highlight=False)
    for student, why in summary.export_faults.items():
        console.print(Text.assemble((_("feedback not written"), "red"), " " + _("for {student}: {why}").format(
            student=student, why=why)), highlight=False)
    for what, path in ((N_("CSV"), opts.csv), (N_("feedback"), opts.feedback_dir), (N_("report"), opts.report)):
        if path:
            console.print(escape(_("{what}: {path}").format(what=_(what), path=path)))
