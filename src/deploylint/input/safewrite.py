"""Write a file atomically without following links: every file deploylint writes goes here.

A pull request controls the checkout, so any path deploylint writes to (a report, a baseline,
``init -o``, ``schema -o``, a cache entry) may be a committed symlink to ``.git/hooks/...``.
So: the file is written to a temporary file in the same folder (an unpredictable name,
created with ``O_EXCL | O_NOFOLLOW``), then renamed over the target, which replaces a link
rather than writing through it; a target that is a link, or a folder on the way that is a
link (below the working directory, the part a checkout controls), is refused. A run killed
half-way leaves the previous file as it was. A character device (`-o /dev/null`) is written
in place, never replaced; a FIFO, socket or block device is refused.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final, TextIO

_CREATE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
LINK: Final = "is a symbolic link; deploylint doesn't write through links"


def _refuse(why: str, code: int = errno.ELOOP) -> OSError:
    """An OSError whose ``strerror`` callers print after the path they were asked for."""
    return OSError(code, why)


def _check_folders(folder: Path) -> None:
    """Refuse a folder on the way that is a link, from the working directory down."""
    absolute = Path(os.path.normpath(folder.absolute()))  # not resolve(): links must show
    here = Path.cwd()
    if not absolute.is_relative_to(here):
        return
    current = here
    for part in absolute.relative_to(here).parts:
        current = current / part
        if current.is_symlink():
            raise _refuse(f"{current} {LINK}")


def _special(name: str, folder_fd: int) -> int | None:
    """An open descriptor when ``name`` is a character device (``/dev/null``), None when it is
    a regular file or absent; anything else (a FIFO, a socket, a block device) is refused:
    renaming over it would replace it, and opening a FIFO could wait for a reader forever."""
    try:
        mode = os.lstat(name, dir_fd=folder_fd).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None  # a folder fails at the rename, with the usual message
    if not stat.S_ISCHR(mode):
        raise _refuse("is not a regular file; deploylint only writes files", errno.EINVAL)
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    return os.open(name, flags, dir_fd=folder_fd)


def _is_link(name: str, folder_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode)
    except FileNotFoundError:
        return False


@contextmanager
def atomic_stream(path: Path, *, replace: bool = True, durable: bool = True) -> Iterator[TextIO]:
    """A UTF-8 text stream whose content becomes ``path`` only when the block ends without
    an exception. ``replace=False``: refuse when anything (even a dangling link) is there.
    ``durable=False`` skips the fsync: for cache entries, which are verified when read (a
    torn one after a crash is a miss), and whose fsync was a fifth of a cold hook run."""
    folder, name = path.parent, path.name
    if not name or name in (".", ".."):
        raise _refuse("not a file name", errno.EISDIR)
    _check_folders(folder)
    folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    try:
        if _is_link(name, folder_fd):
            raise _refuse(LINK)
        device = _special(name, folder_fd)
        if device is not None:  # /dev/null: written in place; renaming over it would delete it
            with os.fdopen(device, "w", encoding="utf-8", newline="") as stream:
                yield stream
            return
        handle = os.open(temporary, _CREATE, 0o666, dir_fd=folder_fd)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                yield stream
                stream.flush()
                if durable:
                    os.fsync(stream.fileno())
            _commit(temporary, name, folder_fd, replace=replace)
        except BaseException:
            _discard(temporary, folder_fd)
            raise
    finally:
        os.close(folder_fd)


def _commit(temporary: str, name: str, folder_fd: int, *, replace: bool) -> None:
    if replace:
        os.rename(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        return
    try:  # link() never replaces: an existing file or link (dangling too) is EEXIST
        os.link(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except FileExistsError:
        raise _refuse("exists; not overwriting it", errno.EEXIST) from None
    finally:
        _discard(temporary, folder_fd)


def _discard(temporary: str, folder_fd: int) -> None:
    with suppress(FileNotFoundError):
        os.unlink(temporary, dir_fd=folder_fd)


def write_text(path: Path, text: str, *, replace: bool = True, durable: bool = True) -> None:
    """Write ``text`` to ``path`` atomically, never through a link (OSError when refused)."""
    with atomic_stream(path, replace=replace, durable=durable) as stream:
        stream.write(text)
