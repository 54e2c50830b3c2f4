"""The secret that signs cache entries, kept apart from the cache it signs.

A CI cache (actions/cache, a GitLab cache, a shared runner's folder) may be restored from a
job that ran a pull request's code. Were the key inside the cache folder, that job could sign
a forged "no findings" entry and ship the key beside it. So the key lives in the user's
state folder ($XDG_STATE_HOME/deploylint, else ~/.local/state/deploylint), never inside the
cache folder: a cache folder restored alone makes no entry verify. It is created 0600 in a
0700 folder, and refused (no cache, not an error) when the file or its folder is a link,
isn't this user's, or is open to the group or others.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Final

KEY_FILE: Final = "cache-key"
KEY_BYTES: Final = 32
PRIVATE: Final = 0o077  # mode bits no one but the user may hold on the key or its folder
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)


def home() -> Path | None:
    """The user's home folder; None when there is none (no HOME, a uid passwd doesn't know)."""
    try:
        found = Path("~").expanduser()
    except RuntimeError:
        return None
    return None if str(found) == "~" else found


def key_folder() -> Path | None:
    """Where the key lives: $XDG_STATE_HOME/deploylint, else ~/.local/state/deploylint."""
    base = os.environ.get("XDG_STATE_HOME")
    if base:
        return Path(base) / "deploylint"
    found = home()
    return None if found is None else found / ".local" / "state" / "deploylint"


def secret(cache_root: Path) -> bytes | None:
    """The key that signs the entries under ``cache_root``, made on first use; None: no
    usable key (then there is no cache)."""
    folder = key_folder()
    if folder is None or _inside(folder, cache_root):
        return None
    return _secret(folder / KEY_FILE)


@cache  # a run asks once per entry: thousands of realpaths for one answer
def _inside(folder: Path, cache_root: Path) -> bool:
    """Whether the key would travel with the cache (a state folder set inside it)."""
    key, root = os.path.realpath(folder), os.path.realpath(cache_root)
    return os.path.commonpath([key, root]) == root


@cache
def _secret(path: Path) -> bytes | None:
    if not _private_folder(path.parent):
        return None
    key = read_owned(path, KEY_BYTES, private=True)
    if key is None and not os.path.lexists(path):
        _create(path)
        key = read_owned(path, KEY_BYTES, private=True)
    return key if key is not None and len(key) == KEY_BYTES else None


def _private_folder(folder: Path) -> bool:
    """The key's folder, made 0700 if absent; it must be this user's, not a link, not shared."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    return _owned_and_private(info) and stat.S_ISDIR(info.st_mode)


def _owned_and_private(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & PRIVATE


def read_owned(path: Path, limit: int, *, private: bool = False) -> bytes | None:
    """The bytes of a regular file this user owns (not a link), at most ``limit`` of them
    (one more: a file that grew shows it); with ``private``, only if it is 0600 or stricter."""
    try:
        handle = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > limit:
            return None
        if private and info.st_mode & PRIVATE:
            return None
        return stream.read(limit + 1)


def _create(path: Path) -> None:
    """Write a new key whole, then link it into place: a run racing this one reads either no
    key or the whole key, never a part, and the first key made is the one both keep."""
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{os.urandom(6).hex()}")
    with suppress(OSError):  # another run made it first (then it is read), or no cache
        handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(KEY_BYTES))
        os.link(draft, path)
    with suppress(OSError):
        draft.unlink()
