"""The starter code: every code cell of the released notebook (``assignments/<id>/<id>.ipynb``).

Stubs, given code, demo and check cells are the same in every submission because the course
handed them out; their fingerprints never count as shared code (``fingerprints.drop``).
The cells are read raw, tags and all, since a student may keep a demo cell untagged.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.config import ConfigError
from autograder.i18n import t as _


def starter_code(notebook: Path | None) -> str:
    """The released notebook's code cells joined, one after another."""
    if notebook is None or not notebook.is_file():
        raise ConfigError(_("no released notebook at {path}: run `autograder release` first, so that the "
                            "starter code can be left out of the comparison").format(path=notebook))
    nb = nbformat.read(notebook, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")
