"""The attack corpus (tests/attacks/, see its README), graded as one class on each backend.

Each backend grades the whole corpus in one batch, the way a class is graded: warm grading
processes, the gradebook, feedback files. A clean submission follows every attack in the
same grading process and must score exactly what it scored before any attack. Then each
attack is judged on its expected outcome and on what holds for all of them: nothing it
prints claims a breach, nothing secret reaches a student, the host is unchanged.

The local backend is a security boundary only as root (ARCHITECTURE.md), so it runs there only
as root; CI runs as root and starts a Docker engine, so both run there.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, run_batch
from autograder.config import AssignmentConfig
from autograder.processes import descendants
from autograder.untrusted import confine

from conftest import IS_ROOT, ROOT

AID = "01_tensors"
CORPUS = ROOT / "tests" / "attacks"
SOLUTION = ROOT / "solutions" / AID
# The clean submission graded after every attack: one known bug, so a poisoned grader that
# gives everyone full marks (or zero) shows as well as one that changes a single test.
CANARY_MUTANT = SOLUTION / "mutants" / "one_hot_int64.py"
CANARY_SECRET = "ag-canary-secret-7f3c9d2e41"  # another student's code must never reach an attacker
SANDBOX_UIDS = {65534, 10001}  # the local backend's "nobody", the image's "grader"
BREACH = "ATTACK-BREACH"


# Whether the local backend can give each worker a memory cgroup here (root, cgroup v1).
LOCAL_MEMORY_CGROUP = IS_ROOT and confine._cgroup_dir("memory", 0) is not None


@dataclass(frozen=True)
class Attack:
    name: str
    what: str
    source: str
    expect: str  # full | fails | ungradable
    exercises: frozenset[str]
    backends: tuple[str, ...]
    says: str  # a pattern every public failure of those exercises matches ("" = any)


def read_corpus() -> list[Attack]:
    attacks = []
    exercises = set(AssignmentConfig.load(SOLUTION / "assignment.toml").exercises)
    for f in sorted(CORPUS.glob("*.py")):
        text = f.read_text(encoding="utf-8")
        meta = dict(re.findall(r"^# (\w+): (.*)$", text.split("\nimport", 1)[0].split("\nfrom", 1)[0], re.M))
        words = meta.get("expect", "").split()
        assert words and words[0] in ("full", "fails", "ungradable"), f"{f.name}: no valid '# expect:' line"
        named = frozenset(exercises if words[1:] == ["all"] else words[1:])
        assert named <= exercises, f"{f.name}: unknown exercises {sorted(named - exercises)}"
        assert (words[0] == "fails") == bool(named), f"{f.name}: 'fails' names exercises, nothing else does"
        backends = tuple(meta.get("backends", "local docker").split())
        if meta.get("needs") == "memory_cgroup" and not LOCAL_MEMORY_CGROUP:
            backends = tuple(b for b in backends if b != "local")
        assert set(backends) <= {"local", "docker"} and (backends == ("local", "docker") or meta.get("why")), \
            f"{f.name}: an attack that skips a backend says why"
        attacks.append(Attack(f.stem, meta.get("attack", ""), text, words[0], named, backends, meta.get("says", "")))
    return attacks


ATTACKS = read_corpus()


def secret_lines() -> list[str]:
    """Lines only the hidden tests and the mutants hold (not in any public test, probe or
    the notebook: the attacks ride on the solution, so its code is theirs to print)."""
    public = set()
    for f in [*SOLUTION.glob("tests/public/**/*.py"), SOLUTION / "probes.py", SOLUTION / f"{AID}.ipynb"]:
        public |= {line.strip() for line in f.read_text(encoding="utf-8").splitlines()}
    found = set()
    for f in SOLUTION.glob("tests/hidden/**/*.py"):
        for line in f.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if len(s) >= 30 and s not in public and not s.startswith(("#", "def test_", "@")):
                found.add(s)
    assert len(found) > 50, "the hidden tests should give plenty of lines to look for"
    for f in SOLUTION.glob("mutants/*.py"):
        found |= {line.strip() for line in f.read_text(encoding="utf-8").splitlines() if line.startswith("# bug: ")}
    return sorted(found)


# ----------------------------------------------------------------------------- the host

class Listener:
    """A TCP and a UDP socket on every host address, one port: nothing may arrive."""

    def __init__(self):
        self.tcp = socket.create_server(("0.0.0.0", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("0.0.0.0", self.port))
        self.got: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True),
                         threading.Thread(target=self._receive, daemon=True)]
        for t in self._threads:
            t.start()

    def _accept(self) -> None:
        self.tcp.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, peer = self.tcp.accept()
                self.got.append(f"tcp from {peer}")
                conn.close()
            except OSError:
                pass

    def _receive(self) -> None:
        self.udp.settimeout(0.2)
        while not self._stop.is_set():
            try:
                data, peer = self.udp.recvfrom(4096)
                self.got.append(f"udp from {peer}: {data[:40]!r}")
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()
        self.tcp.close()
        self.udp.close()


VOLATILE = {"__pycache__", ".pytest_cache", ".hypothesis", "out", "build", ".git", ".venv",
            "torch_autograder.egg-info", ".whl", ".device"}


def _tree(root: Path, skip: set[str] = frozenset()) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            out[p] = (st.st_size, st.st_mtime_ns)
    return out


def snapshot() -> dict[str, tuple[int, int]]:
    """The course checkout and every Python package folder, file by file."""
    state = _tree(ROOT, VOLATILE)
    packages = {sysconfig.get_paths()[k] for k in ("purelib", "platlib", "stdlib")}
    packages |= {p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
    for p in sorted(packages):
        if os.path.isdir(p):
            state.update(_tree(Path(p), {"__pycache__"}))
    return state


def worker_cgroup_parents() -> list[Path]:
    """Where the local backend's zygotes started from this process put their workers'
    cgroups (``ag-worker-PID`` below the cgroup they inherit from us)."""
    dirs = (confine._cgroup_dir(c, 0) for c in ("memory", "pids")) if IS_ROOT else ()
    return [Path(d).parent for d in dirs if d is not None]


def worker_cgroups() -> dict[str, int]:
    """The worker cgroups there now: path -> the worker's pid (in its name)."""
    out = {}
    for parent in worker_cgroup_parents():
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            pid = name.removeprefix("ag-worker-")
            if name.startswith("ag-worker-") and pid.isdigit():
                out[str(parent / name)] = int(pid)
    return out


