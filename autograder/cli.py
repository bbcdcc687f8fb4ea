"""Command line: grade, check, release, validate, demo, batch, bench, image, gradescope, and the
submission service (serve, roster, service backup: autograder/service/commands.py) and its
student's client (submit: autograder/submit_client.py, which imports nothing of the service).

Exit codes of ``grade``: 0 graded (whatever the score), 2 the submission cannot be graded
at all (a results.json with score 0 and the reason is still written), 1 a grader fault.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from autograder import __version__, i18n, sanitize
from autograder.i18n import t as _
from autograder.service.commands import register as register_service

if TYPE_CHECKING:
    from autograder.grader import GradeOptions
    from autograder.results import GradeResult

EXIT_GRADED, EXIT_FAULT, EXIT_UNGRADABLE = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse's own "usage: " (None: the default; subparsers pass "" for their prog)
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the command's language. argparse looks its own words ("usage:", "options",
    -h's help, "error:") up in gettext's process-global domain, which is not ours and would
    follow the locale rather than --lang; so this parser (and every subparser: argparse makes
    them of the same class) gives them from our catalog, read when the parser is built (under
    ``i18n.using``). argparse's error details ("invalid choice: ...") stay English."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self._error_format = _("{prog}: error: {message}")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=_("show this help message and exit"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, self._error_format.format(prog=self.prog, message=message) + "\n")


def _lang_arg(argv: list[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` from the command line, before it is parsed: the help
    texts are built in that language."""
    for i, a in enumerate(argv):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


#: The commands that read a course folder (``args.course``).
COURSE_COMMANDS = ("grade", "check", "release", "validate", "demo", "gradescope", "batch", "bench", "serve")


