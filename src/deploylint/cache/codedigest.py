"""What graded a cached result: a digest of the content of deploylint's own files.

Cache entries (results, parsed rubrics, replays) are keyed on it, not on ``__version__``,
which is the same for every commit: after an upgrade to a fixed rule, or an edit to a
checkout, every entry is new. It covers the package's files (its code, the compiled rubric
and templates), the data folders (the shipped rubric, schemas and report templates), the
Python version, and each library deploylint imports by its package file's stat.

Hashing the ~120 files (1.5 MB) costs a few ms; the digest is kept in the cache under the
files' stat (path, size, modification and change times, inode), so a run that changed
nothing only stats them. That entry is signed like every other: a restored cache can't
tie new code to an old digest.
"""

# Paths are strings from os.scandir, stat'ed in a loop on every run: os.path, not pathlib.
# ruff: noqa: PTH113, PTH116, PTH118, PTH120, PTH123

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from typing import Final

LIBRARIES: Final = (
    "typer", "click", "yaml", "ruamel.yaml", "jsonschema", "referencing", "jinja2", "markupsafe",
    "rich", "re2",
)  # fmt: skip
MEMO: Final = "code"  # the cache kind that maps the files' stat to their digest
_SKIPPED: Final = frozenset({"__pycache__"})


@cache
def digest() -> str:
    """The digest of the code and data that grade a doc (worked out once a process)."""
    from deploylint import cache as entries

    files = _files()
    around = json.dumps([_libraries(), list(sys.version_info[:3])])
    signature = json.dumps([_stats(files), around]).encode()
    remembered = entries.load(MEMO, signature, on_code=False)
    if isinstance(remembered, str) and len(remembered) == 64:
        return remembered
    found = _hashed(files, around)
    entries.store(MEMO, signature, found, on_code=False)
    return found


def _roots() -> list[str]:
    """The package folder, and the data folders beside it in a checkout (a wheel has them
    inside the package, under _data)."""
    from deploylint.resources import data_dir

    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # cache/..
    roots = [package]
    for name in ("rubrics", "schemas", "templates"):
        try:
            folder = str(data_dir(name))
        except FileNotFoundError:
            continue
        if not folder.startswith(os.path.join(package, "")):
            roots.append(folder)
    return roots


def _files() -> list[str]:
    """Every file under the roots (not compiled bytecode), sorted."""
    found, folders = [], _roots()
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _SKIPPED:
                        folders.append(entry.path)
                elif not entry.name.endswith(".pyc"):
                    found.append(entry.path)
    return sorted(found)


def _stats(files: list[str]) -> list[tuple[str, int, int, int, int]]:
    stats = []
    for path in files:
        info = os.stat(path)  # ctime and inode: no one sets them back
        stats.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    return stats


def _libraries() -> list[tuple[str, str | None, int, int]]:
    """Each library's package file by size and time: an upgraded one is a new digest."""
    from importlib.util import find_spec

    found = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        info = os.stat(origin) if origin and os.path.isfile(origin) else None
        found.append((name, origin, info.st_size if info else 0, info.st_mtime_ns if info else 0))
    return found


def _hashed(files: list[str], around: str) -> str:
    """The files' paths and content, the libraries and the Python version, as one sha256."""
    digest = hashlib.sha256(around.encode())
    for path in files:
        with open(path, "rb") as stream:
            content = stream.read()
        digest.update(f"\0{path}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
        digest.update(content)
    return digest.hexdigest()