def _uid(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _descends_from(pid: int, ancestor: int) -> bool | None:
    """Whether ``pid`` is a descendant of ``ancestor`` (None: it is gone, nobody can tell)."""
    seen = 0
    while pid > 1 and seen < 64:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None if not seen else False
        pid = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
        if pid == ancestor:
            return True
        seen += 1
    return False


def _container_owner(pid: int) -> int | None:
    """The pid of the grader that started the container ``pid`` runs in (its label), or
    None: not in a container, or one nobody labelled, or no Docker to ask."""
    try:
        ids = re.findall(r"[0-9a-f]{64}", Path(f"/proc/{pid}/cgroup").read_text())
        if not ids:
            return -1  # not in a container: a local grader that is not ours
        import docker

        client = docker.from_env(timeout=10)
        try:
            labels = client.containers.get(ids[-1]).labels or {}
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - gone, or no engine: cannot tell
        return None
    owner = labels.get("org.torch-autograder.owner", "").rpartition(":")[2]
    return int(owner) if owner.isdigit() else None


class Ownership:
    """What this run's own processes made, told apart from what another grading on the same
    host makes meanwhile (a grading host is rarely idle). While the batch runs it notes
    every process that descends from this one, and which worker cgroups belong to them; the
    host checks then judge only those."""

    def __init__(self, interval: float = 0.1):
        self.pids: set[int] = set()
        self.cgroups: dict[str, bool | None] = {}  # path -> ours (None: gone before we could tell)
        # Whether a sandboxed worker of this run ran on the host (the local backend's). Only those
        # make worker cgroups here: a container's workers have the container's.
        self.local_workers = False
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "Ownership":
        self._before = set(worker_cgroups())
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._look()

    def _look(self) -> None:
        now = descendants(os.getpid())  # this process's descendants now
        self.pids |= now
        self.local_workers = self.local_workers or any(_uid(p) in SANDBOX_UIDS for p in now)
        me = os.getpid()
        for path, pid in worker_cgroups().items():
            # Placed once: a worker's ancestry is settled when it makes its cgroup, and one placed
            # as another grading's must not turn unknown when that worker ends.
            if path not in self._before and path not in self.cgroups:
                self.cgroups[path] = True if pid in self.pids else _descends_from(pid, me)

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            self._look()

    def owns_process(self, pid: int) -> bool:
        """Whether a live sandbox process is this run's. Another grading's is one that hangs
        below a trusted process of its own (its grader, or the container runtime of a
        container it labelled): neither this process, nor one it started, nor PID 1. An
        orphan (reparented to PID 1: a daemon that escaped) cannot be placed, so counts."""
        me, p = os.getpid(), pid
        for _ in range(64):
            if p in self.pids or p == me:
                return True
            try:
                status = Path(f"/proc/{p}/status").read_text()
            except OSError:
                return True
            parent = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
            uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
            if p != pid and uid not in SANDBOX_UIDS:  # a trusted process that is not ours
                owner = _container_owner(pid)
                return owner is None or owner in self.pids
            if parent <= 1:
                return True
            p = parent
        return True

    def left_cgroups(self) -> list[str]:
        """Worker cgroups of this run still there. One whose worker was gone before it could
        be placed counts as ours where this run's own workers ran on the host: a check that
        cannot tell must not pass quietly. A run whose workers all ran in containers made none
        (another grading on the host, such as a second test worker's, may have)."""
        now = worker_cgroups()
        return sorted(p for p in now if p not in self._before
                      and (self.cgroups.get(p) or (self.cgroups.get(p) is None and self.local_workers)))


def planted_markers() -> list[str]:
    """Files named ag-attack-* anywhere an attack could have put them on the host."""
    found = []
    for top in ("/tmp", "/var/tmp", "/dev/shm", "/root", "/home", "/etc", "/opt", "/srv", "/run", "/usr/local",
                str(ROOT), *sys.path):
        if not top or not os.path.isdir(top):
            continue
        for dirpath, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in (".git", "proc")]
            found += [os.path.join(dirpath, n) for n in files + dirs if n.startswith("ag-attack")]
    return sorted(set(found))


