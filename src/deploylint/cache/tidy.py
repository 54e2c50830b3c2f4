"""Keep the cache folder small: entries past a week go, then the oldest past a size cap.

Results are keyed on the day (`--today`) and on deploylint's code, so yesterday's entries
and an old version's are dead weight: a folder nobody tidied grew by every run's results
(the test suite alone left ~100 MB a run). At most once a day, the first run that stores
an entry deletes those written over KEPT_DAYS ago, then the oldest until the rest fit in
MAX_BYTES, then the kind folders left empty. It never follows a link, and any failure just
leaves things as they were.
"""

from __future__ import annotations

import os
import stat
import time
from contextlib import suppress
from pathlib import Path
from typing import Final, NamedTuple

from deploylint.cache import TIDIED as STAMP
from deploylint.cache import TIDY_EVERY as EVERY

KEPT_DAYS: Final = 7
MAX_BYTES: Final = 256 * 2**20
LEGACY_KEY: Final = "key"  # where versions before 0.1.0 kept the key: inside the folder


class Entry(NamedTuple):
    written: float
    size: int
    path: str


def tidy(root: Path) -> None:
    """Tidy ``root`` if it wasn't in the last day (a folder that is a link is left alone)."""
    with suppress(OSError):
        info = root.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or not _due(root):
            return
        _stamp(root)
        with suppress(FileNotFoundError):
            if stat.S_ISREG((root / LEGACY_KEY).lstat().st_mode):
                (root / LEGACY_KEY).unlink()
        kept = _drop_old(_entries(root), time.time() - KEPT_DAYS * 86_400)
        _drop_over_cap(kept, MAX_BYTES)
        _drop_empty_folders(root)


def _due(root: Path) -> bool:
    try:
        return (root / STAMP).lstat().st_mtime < time.time() - EVERY
    except FileNotFoundError:
        return True


def _stamp(root: Path) -> None:
    stamp = root / STAMP
    if stamp.is_symlink():
        stamp.unlink()
    stamp.touch(mode=0o600)


def _entries(root: Path) -> list[Entry]:
    """Every entry of every kind: regular files named *.json in the root's folders."""
    found = []
    with os.scandir(root) as kinds:
        for kind in kinds:
            if not kind.is_dir(follow_symlinks=False):
                continue
            with os.scandir(kind.path) as entries:
                for entry in entries:
                    if entry.name.endswith(".json") and entry.is_file(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                        found.append(Entry(info.st_mtime, info.st_size, entry.path))
    return found


def _drop_old(entries: list[Entry], oldest: float) -> list[Entry]:
    """Delete the entries written before ``oldest``; the rest, newest first."""
    kept = []
    for entry in entries:
        if entry.written < oldest:
            _unlink(entry.path)
        else:
            kept.append(entry)
    return sorted(kept, reverse=True)


def _drop_over_cap(newest_first: list[Entry], cap: int) -> None:
    total = 0
    for entry in newest_first:
        total += entry.size
        if total > cap:
            _unlink(entry.path)


def _drop_empty_folders(root: Path) -> None:
    with os.scandir(root) as kinds:
        for kind in kinds:
            if kind.is_dir(follow_symlinks=False):
                with suppress(OSError):  # not empty: kept
                    os.rmdir(kind.path)  # noqa: PTH106 - a DirEntry's path


def _unlink(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)  # noqa: PTH108 - a DirEntry's path
