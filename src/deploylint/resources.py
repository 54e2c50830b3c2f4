"""Find the data folders (schemas, rubrics, templates) in a wheel or a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

DataFolder = Literal["schemas", "rubrics", "templates"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: DataFolder) -> Path:
    """Return the folder that holds ``name``.

    An installed wheel carries the folders under ``deploylint/_data``; a source checkout
    (or an editable install) has them at the top of the repository, beside ``src/``.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"deploylint data folder {name!r} is missing from this installation")
