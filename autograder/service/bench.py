"""``make bench-serve``: N students submit at once to a real ``autograder serve`` on loopback,
and the same submissions go through ``autograder batch`` in the same run.

Figures: accept latency (upload until 202) p50/p95, upload-to-feedback p50/p95, and graded
submissions per minute for both (first upload to last feedback; batch: its wall time). Both
start their warm grader processes cold, with the same ``--jobs``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.cells import cell_len

from autograder.service.messages import t as _

ASSIGNMENT = "01_tensors"
LABEL_CELLS = 22  # the figures start in this column


def _label(text: str) -> str:
    return text + " " * max(1, LABEL_CELLS - cell_len(text))


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[int(p) - 1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    import httpx

    p = argparse.ArgumentParser(prog="python -m autograder.service.bench")
    p.add_argument("--students", type=int, default=8)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    args = p.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    sample = sorted((root / "tests/sample_class" / ASSIGNMENT).iterdir())
    ag = [sys.executable, "-m", "autograder.cli", "--course", str(root)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    with tempfile.TemporaryDirectory(prefix="ag-bench-serve-") as tmp:
        tmp = Path(tmp)
        subs = tmp / "subs"
        subs.mkdir()
        files = []
        for i in range(args.students):
            src = sample[i % len(sample)]
            dst = subs / f"student{i:03d}{src.suffix}"
            shutil.copyfile(src, dst)
            files.append(dst)
        print(_("{n} submissions of {assignment} (the sample class, repeated), --jobs {jobs}").format(
            n=args.students, assignment=ASSIGNMENT, jobs=args.jobs), flush=True)

        t0 = time.perf_counter()
        subprocess.run([*ag, "batch", str(subs), "--assignment", ASSIGNMENT, "--jobs", str(args.jobs),
                        "--gradebook", str(tmp / "batch.db")], env=env, check=True, stdout=subprocess.DEVNULL,
                       timeout=args.timeout)
        batch_s = time.perf_counter() - t0

        (tmp / "roster.csv").write_text("student_id\n" + "".join(f.stem + "\n" for f in files))
        subprocess.run([*ag, "roster", "import", str(tmp / "roster.csv"), "--db", str(tmp / "svc.db"),
                        "--tokens-out", str(tmp / "tokens.csv")], env=env, check=True, stdout=subprocess.DEVNULL)
        with (tmp / "tokens.csv").open(newline="") as f:
            tokens = {r["student_id"]: r["token"] for r in csv.DictReader(f)}
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen([*ag, "serve", "--db", str(tmp / "svc.db"), "--port", str(port), "--jobs",
                                   str(args.jobs)], env=env, stdout=log, stderr=log)
        try:
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
                if server.poll() is not None:
                    raise SystemExit(_("the server did not start: see {log}").format(log=tmp / "serve.log"))
            accept: list[float] = []
            feedback: list[float] = []
            ends: list[float] = []
            errors: list[str] = []
            barrier = threading.Barrier(len(files))
            deadline = time.monotonic() + args.timeout

            def student(path: Path) -> None:
                with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[path.stem]}"},
                                  timeout=120) as http:
                    data = path.read_bytes()
                    barrier.wait()
                    s0 = time.perf_counter()
                    r = http.post("/api/v1/submissions", data={"assignment": ASSIGNMENT},
                                  files={"file": (path.name, data)})
                    accept.append(time.perf_counter() - s0)
                    if r.status_code != 202:
                        errors.append(f"{path.name}: {r.status_code} {r.text[:200]}")
                        return
                    sid = r.json()["id"]
                    while time.monotonic() < deadline:
                        sub = http.get(f"/api/v1/submissions/{sid}").json()
                        if sub["status"] in ("graded", "ungradable", "not_graded"):
                            end = time.perf_counter()
                            feedback.append(end - s0)
                            ends.append(end)
                            return
                        time.sleep(0.2)
                    errors.append(_("{file}: not graded in time").format(file=path.name))

            t0 = time.perf_counter()
            threads = [threading.Thread(target=student, args=(f,)) for f in files]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            service_s = (max(ends) - t0) if ends else float("nan")
        finally:
            server.terminate()
            server.wait(60)
            log.close()
        if errors:
            print(_("errors:") + "\n  " + "\n  ".join(errors))
            return 1
        batch_rate = 60 * args.students / batch_s
        service_rate = 60 * args.students / service_s
        # Labels padded by terminal cells (a Korean syllable takes two), the figures after them.
        print(f"{_label(_('accept latency'))}p50 {_pct(accept, 50) * 1000:7.1f} ms   "
              f"p95 {_pct(accept, 95) * 1000:7.1f} ms")
        print(f"{_label(_('upload to feedback'))}p50 {_pct(feedback, 50):7.1f} s    p95 {_pct(feedback, 95):7.1f} s")
        print(f"{_label(_('graded per minute'))}service {service_rate:6.1f} ({service_s:.1f} s)   "
              f"batch {batch_rate:6.1f} ({batch_s:.1f} s)   service/batch {service_rate / batch_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
