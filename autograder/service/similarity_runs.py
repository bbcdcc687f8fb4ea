"""The staff page's similarity check: ``autograder similarity`` over the counted submissions,
in the background, one run per assignment at a time.

The counted submissions' files are copied from the blob store into a class folder
(``<student>.ipynb|.py|.zip``), and the command runs on it as a child process at a lower
CPU priority: never in the service's process, so it holds neither the event loop nor the
GIL, and grading keeps its share of the CPUs. Its progress is the step it writes to a file
(``--progress``); its report stays in ``<data>/similarity/<assignment>/`` until the next run.
Nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NICE = 10  # below grading: a similarity check can wait, a student's feedback should not


@dataclass(frozen=True)
class RunState:
    assignment: str
    status: str  # running | done | failed
    step: str  # read | fingerprint | compare | report (while running)
    students: int  # submissions given to the run
    seconds: int  # so far, or in all when finished
    error: str  # the command's last lines when it failed


class SimilarityRuns:
    def __init__(self, root: Path, course: Path):
        self.root, self.course = root, course
        self.lock = threading.Lock()
        self.procs: dict[str, tuple[subprocess.Popen, float, int]] = {}  # assignment -> (process, start, students)
        self.ended: dict[str, RunState] = {}

    def folder(self, aid: str) -> Path:
        return self.root / aid

    def report(self, aid: str) -> Path | None:
        path = self.folder(aid) / "report.html"
        return path if path.is_file() else None

    def start(self, aid: str, files: list[tuple[str, bytes, str]], lang: str) -> RunState:
        """``files``: (student, bytes, kind) with kind ipynb | py | zip. Raises RuntimeError
        when a run of ``aid`` is still going."""
        with self.lock:
            now = self._poll(aid)
            if now is not None and now.status == "running":
                raise RuntimeError(aid)
            work = self.folder(aid)
            shutil.rmtree(work / "class", ignore_errors=True)
            (work / "class").mkdir(parents=True)
            for student, data, kind in files:
                (work / "class" / f"{student}.{kind}").write_bytes(data)
            (work / "progress").write_text("read", encoding="utf-8")
            log = (work / "log.txt").open("wb")
            cmd = [sys.executable, "-m", "autograder.cli", "--lang", lang, "--course", str(self.course), "similarity",
                   aid, str(work / "class"), "--report", str(work / "report.html"), "--csv", str(work / "pairs.csv"),
                   "--progress", str(work / "progress")]
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    preexec_fn=lambda: os.nice(NICE))
            log.close()
            self.procs[aid] = (proc, time.monotonic(), len(files))
            self.ended.pop(aid, None)
            return self._poll(aid)  # type: ignore[return-value]

    def state(self, aid: str) -> RunState | None:
        with self.lock:
            return self._poll(aid)

    def _poll(self, aid: str) -> RunState | None:
        if aid in self.ended:
            return self.ended[aid]
        if aid not in self.procs:
            return None
        proc, start, students = self.procs[aid]
        seconds = int(time.monotonic() - start)
        code = proc.poll()
        if code is None:
            step = (self.folder(aid) / "progress").read_text(encoding="utf-8").strip()
            return RunState(aid, "running", step, students, seconds, "")
        log = (self.folder(aid) / "log.txt").read_text(encoding="utf-8", errors="replace")
        ended = RunState(aid, "done" if code == 0 else "failed", "", students, seconds,
                         "" if code == 0 else "\n".join(log.strip().splitlines()[-5:]))
        self.ended[aid] = ended
        del self.procs[aid]
        return ended

    def stop(self) -> None:
        """At shutdown: end the runs still going (a report half written is never shown)."""
        with self.lock:
            for proc, _start, _n in self.procs.values():
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(10)
