"""``autograder service backup``: a consistent copy of a running service.

The database is copied with SQLite's online backup API (a snapshot, while the server keeps
writing); the blob store after it. Blobs are fsynced before their rows commit and never
change, so every blob the snapshot refers to is already there to copy.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from autograder.service.messages import t as _
from autograder.config import ConfigError


def backup(db: Path, data: Path, out: Path) -> dict:
    if not Path(db).is_file():
        raise ConfigError(_("{db} does not exist: pass the --db of the running service").format(db=db))
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ConfigError(_("{out} is not empty: pass a new folder for the backup").format(out=out))
    out.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    dest = sqlite3.connect(out / Path(db).name)
    try:
        src.backup(dest)
        shas = {r[0] for r in dest.execute("SELECT DISTINCT sha256 FROM submissions")}
    finally:
        dest.close()
        src.close()
    copied = 0
    blobs = Path(data) / "blobs"
    for sha in sorted(shas):
        source = blobs / sha[:2] / sha
        target = out / "data" / "blobs" / sha[:2] / sha
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
    return {"db": str(out / Path(db).name), "blobs": copied, "data": str(out / "data")}