def _parser() -> argparse.ArgumentParser:
    """The command line, with its help in the current language (build it under ``i18n.using``)."""
    p = _Parser(prog="autograder", description=_("Grade PyTorch exercises in a sandbox."))
    p.add_argument("--version", action="version", version=f"torch-autograder {__version__}",
                   help=_("show program's version number and exit"))
    course_help = _("course folder holding solutions/ and assignments/ (default: found from the cwd)")
    p.add_argument("--course", type=Path, default=None, help=course_help)
    p.add_argument("--lang", default=None,
                   help=_("language of what it writes: en or ko (default: AUTOGRADER_LANG, then the locale)"))
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help=_("grade one submission with the public and hidden tests"))
    g.add_argument("submission", type=Path)
    g.add_argument("--assignment", help=_("assignment id (default: from the file name <id>.ipynb)"))
    g.add_argument("--results", type=Path, default=Path("results.json"))
    g.add_argument("--feedback", type=Path, default=Path("feedback.md"))
    g.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    g.add_argument("--show-hidden", action="store_true",
                   help=_("staff: print each failed hidden test's full message and traceback "
                        "(feedback.md and results.json stay as students see them)"))
    _backend_args(g)

    c = sub.add_parser("check", help=_("run the public tests on your notebook (for students)"))
    c.add_argument("submission", type=Path)
    c.add_argument("--assignment")
    c.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    _backend_args(c)

    u = sub.add_parser("submit", help=_("hand in a submission to the course's server and wait for feedback"))
    u.add_argument("file", type=Path)
    u.add_argument("--assignment", help=_("assignment id (default: from the file name <id>.ipynb)"))
    u.add_argument("--server", help=_("server URL (or AUTOGRADER_SERVER, or the config file)"))
    u.add_argument("--token", help=_("your token (or AUTOGRADER_TOKEN, or the config file)"))
    u.add_argument("--no-wait", action="store_true", help=_("print the submission id and return"))

    r = sub.add_parser("release", help=_("generate assignments/<id>/ (student version) from solutions/<id>/"))
    r.add_argument("ids", nargs="*")
    r.add_argument("--check", action="store_true", help=_("only report whether the committed release is current"))

    w = sub.add_parser("new", help=_("write solutions/<id>/: a new assignment's skeleton that releases and validates "
                                     "as generated, one example per exercise to replace"))
    w.add_argument("id", help=_("the assignment id, e.g. 04_modules (also the notebook's name)"))
    w.add_argument("--exercise", action="append", required=True, metavar="NAME",
                   help=_("an exercise: the function or class the student writes (repeat for each, in order)"))
    w.add_argument("--title", help=_("the assignment's title (default: its id)"))
    w.add_argument("--languages", default="en,ko",
                   help=_("the languages the hints are written in, comma-separated (default: en,ko)"))

    v = sub.add_parser("validate", help=_("solution = full marks, stub = 0, each mutant loses points in its exercise, "
                                             "each correct alternative keeps full marks"))
    v.add_argument("ids", nargs="*")
    v.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    v.add_argument("--jobs", type=int, default=2, help=_("variants graded at once: this process and JOBS - 1 grader processes"))

    d = sub.add_parser("demo", help=_("grade the bundled sample class and print the gradebook"))
    d.add_argument("--assignment", default="01_tensors")
    d.add_argument("--out", type=Path, default=Path("out/demo"))

    i = sub.add_parser("image", help=_("build or show the Docker grading image (docker/Dockerfile)"))
    i.add_argument("action", choices=["build", "show"])
    i.add_argument("--variant", choices=["cpu", "gpu"], default="cpu")
    i.add_argument("--base", help=_("base image (default: python:3.11-slim; GPU: a CUDA runtime image). "
                                  "Without a registry: the tag docker/build-base.sh prints"))
    i.add_argument("--torch-index-url", help=_("where pip gets torch (default: PyTorch's CPU or cu128 index)"))
    i.add_argument("--wheels", action="store_true",
                   help=_("put torch and every requirement into the build context with this host's pip "
                        "(its wheel store) and install from there only"))
    i.add_argument("--force", action="store_true", help=_("rebuild even if the content hash is unchanged"))

    gs = sub.add_parser("gradescope", help=_("export an assignment as a Gradescope autograder.zip"))
    gs.add_argument("id")
    gs.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"))
    gs.add_argument("--wheels", action="store_true",
                    help=_("bundle torch and the requirements as wheels (setup.sh then needs no index)"))

    b = sub.add_parser("batch", help=_("grade a class: resumable, parallel, cached in a SQLite gradebook"))
    b.add_argument("submissions", type=Path,
                   help=_("folder of <student>.ipynb|.py|.zip, or nbgrader's submitted/<student>/<id>/"))
    b.add_argument("--assignment", required=True, help=_("assignment id, e.g. 01_tensors"))
    b.add_argument("--jobs", type=int, default=1, help=_("grader processes in parallel (local executor)"))
    b.add_argument("--backend", default="local", help=_("where workers run: local or docker"))
    b.add_argument("--image", help=_("grading image (docker backend)"))
    b.add_argument("--executor", choices=["local", "ray"], default="local")
    b.add_argument("--address", help=_("Ray cluster address HOST:PORT (default: start Ray on this machine)"))
    b.add_argument("--gpus", type=float, default=0, help=_("GPUs per submission (Ray task resource; docker backend)"))
    b.add_argument("--gradebook", type=Path, default=Path("grades.db"))
    b.add_argument("--csv", type=Path, help=_("write a row per student here"))
    b.add_argument("--feedback-dir", type=Path, help=_("write <student>/feedback.md and results.json here"))
    b.add_argument("--report", type=Path, help=_("write the class report (HTML with plots) here"))
    b.add_argument("--show-hidden", action="store_true",
                   help=_("staff: the report lists each failed hidden test's full message and traceback per student"))
    b.add_argument("--student", help=_("regrade this student only (the exports still cover the class)"))
    b.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    b.add_argument("--submission-timeout", type=float, metavar="S",
                   help=_("seconds one submission may take before it is stopped and marked not graded "
                        "(default: twice the suite's time budgets plus 240 s)"))
    b.add_argument("--no-warmup", dest="warmup", action="store_false",
                   help=_("do not grade the reference solution when a grading process starts: it starts seconds "
                          "sooner, but a broken suite is not reported (for a course's CI, after `autograder validate`)"))

    sm = sub.add_parser("similarity", help=_("compare the code of a class's submissions: similar pairs and clusters, "
                                             "side by side in an HTML report (nothing leaves this machine)"))
    sm.add_argument("id", help=_("assignment id, e.g. 01_tensors"))
    sm.add_argument("submissions", type=Path, nargs="+",
                    help=_("folders of <student>.ipynb|.py|.zip, or nbgrader's submitted/<student>/<id>/ (as batch)"))
    sm.add_argument("--archive", type=Path, action="append", default=[], metavar="DIR",
                    help=_("an earlier term's submissions (same layout), compared with this class only; repeatable"))
    sm.add_argument("--report", type=Path, required=True, help=_("write the HTML report here"))
    sm.add_argument("--csv", type=Path, help=_("write a row per pair here"))
    sm.add_argument("--shown", type=int, default=50, metavar="N", help=_("pairs shown side by side (default 50)"))
    sm.add_argument("--progress", type=Path, metavar="FILE",
                    help=_("write the current step here as it changes (the service's progress)"))

    n = sub.add_parser("bench", help=_("throughput and overhead: pytest-per-submission vs local vs docker"))
    n.add_argument("-n", "--n", type=int, default=20, help=_("generated submissions per contender"))
    n.add_argument("--jobs", type=int, default=1)
    n.add_argument("--assignment", default="01_tensors")
    n.add_argument("--memory", type=int, default=0, metavar="N",
                   help=_("instead: grade N submissions with the local backend and report RSS over time"))
    n.add_argument("--image", help=_("grading image for the docker contender"))
    COMMANDS.update(register_service(sub))
    # `--course DIR` before the command or after it (`autograder serve --course DIR`, as
    # docs/SERVICE.md writes it): SUPPRESS keeps the one given before when none comes after.
    for name in COURSE_COMMANDS:
        sub.choices[name].add_argument("--course", type=Path, default=argparse.SUPPRESS, help=course_help)
    return p


