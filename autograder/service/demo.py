"""``make serve``: a demo submission service for the bundled sample class.

A fresh database under ``out/serve`` each run (tokens are shown once), the sample class's
students and a staff member, the URL, the tokens and a one-line ``autograder submit`` to
try; then it serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

from rich.cells import cell_len

from autograder.service.messages import t as _
from autograder.config import find_course_root
from autograder.service import roster, wheel
from autograder.service.config import ServiceConfig
from autograder.service.db import Database
from autograder.service.serve import serve


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells (a Korean syllable takes two)."""
    return text + " " * max(0, width - cell_len(text))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder.service.demo")
    p.add_argument("--out", type=Path, default=Path("out/serve"))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--no-wheel", action="store_true", help=_("do not build the package wheel students install"))
    args = p.parse_args(argv)
    course = find_course_root()
    if course is None:
        raise SystemExit(_("run from the repository (the folder with solutions/)"))
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    files = {f.stem: f for f in sorted((course / "tests/sample_class/01_tensors").iterdir())}
    students = sorted(files)
    (args.out / "roster.csv").write_text("student_id,name\n" + "".join(f"{s},{s.title()}\n" for s in students))
    db = Database(args.out / "service.db")
    roster.import_roster(db, args.out / "roster.csv", args.out / "tokens.csv")
    staff = roster.add_staff(db, "staff")
    with (args.out / "tokens.csv").open(newline="") as f:
        tokens = {r["student_id"]: r["token"] for r in csv.DictReader(f)}
    url = f"http://127.0.0.1:{args.port}"
    print("\n" + _("The sample class's submission service: {url}  (database {db})").format(
        url=url, db=f"{args.out}/service.db") + "\n")
    student_label, staff_label = _("student"), _("staff")
    width = max(cell_len(student_label), cell_len(staff_label))
    for s, t in tokens.items():
        print(f"  {_pad(student_label, width)} {s:8} {t}")
    print(f"  {_pad(staff_label, width + 1)} {'staff':8} {staff}\n")
    who = "bob" if "bob" in tokens else next(iter(tokens))  # a file submitted with its owner's token
    print(_("Try (in another terminal):") + "\n"
          f"  .venv/bin/autograder submit {files[who].relative_to(course).as_posix()} --assignment 01_tensors "
          f"--server {url} --token {tokens[who]}\n"
          f"  curl -H 'Authorization: Bearer {staff}' {url}/api/v1/gradebook/01_tensors.csv\n", flush=True)
    config = ServiceConfig(course=course, db=(args.out / "service.db").resolve(), data=(args.out / "data").resolve(),
                           port=args.port, jobs=args.jobs)
    if not args.no_wheel:
        wheel.build(config.data)  # what students pip install from this server (/package/<wheel>)
    return serve(config)


if __name__ == "__main__":
    sys.exit(main())
