"""A content-hash cache for parsed rubric files, so a run doesn't re-parse unchanged YAML.

Entries are plain JSON (never pickle, never code), named by the SHA-256 of the file's bytes
and deploylint's version. Parsing the shipped rubric's 17 files cost ~58 ms of every run
(measured); a hit costs a few. Set DEPLOYLINT_NO_CACHE=1 to bypass it, DEPLOYLINT_CACHE_DIR
to move it; a folder that can't be written is simply not used.

The folder may be shared or restored from somewhere a pull request could write, so nothing
in it is trusted: each entry carries an HMAC (keyed with a secret only this user can read,
over the entry's kind, the content's hash and the data), and an entry that doesn't verify,
is a link, isn't ours or is too large is ignored (the file is parsed again). A poisoned
entry can't change a finding. Entries are written atomically, never through a link.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import time
from functools import cache
from pathlib import Path
from typing import Any, Final

from deploylint import __version__

KEY_FILE: Final = "key"
KEY_BYTES: Final = 32
MAX_ENTRY: Final = 16 * 2**20  # bytes; the shipped rubric's largest entry is ~60 KB
MAC_LINE: Final = 65  # an entry's first line: the HMAC's 64 hex digits and a newline
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)


def folder() -> Path | None:
    """Where entries live: $DEPLOYLINT_CACHE_DIR, else $XDG_CACHE_HOME/deploylint, else ~/.cache
    (None: the cache is off, or there is no home folder to put it in)."""
    if os.environ.get("DEPLOYLINT_NO_CACHE"):
        return None
    explicit = os.environ.get("DEPLOYLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "deploylint"
    try:  # no HOME and a uid the passwd file doesn't know: no cache, not an error
        home = Path("~").expanduser()
    except RuntimeError:
        return None
    return None if str(home) == "~" else home / ".cache" / "deploylint"


def _read_private(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file this user owns (not a link), at most ``limit`` of them."""
    try:
        handle = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > limit:
            return None
        return stream.read(limit + 1)


def _folder_ready(root: Path, kind: str) -> bool:
    """Make the entry folders (private to this user); refuse any that is a link."""
    try:
        for path in (root, root / kind):
            path.mkdir(mode=0o700, parents=path == root, exist_ok=True)
            if path.is_symlink() or path.lstat().st_uid != os.getuid():
                return False
    except OSError:
        return False
    return True


@cache
def _key(root: Path) -> bytes | None:
    """The secret that signs entries: created once, readable by this user only."""
    path = root / KEY_FILE
    key = _read_private(path, KEY_BYTES)
    if key is None and not path.is_symlink():
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            with os.fdopen(handle, "wb") as stream:
                stream.write(os.urandom(KEY_BYTES))
        except OSError:
            return None
        key = _read_private(path, KEY_BYTES)
    if key is None or len(key) != KEY_BYTES or path.lstat().st_mode & 0o077:
        return None
    return key


def _where(kind: str, raw: bytes) -> tuple[Path, bytes, str] | None:
    """The entry's path, the signing key and the content's hash; None: no usable cache."""
    root = folder()
    if root is None or not _folder_ready(root, kind):
        return None
    key = _key(root)
    if key is None:
        return None
    digest = hashlib.sha256(__version__.encode() + b"\0" + raw).hexdigest()
    return root / kind / f"{digest}.json", key, digest


def _mac(key: bytes, kind: str, digest: str, payload: bytes) -> str:
    return hmac.new(key, f"{kind}\0{digest}\0".encode() + payload, hashlib.sha256).hexdigest()


def load(kind: str, raw: bytes) -> Any | None:
    """The data stored for these bytes, or None (no entry, or one that doesn't verify)."""
    where = _where(kind, raw)
    if where is None:
        return None
    entry, key, digest = where
    stored = _read_private(entry, MAX_ENTRY)
    if stored is None:
        return None
    mac, _, payload = stored.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key, kind, digest, payload).encode()):
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return None


def store(kind: str, raw: bytes, data: Any) -> None:
    """Remember ``data`` for these bytes; any failure to write just means no cache."""
    from deploylint.safewrite import write_text

    where = _where(kind, raw)
    if where is None:
        return
    entry, key, digest = where
    try:
        payload = json.dumps(data, ensure_ascii=True)
        if len(payload) + MAC_LINE <= MAX_ENTRY:  # a larger entry would never be read back
            write_text(entry, _mac(key, kind, digest, payload.encode()) + "\n" + payload)
    except (OSError, ValueError, TypeError):
        return


def prune(kind: str, *, older_than: float) -> None:
    """Delete the entries of ``kind`` written over ``older_than`` seconds ago (entries keyed
    on a day that has passed can't be used again); any failure just leaves them."""
    root = folder()
    if root is None or not _folder_ready(root, kind):  # never through a link, never not ours
        return
    oldest = time.time() - older_than
    try:
        with os.scandir(root / kind) as entries:
            for entry in entries:
                if not entry.name.endswith(".json") or not entry.is_file(follow_symlinks=False):
                    continue
                if entry.stat(follow_symlinks=False).st_mtime < oldest:
                    os.unlink(entry.path)  # noqa: PTH108 - a DirEntry's path
    except OSError:
        return