def _backend_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=["local", "docker", "auto"], default="local",
                   help=_("where the student's code runs: local sandbox (default), a Docker container "
                        "per submission, or auto (docker when the engine and the image are there)"))
    p.add_argument("--image", help=_("docker backend: grading image (default: torch-autograder:cpu, "
                                   "or :gpu with --gpus, built from this engine by `make image`)"))
    p.add_argument("--gpus", help=_("docker backend: GPUs for the container: all, a count, or device=0,1"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    console = Console()
    try:
        with i18n.using(i18n.choose(_lang_arg(argv))):
            args = _parser().parse_args(argv)
        lang = i18n.choose(args.lang)  # what argparse read decides the rest (it takes `--lan ko` too)
    except ValueError as e:
        console.print(Text.assemble(("error:", "bold red"), " ", str(e)), highlight=False)
        return EXIT_FAULT
    try:
        with i18n.using(lang):
            return COMMANDS[args.command](args, console)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: a grader fault, said plainly
        from autograder.config import ConfigError
        from autograder.grader import GraderFault

        with i18n.using(lang):
            if isinstance(e, (ConfigError, GraderFault)):
                console.print(Text.assemble((_("error:"), "bold red"), " ", sanitize.clean(str(e))), highlight=False)
                return EXIT_FAULT
            console.print(Text.assemble((_("internal grader error"), "bold red"),
                                        " " + _("(please report it with this traceback):")), highlight=False)
            console.print(sanitize.clean(traceback.format_exc()), markup=False, highlight=False)
        return EXIT_FAULT


def _course(args) -> Path | None:
    from autograder.config import find_course_root

    return args.course.resolve() if args.course else find_course_root()


def _assignment_id(args) -> str | None:
    from autograder.submission import guess_assignment_id

    return args.assignment or guess_assignment_id(args.submission)


def cmd_grade(args, console: Console) -> int:
    from autograder.config import ConfigError, assignment_paths
    from autograder.feedback import print_staff_details, print_table, write_markdown
    from autograder.results import GradeResult

    aid = _assignment_id(args)
    course = _course(args)
    problem = None
    if aid is None:
        problem = _("cannot tell which assignment {file} is for: name the file <assignment id>.ipynb (for "
                    "example 01_tensors.ipynb) or pass --assignment").format(file=args.submission.name)
    else:
        try:
            assignment_paths(aid, course)
        except ConfigError as e:
            problem = str(e)
    if problem:
        shown = sanitize.clean_name(str(args.submission), 1000)
        result = GradeResult(assignment_id=aid or "", submission=shown, status="ungradable",
                             error=sanitize.clean(problem), lang=i18n.current())
        result.write_json(args.results)
        write_markdown(result, args.feedback)
        print_table(result, console)
        return EXIT_UNGRADABLE
    from autograder.grader import GradeOptions

    result = _grade_one(args, console, aid, GradeOptions(device=args.device, course=course, lang=i18n.current()))
    result.write_json(args.results)
    write_markdown(result, args.feedback)
    print_table(result, console, f"{result.display_title}: {result.submission}")
    if args.show_hidden:
        print_staff_details(result, console)
    _sandbox_warning(result, console)
    console.print(_("Wrote {results} and {feedback}.").format(results=args.results, feedback=args.feedback),
                  highlight=False)
    return EXIT_GRADED if result.status == "graded" else EXIT_UNGRADABLE


def _grade_one(args, console: Console, aid: str, options: GradeOptions) -> GradeResult:
    """Grade ``args.submission``: loaded first (milliseconds), so an upload that cannot be
    loaded is refused before any backend, zygote or worker starts; a loadable one starts the
    backend at once, so its zygote imports torch while this process imports the suites."""
    from autograder.grader import Grader, refuse
    from autograder.submission import SubmissionError, load_submission

    _check_backend_options(args)  # the command line's mistake first, whatever the upload
    try:
        submission = load_submission(Path(args.submission), aid)
    except SubmissionError as e:
        return refuse(Path(args.submission), aid, options, e)
    with Grader(backend=_make_backend(args, console)) as grader:
        grader.backend.start()
        return grader.grade(args.submission, aid, options, submission=submission)


def _check_backend_options(args) -> None:
    """Docker-only options with the local backend: a GraderFault that says what to add."""
    from autograder.grader import GraderFault

    if args.backend == "local" and (args.image or args.gpus):
        raise GraderFault(_("--image and --gpus are docker backend options: add --backend docker (or auto)"))


def _make_backend(args, console: Console):
    """The backend the options ask for; raises GraderFault with what to do when it cannot run."""
    from autograder.backends import BackendError, make_backend
    from autograder.grader import GraderFault

    _check_backend_options(args)
    options = {"image": args.image, "gpus": args.gpus} if args.backend != "local" else {}
    try:
        backend = make_backend(args.backend, **options)
    except BackendError as e:  # DockerUnavailable, ImageError, a bad --gpus
        raise GraderFault(str(e)) from None
    if backend.note:
        console.print(Text(backend.note, "cyan") if args.backend == "auto"
                      else Text.assemble((_("note:"), "yellow"), " ", backend.note))
    return backend


def _sandbox_warning(result, console: Console) -> None:
    if result.sandbox and not result.sandbox.get("uid_drop"):
        console.print(Text.assemble((_("note:"), "yellow"), " ", _(
            "your code ran as your own user (no root here): fine for local checks, but not a security "
            "boundary. Graders run as root or in Docker.")))


def cmd_check(args, console: Console) -> int:
    from autograder.config import ConfigError
    from autograder.feedback import failures_to_explain, print_table
    from autograder.grader import GradeOptions

    aid = _assignment_id(args)
    if aid is None:
        console.print(Text.assemble((_("Cannot tell the assignment of {file}:").format(
            file=sanitize.clean_name(args.submission.name)), "red"), " ", _("pass --assignment ID")), highlight=False)
        return EXIT_GRADED
    folder = args.submission.resolve().parent
    # A student's downloaded release folder (notebook + tests/ + assignment.toml) works alone.
    course = args.course.resolve() if args.course else (
        folder if (folder / "assignment.toml").exists() else _course(args))
    try:
        result = _grade_one(args, console, aid, GradeOptions(device=args.device, scope="public", course=course,
                                                             lang=i18n.current()))
    except ConfigError as e:
        console.print(Text(sanitize.clean(str(e)), "red"), highlight=False)
        return EXIT_GRADED
    print_table(result, console, _("{assignment} public tests: {file}").format(assignment=aid,
                                                                              file=result.submission))
    for t in failures_to_explain(result.tests):
        if t.not_started:
            continue  # the table said it once per exercise: a stub's traceback teaches nothing
        console.rule(Text.assemble((t.name, "red"), f" ({', '.join(t.exercises)})"))
        console.print(t.student_text(), markup=False, highlight=False)
    _sandbox_warning(result, console)
    if result.status == "graded":
        console.print(_("Public tests only: the hidden tests check more cases when your submission is graded."))
    return EXIT_GRADED


def cmd_submit(args, console: Console) -> int:
    from autograder.submit_client import submit

    return submit(args.file, args.assignment, args.server, args.token, not args.no_wait, console)


def cmd_release(args, console: Console) -> int:
    from autograder.release import release_all

    return release_all(_course(args), args.ids, console, check_only=args.check)


def cmd_new(args, console: Console) -> int:
    from autograder.config import ConfigError
    from autograder.scaffold import new_assignment, next_steps

    course = args.course.resolve() if args.course else (_course(args) or Path.cwd().resolve())
    languages = tuple(x.strip() for x in args.languages.split(",") if x.strip())
    if "en" not in languages or not set(languages) <= set(i18n.LANGUAGES):
        raise ConfigError(_("--languages must include en and only {languages}; got {got}").format(
            languages=", ".join(i18n.LANGUAGES), got=args.languages))
    made = new_assignment(course, args.id, args.exercise, args.title, languages)
    console.print(Text(_("wrote {folder} ({n} files)").format(folder=made.folder, n=len(made.files)), "green"),
                  highlight=False)
    console.print(_("Next:"), highlight=False)
    for i, step in enumerate(next_steps(course, made, args.id), 1):
        console.print(f"  {i}. {step}", markup=False, highlight=False)
    return 0


def cmd_validate(args, console: Console) -> int:
    from autograder.validate import validate_all

    return validate_all(_course(args), args.ids, console, device=args.device, jobs=args.jobs)


def cmd_demo(args, console: Console) -> int:
    from autograder.demo import run_demo

    return run_demo(_course(args), args.assignment, args.out, console)


def cmd_image(args, console: Console) -> int:
    from autograder.backends import BackendError
    from autograder.backends.docker import docker_client
    from autograder.backends.docker_image import ImageSpec, build_image, find_image, image_size_mb
    from autograder.grader import GraderFault

    try:
        client = docker_client()
        if args.action == "show":
            image, note = find_image(client, None, args.variant)
            engine = image.labels.get("org.torch-autograder.engine")
            console.print(_("{image}: {id}, {size} MiB, engine {engine}").format(
                image=image.tags[0] if image.tags else image.id, id=image.id[:19],
                size=f"{image_size_mb(client, image.id):.0f}", engine=engine))
            if note:
                console.print(Text.assemble((_("note:"), "yellow"), " ", note))
            return 0
        spec = ImageSpec(variant=args.variant, base=args.base, torch_index_url=args.torch_index_url,
                         wheels=args.wheels)
        tag = build_image(client, spec, log=lambda line: console.print(line, markup=False, highlight=False),
                          force=args.force)
    except BackendError as e:  # DockerUnavailable, ImageError
        raise GraderFault(str(e)) from None
    console.print(Text.assemble((tag, "green"), " ", _("(also tagged {tag}), {size} MiB").format(
        tag=f"torch-autograder:{args.variant}", size=f"{image_size_mb(client, tag):.0f}")))
    return 0


def cmd_gradescope(args, console: Console) -> int:
    from autograder.gradescope import export

    course = _course(args)
    if course is None:
        from autograder.config import ConfigError

        raise ConfigError(_("no course found: run from the folder holding solutions/, or pass --course"))
    info = export(course, args.id, args.output, wheels=args.wheels, log=console.print)
    console.print(_("Wrote {file} ({size} MiB, {files} files). Upload it as the assignment's autograder on "
                    "Gradescope (Ubuntu base image).").format(file=args.output, size=f"{info['bytes'] / 2**20:.1f}",
                                                              files=info["files"]))
    return 0


def cmd_batch(args, console: Console) -> int:
    from autograder.batch import BatchOptions, print_summary, run_batch
    from autograder.config import ConfigError

    course = _course(args)
    if course is None:
        raise ConfigError(_("no course found: run from the course folder or pass --course DIR"))
    backend_options = {}
    if args.backend == "docker":
        # Ray may ask for a fraction of a GPU per task; a container gets whole devices.
        gpus = int(-(-args.gpus // 1)) if args.gpus else None
        backend_options = {k: v for k, v in (("image", args.image), ("gpus", gpus)) if v is not None}
    opts = BatchOptions(submissions=args.submissions, assignment=args.assignment, course=course,
                        jobs=args.jobs, backend=args.backend, backend_options=backend_options,
                        executor=args.executor, address=args.address, gpus=args.gpus, gradebook=args.gradebook,
                        csv=args.csv, feedback_dir=args.feedback_dir, report=args.report,
                        student=args.student, device=args.device, show_hidden=args.show_hidden,
                        submission_timeout_s=args.submission_timeout, warmup=args.warmup)
    summary = run_batch(opts, console)
    print_summary(summary, summary.title, console, opts)
    return EXIT_FAULT if summary.faults or summary.export_faults else EXIT_GRADED


def cmd_similarity(args, console: Console) -> int:
    from autograder.config import ConfigError
    from autograder.similarity.command import run_command

    course = _course(args)
    if course is None:
        raise ConfigError(_("no course found: run from the course folder or pass --course DIR"))
    return run_command(course, args.id, args.submissions, args.archive, args.report, args.csv, args.shown, console,
                       args.progress)


def cmd_bench(args, console: Console) -> int:
    from autograder.bench import run_bench

    return run_bench(_course(args), args, console)


COMMANDS = {"grade": cmd_grade, "check": cmd_check, "submit": cmd_submit, "release": cmd_release,
            "new": cmd_new, "validate": cmd_validate, "demo": cmd_demo, "batch": cmd_batch, "bench": cmd_bench,
            "image": cmd_image, "gradescope": cmd_gradescope, "similarity": cmd_similarity}

if __name__ == "__main__":
    sys.exit(main())
