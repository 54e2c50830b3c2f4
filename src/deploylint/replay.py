"""Replay an unchanged `check`: the lean front path for a cache hit.

Run twice on the same files with the same arguments, `check` prints the same report. The
second time this module answers before the command line is parsed (typer, the YAML loaders
and the rubric cost ~0.2 s to import and load; a replay, a few ms over Python's start-up).
A recorded run stored its output, its exit code and what it depended on — each file it
read (by content hash), each folder it listed, each path whose kind it tested — under a key
made of the arguments, the working folder, the environment variables a run reads, today's
date, the output encodings and deploylint's own code. A run with the same key replays only
when every one of those still holds; otherwise (no entry, one byte changed, a new file in a
walked folder, an entry that doesn't verify) the command runs as usual.

Only what is safe to replay is recorded: `check` off a terminal (no colour or width to
match) that read no standard input, wrote no file (-o, --write-baseline), started no process
(git, workers, the template sandbox) and exited 0 or 1. The recording hears what the
process reads through an audit hook (every open and folder scan); what a stat alone decides
(a named path's kind, the config's discovery) the code notes with ``note_kind``. Entries go
through deploylint.cache: JSON with an HMAC, written atomically, never trusted to run
anything. `--no-cache` or DEPLOYLINT_NO_CACHE=1 turns replay off with the other caches.
"""

# The paths here are the strings the audit hook hears, kept as spelled: os.path, not pathlib.
# ruff: noqa: PTH100, PTH109, PTH114, PTH115, PTH116, PTH118, PTH120

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Sequence
from typing import Any, Final, TextIO, cast

from deploylint import __version__, cache