def sysv_ipc(ours: set[int] | None = None) -> list[str]:
    """The host's System V IPC objects (they outlive the processes that made them).

    ``ours``: only those this run's processes could have made: shared memory whose creator
    is one of these pids; message queues and semaphores (the kernel keeps no creator pid)
    created by a sandbox user. Another program's objects, or another grading's, are not
    this run's business."""
    out = []
    for kind in ("shm", "msg", "sem"):
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        head = lines[0].split() if lines else []
        for line in lines[1:]:
            row = dict(zip(head, line.split()))
            if ours is not None:
                if kind == "shm" and int(row.get("cpid", 0)) not in ours:
                    continue
                if kind != "shm" and int(row.get("cuid", -1)) not in SANDBOX_UIDS:
                    continue
            out.append(f"{kind}: {row.get('key')} {row.get('shmid', row.get('msqid', row.get('semid')))}")
    return out


def sandbox_processes() -> set[int]:
    """Live processes of the sandbox's users (zombies have exited: only a pid is left)."""
    out = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                if _uid(int(d)) in SANDBOX_UIDS and stat[stat.rindex(")") + 2] != "Z":
                    out.add(int(d))
            except (OSError, ValueError):
                pass
    return out


# ----------------------------------------------------------------------------- one batch per backend

@dataclass
class CorpusRun:
    backend: str
    entries: dict
    faults: dict
    feedback: Path
    baseline: object
    host_changed: list[str]
    markers: list[str]
    received: list[str]
    leftover_processes: list[str]
    seconds: float


def _canary(solution_source: str) -> str:
    return (f"{solution_source}\n\n# {CANARY_SECRET}\n" + CANARY_MUTANT.read_text(encoding="utf-8"))


def _selected(request, backend: str) -> set[str]:
    """The attacks whose tests run on ``backend`` in this session (``-k`` picks a few: only
    those are graded); all of them when the host check runs, which judges the whole batch."""
    names = set()
    for item in request.session.items:
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        if params.get("corpus") != backend:
            continue
        if "attack" not in params:
            return {a.name for a in ATTACKS}
        names.add(params["attack"].name)
    return names


