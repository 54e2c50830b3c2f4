"""Cache: one signed store for parsed rubric files, graded results (``results``), fleet
facts (deploylint.fleet.context) and replays of whole runs (``replay``).

Every entry is keyed one way: its kind, and the SHA-256 of deploylint's code
(``codedigest``) with the bytes it stands for; ``key`` holds the secret that signs
entries, ``tidy`` prunes the folder.

Entries are plain JSON (never pickle, never code), named by the SHA-256 of their content's
bytes and of deploylint's own code (deploylint.cache.codedigest: a changed rule is a new entry).
Parsing the shipped rubric's 17 files cost ~58 ms of every run (measured); a hit costs a
few. It lives in $DEPLOYLINT_CACHE_DIR, else $XDG_CACHE_HOME/deploylint, else
~/.cache/deploylint; a folder that can't be written is simply not used.

The folder may be shared or restored from somewhere a pull request could write, so nothing
in it is trusted: each entry carries an HMAC (keyed with a secret kept outside the folder,
deploylint.cache.key, over the entry's kind, the content's hash and the data), and an entry
that doesn't verify, is a link, isn't ours or is too large is ignored (the file is parsed
again). A poisoned entry can't change a finding. Entries are written atomically, never
through a link. In CI (a `CI` variable set, as every CI service sets it) the cache is off
unless DEPLOYLINT_CACHE=1 asks for it; DEPLOYLINT_NO_CACHE=1 turns it off anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from deploylint.cache import key as cachekey

TIDIED: Final = "tidied"  # a file whose time says when the folder was last tidied
TIDY_EVERY: Final = 86_400  # seconds
MAX_ENTRY: Final = 16 * 2**20  # bytes; the shipped rubric's largest entry is ~60 KB
MAC_LINE: Final = 65  # an entry's first line: the HMAC's 64 hex digits and a newline
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
# A file last written this close to a run's start may be written again within the same tick
# of a coarse clock (1 s on HFS+ and some ext4 mounts, 2 s on FAT) with the same size: its
# stat can't vouch for the bytes the run read (git's "racily clean" entries). Whatever is
# kept on a file's stat (the fleet index, a replay) isn't kept for such a file.
RACY_NS: Final = 2_000_000_000


def said(name: str) -> bool:
    """Whether the environment variable ``name`` is set to something other than off
    (empty, ``0`` or ``false``)."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false")


def enabled() -> bool:
    """Off with DEPLOYLINT_NO_CACHE; in CI, on only with DEPLOYLINT_CACHE; else on. A CI job
    may run a pull request's code on a runner whose folders the next job reuses, and a cache
    there holds what that code left: a CI run grades every file unless asked otherwise."""
    if said("DEPLOYLINT_NO_CACHE"):
        return False
    return said("DEPLOYLINT_CACHE") or not said("CI")