KIND: Final = "replay"
FORMAT: Final = 1  # the entry's layout; a new layout is a new key
COMMAND: Final = "check"
# Every environment variable a run reads (deploylint, typer and rich): any change, a new key.
ENVIRONMENT: Final = frozenset(
    {"COLUMNS", "LINES", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TERM", "HOME"}
    | {"TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "XDG_CACHE_HOME"}
)
PREFIXES: Final = ("DEPLOYLINT", "_DEPLOYLINT", "TYPER", "_TYPER")
HASHED_UP_TO: Final = 64 * 2**20  # bytes; a larger file is known by size, time and inode
_CODE: Final = (".py", ".pyc", ".so", ".pyd")  # what imports open: deploylint's is keyed apart
_STATE: Final = "/proc/"  # the system's state (free cores), not an input to the report
_STARTS_PROCESS: Final = frozenset(
    {"os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.spawn", "os.exec"}
    | {"subprocess.Popen", "pty.spawn"}
)
_WRITES: Final = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def replayed(argv: Sequence[str]) -> int | None:
    """Write the recorded output of this very run and return its exit code; None: run it."""
    key = _key(argv)
    entry = cache.load(KIND, key) if key is not None else None
    if entry is None or not _holds(entry):
        return None
    sys.stdout.write(entry["stdout"])
    sys.stderr.write(entry["stderr"])
    return int(entry["code"])


def _holds(entry: Any) -> bool:
    """A well-formed entry whose every dependency is as it was recorded."""
    try:
        return (
            isinstance(entry, dict)
            and entry["code"] in (0, 1)
            and isinstance(entry["stdout"], str)
            and isinstance(entry["stderr"], str)
            and all(signature(kind, path) == was for kind, path, was in entry["depends"])
        )
    except (KeyError, TypeError, ValueError):
        return False


def _key(argv: Sequence[str]) -> bytes | None:
    """What makes two runs the same run, or None when this run is never replayed."""
    if not argv or argv[0] != COMMAND or "--no-cache" in argv or cache.folder() is None:
        return None
    if sys.stdout.isatty() or sys.stderr.isatty():
        return None
    environment = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in ENVIRONMENT or name.startswith(PREFIXES)
    )
    streams = [(s.encoding, s.errors) for s in (sys.stdout, sys.stderr)]
    material = [FORMAT, __version__, list(sys.version_info[:2]), _code(), list(argv)]
    material += [os.getcwd(), environment, time.strftime("%Y-%m-%d"), streams]
    return json.dumps(material, ensure_ascii=True).encode("ascii")


def _code() -> list[tuple[str, int, int]]:
    """deploylint's own modules by name, size and time: an edited checkout is a new key."""
    package = os.path.dirname(os.path.abspath(__file__))
    found, folders = [], [package]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    found.append((entry.path[len(package) :], info.st_size, info.st_mtime_ns))
    return sorted(found)


def signature(kind: str, path: str) -> str:
    """What a run saw at ``path``: a file's content, a folder's entries, a path's kind."""
    try:
        if kind == "file":
            return _content(path)
        if kind == "folder":
            return _listing(path)
        if kind == "kind":
            return _kind(path)
    except OSError as error:
        return f"error {error.errno}"
    return "unknown"


def _content(path: str) -> str:
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO can't block
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return f"mode {stat.S_IFMT(info.st_mode)}"
        if info.st_size > HASHED_UP_TO:
            return f"large {info.st_size} {info.st_mtime_ns} {info.st_ino}"
        digest = hashlib.sha256()
        while chunk := os.read(handle, 2**20):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(handle)


def _listing(path: str) -> str:
    with os.scandir(path) as entries:
        seen = sorted(
            (e.name, e.is_symlink(), e.is_dir(), e.is_file(), _target(e.path, e.is_symlink()))
            for e in entries
        )
    return hashlib.sha256(json.dumps(seen, ensure_ascii=True).encode("ascii")).hexdigest()


def _kind(path: str) -> str:
    linked = os.path.islink(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return f"absent {_target(path, linked)}"
    kind = "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
    return f"{kind} {_target(path, linked)}"


def _target(path: str, linked: bool) -> str:
    return os.readlink(path) if linked else ""


_RECORDING: list[Recording] = []  # the one recording of this process, once started


def record(argv: Sequence[str]) -> Recording | None:
    """Start recording this run (only `check`, off a terminal, with the cache on)."""
    key = _key(argv)
    if key is None or _RECORDING:
        return None
    _RECORDING.append(Recording(key))
    return _RECORDING[0]


def note_kind(path: os.PathLike[str] | str) -> None:
    """This run decided something from whether ``path`` exists and what it is."""
    if _RECORDING:
        _RECORDING[0].depend("kind", os.fspath(path))


def refuse(reason: str) -> None:
    """This run must run again each time (it writes a file, reads stdin, ...)."""
    if _RECORDING:
        _RECORDING[0].refused = _RECORDING[0].refused or reason


class Recording:
    """What one run read and printed, kept to be stored when it ends."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.refused: str | None = None
        self.depends: dict[tuple[str, str], str] = {}
        folder = cache.folder()
        self._cache = os.path.join(os.path.abspath(folder), "") if folder else None
        self._busy = False
        self._stdout, self._stderr = _Copy(sys.stdout, self), _Copy(sys.stderr, self)
        sys.stdout, sys.stderr = cast("TextIO", self._stdout), cast("TextIO", self._stderr)
        sys.addaudithook(self._hear)  # can't be removed: it falls silent once refused

    def depend(self, kind: str, path: str) -> None:
        where = os.path.abspath(path)
        if self._busy or self.refused or (kind, where) in self.depends:
            return
        self._busy = True  # reading it raises events of its own
        try:
            self.depends[kind, where] = signature(kind, where)
        finally:
            self._busy = False

    def _hear(self, event: str, args: tuple[Any, ...]) -> None:
        if self._busy or self.refused:
            return
        if event in _STARTS_PROCESS:
            self.refused = event
        elif event == "os.scandir" and not isinstance(args[0], int):
            self.depend("folder", os.fsdecode(args[0] if args[0] is not None else "."))
        elif event == "open" and not isinstance(args[0], int) and not args[2] & _WRITES:
            path = os.fsdecode(args[0])
            cached = self._cache is not None and os.path.abspath(path).startswith(self._cache)
            if not path.endswith(_CODE) and not cached and not path.startswith(_STATE):
                self.depend("file", path)

    def finish(self, code: object) -> None:
        """Store the run when it may be replayed; in any case stop listening."""
        sys.stdout, sys.stderr = self._stdout.stream, self._stderr.stream
        refused, self.refused = self.refused, "finished"
        if refused is not None or code not in (0, 1):
            return
        cache.store(
            KIND,
            self.key,
            {
                "code": code,
                "stdout": "".join(self._stdout.text),
                "stderr": "".join(self._stderr.text),
                "depends": [[kind, path, was] for (kind, path), was in self.depends.items()],
            },
        )


class _Copy:
    """A text stream that keeps a copy of what is written through it."""

    def __init__(self, stream: TextIO, recording: Recording) -> None:
        self.stream, self._recording = stream, recording
        self.text: list[str] = []

    def write(self, text: str) -> int:
        self.text.append(text)
        return self.stream.write(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name in ("buffer", "fileno"):  # bytes written past the copy: can't be replayed
            refuse(f"writes to the stream's {name}")
        return getattr(self.stream, name)