@pytest.fixture(scope="module", params=["local", "docker"])
def corpus(request, tmp_path_factory, solution_source) -> CorpusRun:
    backend = request.param
    if backend == "local" and not IS_ROOT:
        pytest.skip("the local backend is a security boundary only when the grader runs as root "
                    "(ARCHITECTURE.md); run the corpus as root, as CI does")
    if backend == "docker":
        image = request.getfixturevalue("docker_image")  # skips with the reason where no engine can run
    work = tmp_path_factory.mktemp(f"corpus-{backend}")
    listener = Listener()
    subs = work / "submissions"
    subs.mkdir()
    canary = _canary(solution_source)
    (subs / "00-clean.py").write_text(canary, encoding="utf-8")
    chosen = _selected(request, backend)
    for i, a in enumerate(ATTACKS, start=1):
        if backend in a.backends and a.name in chosen:
            patch = a.source.replace("@PORT@", str(listener.port))
            (subs / f"{i:02d}a-{a.name}.py").write_text(f"{solution_source}\n\n{patch}", encoding="utf-8")
            (subs / f"{i:02d}b-clean.py").write_text(canary, encoding="utf-8")
    before, procs_before, markers_before = snapshot(), sandbox_processes(), planted_markers()
    ipc_before = sysv_ipc()
    options = {"image": image} if backend == "docker" else {}  # its content tag: :cpu may move
    opts = BatchOptions(submissions=subs, assignment=AID, course=ROOT, jobs=1, backend=backend,
                        backend_options=options, gradebook=work / "grades.db", feedback_dir=work / "feedback",
                        device="cpu", warmup=False)  # the clean canary is graded first; nothing checks the reference
    from rich.console import Console

    t0 = time.perf_counter()
    try:
        with Ownership() as own:
            summary = run_batch(opts, Console(file=io.StringIO(), width=200))
    finally:
        listener.close()
    seconds = time.perf_counter() - t0
    after = snapshot()
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    changed += [f"new System V IPC object {o}" for o in sorted(set(sysv_ipc(own.pids)) - set(ipc_before))]
    changed += [f"cgroup left behind: {c}" for c in own.left_cgroups()]
    deadline = time.monotonic() + 10  # containers are removed in the background
    # Only processes of this run: another grading's workers may run meanwhile.
    while (left := {p for p in sandbox_processes() - procs_before if own.owns_process(p)}) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    leftovers = []
    for pid in sorted(left):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            leftovers.append(f"{pid} {stat[stat.rindex(')') + 2:].split()[:2]} {stat[:stat.rindex(')') + 1]}")
        except (OSError, ValueError):
            pass
    entries = {e.student: e for e in summary.entries}
    return CorpusRun(backend, entries, summary.faults, work / "feedback", entries.get("00-clean"), changed,
                     sorted(set(planted_markers()) - set(markers_before)), list(listener.got), leftovers,
                     seconds)


def _student(a: Attack, suffix: str) -> str:
    return f"{ATTACKS.index(a) + 1:02d}{suffix}"