def folder() -> Path | None:
    """Where entries live: $DEPLOYLINT_CACHE_DIR, else $XDG_CACHE_HOME/deploylint, else ~/.cache
    (None: the cache is off, or there is no home folder to put it in)."""
    if not enabled():
        return None
    explicit = os.environ.get("DEPLOYLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "deploylint"
    home = cachekey.home()  # None: no HOME and a uid passwd doesn't know; no cache
    return None if home is None else home / ".cache" / "deploylint"


_READY: set[tuple[Path, str]] = set()  # entry folders this process made or checked


def _folder_ready(root: Path, kind: str) -> bool:
    """Make the entry folders (private to this user); refuse any that is a link. Checked
    once per process and folder: a run of thousands of entries asked thousands of times."""
    if (root, kind) in _READY:
        return True
    try:
        for path in (root, root / kind):
            path.mkdir(mode=0o700, parents=path == root, exist_ok=True)
            if path.is_symlink() or path.lstat().st_uid != os.getuid():
                return False
    except OSError:
        return False
    _READY.add((root, kind))
    return True


# What decides the cache's folder and key; a run asks for both once per entry (thousands).
_DECIDES: Final = ("DEPLOYLINT_NO_CACHE", "DEPLOYLINT_CACHE", "CI", "DEPLOYLINT_CACHE_DIR")
_DECIDES_TOO: Final = ("XDG_CACHE_HOME", "XDG_STATE_HOME", "HOME")
_PLACES: dict[tuple[str | None, ...], list[Any]] = {}  # -> [folder, and once asked, key]


def _place() -> list[Any]:
    """``[folder()]``, then its key: worked out once for each environment they read."""
    now = tuple(map(os.environ.get, _DECIDES + _DECIDES_TOO))
    if now not in _PLACES:
        _PLACES[now] = [folder()]
    return _PLACES[now]


def _where(kind: str, raw: bytes, on_code: bool) -> tuple[Path, bytes, str] | None:
    """The entry's path, the signing key and the content's hash (with the code's digest,
    unless ``on_code`` is off: the entry that remembers that digest); None: no cache."""
    place = _place()
    root = place[0]
    if root is None or not _folder_ready(root, kind):
        return None
    if len(place) == 1:
        place.append(cachekey.secret(root))
    key = place[1]
    if key is None:
        return None
    from deploylint.cache.codedigest import digest as code

    material = (code() if on_code else "").encode() + b"\0" + raw
    digest = hashlib.sha256(material).hexdigest()
    return root / kind / f"{digest}.json", key, digest


def _mac(key: bytes, kind: str, digest: str, payload: bytes | memoryview) -> str:
    signed = hmac.new(key, f"{kind}\0{digest}\0".encode(), hashlib.sha256)
    signed.update(payload)
    return signed.hexdigest()


def load(kind: str, raw: bytes, *, on_code: bool = True, limit: int = MAX_ENTRY) -> Any | None:
    """The data stored for these bytes, or None (no entry, or one that doesn't verify, or
    one over ``limit`` bytes)."""
    where = _where(kind, raw, on_code)
    if where is None:
        return None
    entry, key, digest = where
    stored = cachekey.read_owned(entry, limit)
    if stored is None:
        return None
    newline = stored.find(b"\n")
    payload = memoryview(stored)[newline + 1 :]  # not a copy: a replay's entry can be 60 MB
    try:
        if not hmac.compare_digest(stored[:newline], _mac(key, kind, digest, payload).encode()):
            return None
        text = str(payload, "ascii")  # entries are written ASCII
    except UnicodeDecodeError:
        return None
    finally:
        payload.release()
    del stored  # the text alone while it is parsed
    try:
        return json.loads(text)
    except ValueError:
        return None


def store(
    kind: str, raw: bytes, data: Any, *, on_code: bool = True, limit: int = MAX_ENTRY
) -> None:
    """Remember ``data`` for these bytes (not when its entry would pass ``limit`` bytes,
    which ``load`` would refuse); any failure to write just means no cache."""
    from deploylint.input.safewrite import atomic_stream

    _tidy_once()
    where = _where(kind, raw, on_code)
    if where is None:
        return
    entry, key, digest = where
    try:
        signed = hmac.new(key, f"{kind}\0{digest}\0".encode(), hashlib.sha256)
        size = MAC_LINE
        for piece in _pieces(data):  # signed first, then written: never joined whole
            signed.update(piece.encode("ascii"))
            size += len(piece)
            if size > limit:  # a larger entry would never be read back
                return
        with atomic_stream(entry, durable=False) as stream:  # verified when read
            stream.write(signed.hexdigest() + "\n")
            for piece in _pieces(data):
                stream.write(piece)
    except (OSError, ValueError, TypeError):
        return


def _pieces(data: Any) -> Iterator[str]:
    """``json.dumps(data, ensure_ascii=True)``, a piece at a time: a dict a value at a time,
    a list an element at a time (a recorded run's 60 MB of output, encoded whole, was held
    twice more while it was stored)."""
    if isinstance(data, dict) and data and all(isinstance(k, str) for k in data):
        start = "{"
        for name, value in data.items():
            yield start + json.dumps(name, ensure_ascii=True) + ": "
            yield from _pieces(value)
            start = ", "
        yield "}"
    elif isinstance(data, list | tuple) and data:
        start = "["
        for value in data:
            yield start + json.dumps(value, ensure_ascii=True)
            start = ", "
        yield "]"
    else:
        yield json.dumps(data, ensure_ascii=True)


_TIDIED: list[Path] = []  # the folder this process tidied (or found tidy)


def _tidy_once() -> None:
    """Before a process's first entry: tidy the folder, if that is due (deploylint.cache.tidy)."""
    root = folder()
    if root is None or root in _TIDIED:
        return
    _TIDIED.append(root)
    try:
        if os.lstat(root / TIDIED).st_mtime > time.time() - TIDY_EVERY:
            return  # tidied within the day: don't even import the tidying
    except OSError:
        pass
    from deploylint.cache.tidy import tidy

    tidy(root)


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
