"""Full disks and friends: the one message for a folder the grader cannot write to.

Trusted side. Every writer (the gradebook, the exports, a grader process's temp folder)
meets a full disk the same way: stop, say which folder, say that nothing committed is lost.
"""

from __future__ import annotations

import errno
import sqlite3
import tempfile
from pathlib import Path

from autograder.config import ConfigError
from autograder.i18n import t as _

# errno values that mean "the disk (or the user's quota) is full": the batch stops, says where.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(ConfigError):
    """A folder the batch writes to is full. What was committed before is kept."""


def storage_full(folder: Path, what: str, detail: str = "", extra: str = "") -> StorageFull:
    """The one message for a full disk: which folder, what to do, and that nothing is lost."""
    return StorageFull(_(
        "no space left in {folder} ({what}). {extra}Free space there (or point the option at another disk) and "
        "run the same command again: every grade committed so far is kept in the gradebook and only the missing "
        "submissions are graded; no student was charged for this.").format(
        folder=folder, what=f"{what}: {detail}" if detail else what, extra=extra))


def is_storage_full(e: BaseException) -> bool:
    """An OSError for a full disk, or SQLite's SQLITE_FULL ("database or disk is full")."""
    if isinstance(e, OSError):
        return e.errno in NO_SPACE
    if isinstance(e, sqlite3.OperationalError):
        return getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(e)
    return False


def no_space(e: BaseException) -> str | None:
    """The message for a full disk met by a grader process (the temp folder, usually), else None."""
    if not isinstance(e, OSError) or e.errno not in NO_SPACE:
        return None
    where = Path(e.filename).parent if e.filename else Path(tempfile.gettempdir())
    return str(storage_full(where, _("the grader's temp folder (TMPDIR)") if str(where).startswith(
        tempfile.gettempdir()) else _("a folder the grader writes to"), e.strerror or str(e)))