def _failing(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in result.tests:
        if not t.passed:
            for ex in t.exercises:
                out.setdefault(ex, []).append(t.name)
    return out


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack(corpus: CorpusRun, attack: Attack):
    if corpus.backend not in attack.backends:
        pytest.skip(f"{attack.name} runs on {', '.join(attack.backends)} only here (see its 'why:' line)")
    student = _student(attack, "a-" + attack.name)
    assert student not in corpus.faults, f"the grader failed on the attack: {corpus.faults[student]}"
    entry = corpus.entries[student]
    res = entry.result
    everything = json.dumps(res.to_dict())

    # 1. Its expected outcome, to the point.
    if attack.expect == "ungradable":
        assert res.status == "ungradable" and entry.raw == 0, (res.status, res.error)
    else:
        assert res.status == "graded", res.error
        failing = _failing(res)
        assert set(failing) == set(attack.exercises), \
            f"failing exercises {sorted(failing)}, expected {sorted(attack.exercises)}: " + \
            "; ".join(f"{t.name}: {t.message[:200]}" for t in res.tests if not t.passed)[:3000]
        own = [t for t in res.tests if set(t.exercises) & attack.exercises]
        assert all(not t.passed for t in own), [t.name for t in own if t.passed]
        assert entry.raw == pytest.approx(res.possible - sum(t.max_score for t in own))
        # The student is told what went wrong, where the public tests can say it.
        public = [t for t in own if t.visibility == "public"]
        assert public or not own, "a failing exercise should fail a public test too"
        if attack.says:
            assert all(re.search(attack.says, t.message) for t in public), [t.message[:300] for t in public]

    # 2. Nothing it tried worked (each attack says ATTACK-BREACH when a step succeeds).
    assert BREACH not in everything, re.findall(rf"{BREACH}[^\\\n]*", everything)[:10]

    # 3. What the student gets back is text: valid UTF-8, no raw control characters (their
    # output and messages arrive as visible escapes), and nothing secret.
    visible = "\n".join((corpus.feedback / student / name).read_bytes().decode("utf-8")
                        for name in ("feedback.md", "results.json"))
    shown = [s for s in _strings(json.loads((corpus.feedback / student / "results.json").read_text("utf-8")))]
    shown.append((corpus.feedback / student / "feedback.md").read_text(encoding="utf-8"))
    raw = [m.group() for s in shown for m in RAW_CONTROL.finditer(s)]
    assert not raw, f"raw control characters reach the student: {sorted(set(raw))[:10]}"
    leaked = [line for line in SECRETS if line in visible]
    assert not leaked, f"hidden test lines in the student's feedback: {leaked[:5]}"
    assert CANARY_SECRET not in visible, "another student's submission reached this student's feedback"

    # 4. The clean submission graded next gets exactly its own grade.
    clean = corpus.entries[_student(attack, "b-clean")].result
    base = corpus.baseline.result
    assert (clean.status, clean.score) == (base.status, base.score), \
        [f"{t.name}: {t.message[:300]}" for t in clean.tests if not t.passed]
    assert [(t.name, t.passed) for t in clean.tests] == [(t.name, t.passed) for t in base.tests]


RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_corpus_leaves_the_host_unchanged(corpus: CorpusRun):
    base = corpus.baseline.result
    assert not corpus.faults, corpus.faults
    # The canary's own grade: the one bug it carries, nothing else.
    assert base.status == "graded" and set(_failing(base)) == {"one_hot"}, [t.name for t in base.tests]
    assert not corpus.host_changed, f"files changed on the host: {corpus.host_changed[:20]}"
    assert not corpus.markers, f"attack files on the host: {corpus.markers}"
    assert not corpus.received, f"the host's listener received: {corpus.received}"
    assert not corpus.leftover_processes, f"sandbox processes outlived the batch: {corpus.leftover_processes}"
    slow = sorted(corpus.entries.values(), key=lambda e: -e.result.execution_time)[:5]
    print(f"\n{corpus.backend}: {len(corpus.entries)} submissions graded in {corpus.seconds:.1f} s; slowest: "
          + ", ".join(f"{e.student} {e.result.execution_time:.1f} s" for e in slow))


@pytest.mark.skipif(not IS_ROOT or not worker_cgroup_parents(), reason="worker cgroups need root and cgroup v1")
def test_host_checks_judge_only_what_this_run_made():
    """Another grading on the same host (a sibling process tree, as another batch's zygote
    would be) leaves a cgroup and a worker-like process while this run's checks watch:
    they are not this run's, even once that process has ended. A cgroup this run's own child
    leaves behind is."""
    import subprocess

    parent = worker_cgroup_parents()[-1]
    # A process that does not descend from this one: started through a shell that exits.
    out = subprocess.run(["sh", "-c", "setsid sleep 30 >/dev/null 2>&1 & echo $!"], capture_output=True,
                         text=True, check=True)
    foreign = int(out.stdout.strip())
    made = []
    try:
        with Ownership() as own:
            mine = subprocess.Popen(["sleep", "30"], user=min(SANDBOX_UIDS))  # as this run's own workers run
            time.sleep(0.5)  # the watcher sees both
            for pid in (foreign, mine.pid):
                made.append(parent / f"ag-worker-{pid}")
                made[-1].mkdir()
            time.sleep(0.5)
            os.kill(foreign, 9)  # the other grading's worker ends while the watcher still looks
            time.sleep(0.5)
        assert own.left_cgroups() == [str(parent / f"ag-worker-{mine.pid}")]
        assert mine.pid in own.pids and foreign not in own.pids
        assert own.owns_process(mine.pid)
        assert not _descends_from(foreign, os.getpid())
    finally:
        for d in made:
            d.rmdir()
        for pid in (foreign, mine.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        mine.wait()


def test_a_cgroup_nobody_can_place_counts_where_this_run_had_workers_on_the_host():
    """A worker cgroup whose worker is gone before the watcher could place it: ours where this
    run's own sandboxed workers ran on the host (the local backend), not where they all ran in
    containers (the docker backend makes none here: another grading on the host did)."""
    import subprocess

    if not IS_ROOT:
        pytest.skip("worker cgroups and the sandbox's uid need root, as CI runs")
    parent = worker_cgroup_parents()[-1]
    gone = subprocess.Popen(["true"])
    gone.wait()
    made = parent / f"ag-worker-{gone.pid}"
    try:
        with Ownership() as own:
            made.mkdir()
            time.sleep(0.5)
        assert not own.local_workers and own.left_cgroups() == []
        made.rmdir()
        with Ownership() as own:
            made.mkdir()
            worker = subprocess.Popen(["sleep", "30"], user=min(SANDBOX_UIDS))
            time.sleep(0.5)  # the watcher sees this run's sandboxed worker
            worker.kill()
            worker.wait()
        assert own.local_workers and own.left_cgroups() == [str(made)]
    finally:
        with contextlib.suppress(OSError):
            made.rmdir()


SECRETS = secret_lines()
