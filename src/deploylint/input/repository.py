"""The repository a path lives in: where a config search stops, and how a path is shown."""

from __future__ import annotations

import os
from pathlib import Path


def repository_root(start: Path) -> Path:
    """The folder holding ``.git`` at or above ``start``; else ``start`` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def shown_path(path: Path) -> str:
    """``path`` relative to its repository's root (the folder holding ``.git``), as a pull
    request or a colleague names it; as given outside a repository."""
    absolute = Path(os.path.normpath(path.absolute()))
    root = repository_root(absolute.parent)
    if (root / ".git").exists() and absolute.is_relative_to(root):
        return absolute.relative_to(root).as_posix()
    return str(path)
