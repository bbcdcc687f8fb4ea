"""The ASGI app of ``autograder serve``: one core (core.Service) behind two adapters, the
JSON API (api.py) and the web pages (pages.py), and the grading slots' start and stop.

This module imports both adapters; they import the core, never each other or this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from autograder.service import api, pages
from autograder.service.config import ServiceConfig
from autograder.service.core import Service


def create_app(config: ServiceConfig, log=print, grade: bool = True) -> Starlette:
    svc = Service(config, log)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # uvicorn's SIGTERM/SIGINT handlers, put back if a library replaces them (Ray's C++
        # failure handler would end the process before the pool puts work back).
        loop = asyncio.get_running_loop()
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for sig, handler in saved.items():
                if callable(handler):
                    signal.signal(sig, handler)

        svc.pool.on_library_start = lambda: loop.call_soon_threadsafe(restore)
        if grade:
            svc.pool.start()
        try:
            yield
        finally:
            await run_in_threadpool(svc.similarity.stop)
            if grade:
                await run_in_threadpool(svc.pool.stop)

    app = Starlette(routes=api.routes(svc) + pages.routes(svc), lifespan=lifespan,
                    exception_handlers=api.EXCEPTION_HANDLERS)
    app.state.service = svc
    return app
