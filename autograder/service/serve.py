"""``autograder serve``: uvicorn around the app; a clean stop on SIGTERM and SIGINT.

uvicorn stops accepting and finishes open requests; the app's lifespan then kills the
grader processes and puts back what was grading. The process exits well within 30 s and
leaves no child behind.
"""

from __future__ import annotations

import sys

from autograder.service.messages import t as _
from autograder.service.config import ServiceConfig


def serve(config: ServiceConfig) -> int:
    import uvicorn

    from autograder.service.app import create_app

    def log(msg: str) -> None:
        # The prefix is the program's name: it stays as is in every language (grep, journald).
        print(f"autograder serve: {msg}", file=sys.stderr, flush=True)

    from autograder.processes import adopt_orphans

    adopt_orphans()  # before anything starts a process: no orphan of ours escapes the stop
    app = create_app(config, log=log)
    ids = app.state.service.course.ids()
    if not ids:
        from autograder.config import ConfigError

        raise ConfigError(_("{course} has no solutions/<id>/assignment.toml: pass --course with the "
                            "instructor's course folder").format(course=config.course))
    app.state.service.pool.preflight()
    log(_("{n} assignment(s) ({ids}), {jobs} grading slot(s), executor {executor}, backend {backend}; "
          "database {db}, uploads in {data}").format(n=len(ids), ids=", ".join(ids), jobs=config.jobs,
                                                     executor=config.executor, backend=config.backend,
                                                     db=config.db, data=config.data))
    if not config.warmup:
        log(_("--no-warmup: grading processes start without grading the reference solution; a broken suite "
              "is not reported (check it with `autograder validate`)"))
    server = uvicorn.Server(uvicorn.Config(app, host=config.host, port=config.port, lifespan="on",
                                           timeout_graceful_shutdown=5, log_level="info",
                                           timeout_keep_alive=30,
                                           proxy_headers=False, server_header=False))
    log(_("listening on {url}").format(url=f"http://{config.host}:{config.port}"))
    package = app.state.service.package()
    log(_("students install the package with: pip install {url}").format(
        url=f"http://{config.host}:{config.port}/package/{package}") if package else
        _("no package wheel in {folder}: students cannot pip install from this server (build it with "
          "`make wheel DATA={data}`)").format(folder=config.data / "wheels", data=config.data))
    server.run()
    return 0
