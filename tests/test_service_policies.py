"""The service's rules alone (no server): deadlines, late days, the rate window, hidden
visibility, tokens, the schema version and the queue's round robin."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from autograder import i18n
from autograder.config import AssignmentConfig, ConfigError
from autograder.service import auth, submission_queue
from autograder.service.db import SCHEMA_VERSION, Database, DatabaseError, open_db, stamp
from autograder.scoring import late_days
from autograder.service.policies import (Deadlines, Extension, ServicePolicy, deadlines, hidden_visible,
                                         left_in_window, retry_after)

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc
T0 = dt.datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


def _cfg(tmp_path, service: str = "") -> AssignmentConfig:
    p = tmp_path / "assignment.toml"
    p.write_text('[assignment]\nid = "a"\ndue = "2026-12-11T23:59:00+00:00"\nlate_penalty_per_day = 0.1\n'
                 + ("[service]\n" + service if service else ""))
    return AssignmentConfig.load(p)


def test_sample_assignments_have_service_policies():
    for aid in ("01_tensors", "02_autograd", "03_training"):
        cfg = AssignmentConfig.load(ROOT / f"solutions/{aid}/assignment.toml")
        policy = ServicePolicy.from_config(cfg)
        assert cfg.hidden_visibility == "after_due_date"
        assert policy.closes is not None and cfg.due is not None and policy.closes > cfg.due
        assert policy.graded_per_window and policy.max_upload_mb >= 1 and policy.counts == "last"


def test_policy_defaults_and_errors(tmp_path):
    p = ServicePolicy.from_config(_cfg(tmp_path))
    assert (p.max_upload_mb, p.closes, p.graded_per_window, p.counts) == (20, None, None, "last")
    for bad in ('counts = "first"\n', 'closes = "soon"\n', "graded_per_window = 0\n", "max_uplod_mb = 3\n"):
        with pytest.raises(ConfigError):
            ServicePolicy.from_config(_cfg(tmp_path, bad))


def test_extensions_move_due_close_and_limit(tmp_path):
    cfg = _cfg(tmp_path, 'closes = "2026-12-13T00:00:00+00:00"\ngraded_per_window = 2\n')
    policy = ServicePolicy.from_config(cfg)
    base = deadlines(cfg, policy, Extension())
    assert base.limit == 2 and base.closed(dt.datetime(2026, 12, 13, 0, 1, tzinfo=UTC))
    later = dt.datetime(2026, 12, 20, tzinfo=UTC)
    ext = deadlines(cfg, policy, Extension(due=later, extra=3))
    assert ext.due == later and ext.closes == later and ext.limit == 5  # the close moves with the due date
    assert not ext.closed(dt.datetime(2026, 12, 19, tzinfo=UTC))


def test_late_days_by_the_server_clock():
    due = T0
    assert late_days(T0, due) == 0 and late_days(T0 + dt.timedelta(seconds=1), due) == 1
    assert late_days(T0 + dt.timedelta(days=1, seconds=1), due) == 2 and late_days(T0, None) == 0


def test_rate_window_and_retry_after():
    d = Deadlines(None, None, 2, dt.timedelta(hours=1), 0)
    times = [T0 - dt.timedelta(minutes=50), T0 - dt.timedelta(minutes=10)]
    assert retry_after(times[:1], d, T0) is None and left_in_window(times[:1], d, T0) == 1
    assert retry_after(times, d, T0) == 600  # the oldest leaves the window in 10 minutes
    assert left_in_window(times, d, T0) == 0
    old = [T0 - dt.timedelta(hours=2)] * 5
    assert retry_after(old, d, T0) is None
    assert retry_after(times * 3, Deadlines(None, None, None, dt.timedelta(hours=1), 0), T0) is None


def test_hidden_visibility():
    assert hidden_visible("visible", T0, False, T0)
    assert not hidden_visible("hidden", None, True, T0)
    assert not hidden_visible("after_due_date", T0, True, T0) and hidden_visible("after_due_date", T0, False,
                                                                                  T0 + dt.timedelta(seconds=1))
    assert hidden_visible("after_published", T0, True, T0) and not hidden_visible("after_published", None, False, T0)


def test_tokens_are_slow_hashes_compared_in_constant_time():
    lookup, token = auth.new_token()
    stored = auth.hash_token(token)
    assert token.startswith(lookup + ".") and token not in stored and stored.startswith("scrypt$")
    assert auth.verify(token, stored) and not auth.verify(token + "x", stored)
    assert auth.hash_token(token) != stored  # salted


def test_schema_version_and_refusals(tmp_path):
    db = open_db(tmp_path / "s.db")
    assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute("UPDATE meta SET value='999' WHERE key='schema'")
    db.close()
    with pytest.raises(DatabaseError, match="newer"):
        open_db(tmp_path / "s.db")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE x (y)")
    other.close()
    with pytest.raises(DatabaseError, match="another program"):
        open_db(tmp_path / "other.db")
    with i18n.using("ko"), pytest.raises(DatabaseError, match="다른 프로그램의 SQLite 데이터베이스입니다"):
        open_db(tmp_path / "other.db")


def test_queue_round_robin_and_one_per_student(tmp_path):
    db = Database(tmp_path / "q.db")
    c = db.conn
    for s in ("a", "b"):
        c.execute("INSERT INTO users (id, role, created_at) VALUES (?, 'student', ?)", (s, stamp()))
    for i, s in enumerate(["a", "a", "a", "b"]):
        c.execute("INSERT INTO submissions (id, student, assignment, filename, kind, sha256, size, received_at) "
                  "VALUES (?, ?, 'x', 'f.py', 'py', '0', 1, ?)", (f"{s}{i}", s, stamp()))
    first = submission_queue.claim(c)
    assert first["id"] == "a0" and first["attempts"] == 1
    assert submission_queue.positions(c) == {"b3": 1, "a1": 2, "a2": 3}
    second = submission_queue.claim(c)
    assert second["id"] == "b3"
    assert submission_queue.claim(c) is None  # both students are grading: one each at a time
    assert submission_queue.finish(c, "a0", 1, "graded", result="{}", raw=1, max_score=1)
    assert not submission_queue.finish(c, "a0", 1, "graded", result="{}", raw=1, max_score=1)  # never twice
    assert submission_queue.fault(c, "b3", 1, "died") == "queued"
    assert submission_queue.requeue_interrupted(c) == 0
    assert submission_queue.claim(c)["id"] == "a1"  # a was served longest ago
    nxt = submission_queue.claim(c)
    assert nxt["id"] == "b3" and nxt["attempts"] == 2
    assert submission_queue.fault(c, "b3", 2, "died again") == "not_graded"  # the machinery failed twice
