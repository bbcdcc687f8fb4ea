"""The service's commands for ``autograder``: serve, roster, service backup (the student's
``submit`` is the client's, cli.py and submit_client.py).

``register(sub)`` adds their parsers and returns ``{command: function}``; cli.py calls it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from autograder.service.messages import t as _


def register(sub) -> dict:
    s = sub.add_parser("serve", help=_("the submission service: HTTP API, durable queue, grading"))
    s.add_argument("--db", type=Path, required=True, help=_("service database (SQLite; created on first start)"))
    s.add_argument("--data", type=Path, help=_("uploads and scratch space (default: <db name>-data next to --db)"))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--jobs", type=int, default=1, help=_("submissions graded at once"))
    s.add_argument("--backend", choices=["local", "docker", "auto"], default="local")
    s.add_argument("--image", help=_("docker backend: grading image"))
    s.add_argument("--gpus", help=_("docker backend: GPUs per container (all, a count, device=0,1); "
                                  "Ray: GPUs per task"))
    s.add_argument("--executor", choices=["local", "ray"], default="local")
    s.add_argument("--address", help=_("Ray cluster address HOST:PORT (--executor ray)"))
    s.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    s.add_argument("--submission-timeout", type=float, metavar="S",
                   help=_("seconds one grading may take before it is stopped and the submission marked not graded "
                          "(default: twice the suite's time budgets plus 240 s)"))
    s.add_argument("--no-warmup", dest="warmup", action="store_false",
                   help=_("do not grade the reference solution when a grading process starts: it starts seconds "
                          "sooner, but a broken suite is not reported (for a course's CI, after `autograder validate`)"))

    r = sub.add_parser("roster", help=_("students, staff and their tokens in the service database"))
    rs = r.add_subparsers(dest="action", required=True)
    ri = rs.add_parser("import", help=_("add the students of a roster CSV (student_id[,name,email])"))
    ri.add_argument("roster", type=Path)
    ri.add_argument("--tokens-out", type=Path, required=True, help=_("write student_id,token of new students here"))
    for name, text in (("revoke", _("revoke a user's token")),
                       ("rotate", _("issue a new token (the old one stops working)")),
                       ("add-staff", _("add a staff member and print their token"))):
        p = rs.add_parser(name, help=text)
        p.add_argument("id")
    e = rs.add_parser("extend", help=_("a student's extension for one assignment"))
    e.add_argument("id")
    e.add_argument("--assignment", required=True)
    e.add_argument("--due", help=_("their due date (RFC 3339)"))
    e.add_argument("--closes", help=_("their hard close (RFC 3339)"))
    e.add_argument("--extra", type=int, help=_("extra submissions per window"))
    for p in (ri, *[rs.choices[n] for n in ("revoke", "rotate", "add-staff")], e):
        p.add_argument("--db", type=Path, required=True)

    v = sub.add_parser("service", help=_("operate the submission service"))
    vs = v.add_subparsers(dest="action", required=True)
    b = vs.add_parser("backup", help=_("a consistent copy of the database and uploads, while serving"))
    b.add_argument("out", type=Path)
    b.add_argument("--db", type=Path, required=True)
    b.add_argument("--data", type=Path, help=_("default: <db name>-data next to --db"))
    return {"serve": cmd_serve, "roster": cmd_roster, "service": cmd_service}


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    from autograder.config import ConfigError, find_course_root
    from autograder.service.config import ServiceConfig
    from autograder.service.serve import serve

    course = args.course.resolve() if args.course else find_course_root()
    if course is None:
        raise ConfigError(_("no course found: pass --course with the instructor's course folder"))
    if args.executor == "ray" and args.backend == "local" and args.gpus:
        raise ConfigError(_("--gpus needs --backend docker (the container gets the GPUs)"))
    db = args.db.resolve()
    config = ServiceConfig(course=course, db=db, data=(args.data or ServiceConfig.default_data(db)).resolve(),
                           host=args.host, port=args.port, jobs=args.jobs, backend=args.backend, gpus=args.gpus,
                           image=args.image, executor=args.executor, address=args.address, device=args.device,
                           submission_timeout_s=args.submission_timeout, warmup=args.warmup)
    return serve(config)


def cmd_roster(args: argparse.Namespace, console: Console) -> int:
    from autograder.service import roster
    from autograder.service.db import Database

    db = Database(args.db)
    if args.action == "import":
        new, known = roster.import_roster(db, args.roster, args.tokens_out)
        console.print(_("{new} new student(s), {known} already known; tokens of the new ones in {tokens} "
                        "(shown once: hand them out, then delete the file)").format(
                            new=new, known=known, tokens=args.tokens_out), markup=False)
    elif args.action == "add-staff":
        token = roster.add_staff(db, args.id)
        console.print(_("Staff member {id} added. Their token (shown once):").format(id=args.id), markup=False)
        print(token)
    elif args.action == "revoke":
        roster.revoke(db, args.id)
        console.print(_("{id}'s token is revoked (`autograder roster rotate {id}` issues a new one).").format(
            id=args.id), markup=False)
    elif args.action == "rotate":
        token = roster.rotate(db, args.id)
        console.print(_("New token for {id} (the old one no longer works; shown once):").format(id=args.id),
                      markup=False)
        print(token)
    elif args.action == "extend":
        new = roster.extend(db, args.id, args.assignment, args.due, args.closes, args.extra)
        same = _("as the assignment")
        console.print(_("{id} on {assignment}: due {due}, closes {closes}, {extra} extra submission(s) per "
                        "window").format(id=args.id, assignment=args.assignment, due=new["due"] or same,
                                         closes=new["closes"] or same, extra=new["extra"]), markup=False)
    return 0


def cmd_service(args: argparse.Namespace, console: Console) -> int:
    from autograder.service.backup import backup
    from autograder.service.config import ServiceConfig

    db = args.db.resolve()
    info = backup(db, (args.data or ServiceConfig.default_data(db)).resolve(), args.out)
    console.print(_("Backed up {db} to {copy} and {blobs} upload(s) to {data}. Restore: serve with --db {copy} "
                    "--data {data}.").format(db=db, copy=info["db"], blobs=info["blobs"], data=info["data"]),
                  markup=False)
    return 0
