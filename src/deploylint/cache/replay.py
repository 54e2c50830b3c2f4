"""Replay an unchanged `check`: the lean front path for a cache hit.

Run twice on the same files with the same arguments, `check` prints the same report. The
second time this module answers before the command line is parsed (typer, the YAML loaders
and the rubric cost ~0.2 s to import and load; a replay, a few ms over Python's start-up).
A recorded run stored its output (stdout and stderr, interleaved as written), its exit code
and what it depended on — each file it read (by content hash), each folder it listed and
each path it stat'ed (kind, size, where it resolves to) — under a key made of the
arguments, the working folder, the environment variables a run reads, today's date, the
output encodings, deploylint's own code and its libraries' files. A run with the same key
replays only when every one of those still holds (paths before folders before contents,
so a link that now leads elsewhere is noticed before anything is read through it);
otherwise the command runs as usual.

What a run reads is heard, not declared: an audit hook hears every open and folder scan,
and while recording, ``os.stat`` and ``os.lstat`` (which pathlib's is_file/exists/resolve
and os.path.realpath use) note each path they are asked about. Only what is safe to replay
is recorded: `check` off a terminal (see deploylint.report.terminal), not --help, that read no
standard input, wrote no file (-o, --write-baseline), started no process but its own pool's
workers (no git, no template sandbox), exited 0 or 1, and whose files didn't change while it
ran. A worker (forked, so hearing as the parent does) hands back what it read with each
result: whether a run used workers, which depends on the machine's load at that moment,
never decides whether it is replayed. Entries
go through deploylint.cache: JSON with an HMAC, written atomically, never trusted to run
anything, pruned after a day. `--no-cache` or DEPLOYLINT_NO_CACHE=1 turns replay off, and in
CI it is off unless DEPLOYLINT_CACHE=1 (deploylint.cache.enabled).
"""

# The paths here are the strings the hooks hear, kept as spelled: os.path, not pathlib.
# ruff: noqa: PTH100, PTH109, PTH116, PTH118

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, TextIO, cast

from deploylint import __version__, cache
from deploylint.cache.codedigest import digest as code_digest
from deploylint.report.terminal import plainly_not_a_terminal

KIND: Final = "replay"
FORMAT: Final = 2  # the entry's layout; a new layout is a new key
COMMAND: Final = "check"
# Every environment variable a run reads (deploylint, typer and rich): any change, a new key.
ENVIRONMENT: Final = frozenset(
    {"COLUMNS", "LINES", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TERM", "HOME"}
    | {"TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "XDG_CACHE_HOME"}
    | {"TERMINAL_WIDTH", "PY_COLORS", "TZ", "CI", "XDG_STATE_HOME"}
)
PREFIXES: Final = ("DEPLOYLINT", "_DEPLOYLINT", "TYPER", "_TYPER")
HASHED_UP_TO: Final = 64 * 2**20  # bytes; a larger file is known by its stat
KEPT_FOR: Final = 86_400  # seconds; the key holds the day, so older entries are dead
# bytes; a run's whole output (10,000 docs' JSON report: ~21 MB), more than other entries:
# a run that prints more is run again, whatever the machine's load
MAX_OUTPUT: Final = 256 * 2**20
_ORDER: Final = {"kind": 0, "folder": 1, "file": 2}
_CODE: Final = (".py", ".pyc", ".so", ".pyd")
# The system as deploylint looks at it (the pool's size, a budget's memory cap): not inputs.
_OWN_STATE: Final = frozenset({"/proc/loadavg", "/proc/self/statm"})
_STARTS_PROCESS: Final = frozenset(
    {"os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.spawn", "os.exec"}
    | {"subprocess.Popen", "pty.spawn"}
)
_WRITES: Final = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def replayed(argv: Sequence[str]) -> int | None:
    """Write the recorded output of this very run and return its exit code; None: run it."""
    try:
        key = _key(argv)
        entry = cache.load(KIND, key, limit=MAX_OUTPUT) if key is not None else None
        if entry is None or not _holds(entry):
            return None
    except Exception:  # a replay is only ever a shortcut: on any surprise, run the command
        return None
    streams = (sys.stdout, sys.stderr)
    for which, text in entry["output"]:
        streams[which].write(text)
    return int(entry["code"])


def _holds(entry: Any) -> bool:
    """A well-formed entry whose every dependency is as it was recorded."""
    try:
        output = entry["output"]
        return (
            entry["code"] in (0, 1)
            and all(which in (0, 1) and isinstance(text, str) for which, text in output)
            and all(signature(kind, path) == was for kind, path, was in entry["depends"])
        )
    except (KeyError, TypeError, ValueError):
        return False


def _key(argv: Sequence[str]) -> bytes | None:
    """What makes two runs the same run, or None when this run is never replayed (worked out
    once: the entry point asks for a replay, then records)."""
    if tuple(argv) not in _KEYS:
        _KEYS[tuple(argv)] = _key_now(argv)
    return _KEYS[tuple(argv)]


_KEYS: dict[tuple[str, ...], bytes | None] = {}


def _key_now(argv: Sequence[str]) -> bytes | None:
    if not argv or argv[0] != COMMAND or {"--help", "-h", "--no-cache"} & set(argv):
        return None
    if any(a == "--fleet-context" or a.startswith("--fleet-context=") for a in argv):
        # The hook's run: its staged doc changes at every commit, so a recording would
        # hardly ever replay, while hearing every context doc's stat cost ~0.1 s a run
        # in a 2,000-doc repository (the context has its own index: fleet_context).
        return None
    if sys.stdout is None or sys.stderr is None:  # closed (`>&-`): the CLI says so, exit 2
        return None
    if cache.folder() is None or sys.stderr.isatty() or not plainly_not_a_terminal():
        return None
    environment = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in ENVIRONMENT or name.startswith(PREFIXES)
    )
    streams = [(s.encoding, s.errors) for s in (sys.stdout, sys.stderr)]
    try:
        where = [os.getcwd(), code_digest()]
    except OSError:  # a working folder that was deleted, say: just run
        return None
    material = [FORMAT, __version__, list(sys.version_info[:2]), list(argv), *where]
    material += [environment, time.strftime("%Y-%m-%d"), streams]
    return json.dumps(material, ensure_ascii=True).encode("ascii")


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
    except ValueError:  # a path no call accepts (a NUL in it): the run failed on it too
        return "error invalid"
    return "unknown"


def _content(path: str) -> str:
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO can't block
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return f"mode {stat.S_IFMT(info.st_mode)}"
        if info.st_size > HASHED_UP_TO:  # ctime: no one can set it back
            return f"large {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"
        digest = hashlib.sha256()
        while chunk := os.read(handle, 2**20):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(handle)


def _listing(path: str) -> str:
    with os.scandir(path) as entries:
        seen = sorted(_entry(entry) for entry in entries)
    return hashlib.sha256(json.dumps(seen, ensure_ascii=True).encode("ascii")).hexdigest()


def _entry(entry: os.DirEntry[str]) -> tuple[str, str]:
    """One entry as the walk sees it; a link loop or an unreachable target is that entry's
    own error (the walk skips it), not the whole folder's."""
    try:
        linked = entry.is_symlink()
        seen = f"{linked} {entry.is_dir()} {entry.is_file()} {_resolved(entry.path, linked)}"
    except OSError as error:
        seen = f"error {error.errno}"
    return entry.name, seen


def _kind(path: str) -> str:
    """Whether ``path`` exists, what it is (a file with its size) and where it leads."""
    try:
        info = os.stat(path)
    except OSError:
        return f"absent {_resolved(path, True)}"
    if stat.S_ISREG(info.st_mode):
        return f"file {info.st_size} {_resolved(path, True)}"
    kind = "folder" if stat.S_ISDIR(info.st_mode) else "other"
    return f"{kind} {_resolved(path, True)}"


def _resolved(path: str, linked: bool) -> str:
    return os.path.realpath(path) if linked else ""


def _stamp(path: str) -> tuple[int, int, int, int] | None:
    """When and how a file was last written, to tell whether it changed during the run."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino


_RECORDING: list[Recording] = []  # the one recording of this process, once started


def record(argv: Sequence[str]) -> Recording | None:
    """Start recording this run (only `check`, off a terminal, with the cache on)."""
    try:
        key = _key(argv)
        if key is None or _RECORDING:
            return None
        _RECORDING.append(Recording(key))
    except Exception:  # no recording, just the run
        return None
    return _RECORDING[0]


def note_read(path: os.PathLike[str] | str, content: bytes) -> None:
    """The run graded these bytes of ``path`` (hashed here: no second read, no race)."""
    if _RECORDING:
        _RECORDING[0].read_bytes(os.fspath(path), content)


def refuse(reason: str) -> None:
    """This run must run again each time (it writes a file, reads stdin, ...)."""
    if _RECORDING:
        _RECORDING[0].refuse(reason)


def pooling(forking: bool) -> None:
    """The forks until ``pooling(False)`` are deploylint's own pool's workers: they hear
    what they read, and hand it back (``heard``), so the run may still be recorded."""
    if _RECORDING:
        _RECORDING[0].pooling = forking


def start_worker() -> None:
    """In a worker just forked: what it hears from now on is its own, to hand back."""
    if _RECORDING:
        _RECORDING[0].forget()


# What a worker heard while it took one item: why it can't be recorded (None: it can),
# the paths it stat'ed and folders it listed, the files it opened, the bytes it graded.
Heard = tuple[str | None, dict[tuple[str, str], str], dict[str, Any], dict[str, str]]


def heard() -> Heard | None:
    """In a worker, after one item: what it heard since the last time (None: it doesn't
    hear, a spawned worker; its parent then can't record the run)."""
    if not _RECORDING:
        return None
    recording = _RECORDING[0]
    found: Heard = (
        recording.refused or ("a worker printed" if recording.output else None),
        recording.depends,
        recording.stamps,
        recording.digests,
    )
    recording.forget()
    return found


def gather(found: Heard | None) -> None:
    """In the parent: what a worker heard is what this run read."""
    if not _RECORDING or _RECORDING[0].refused:
        return
    recording = _RECORDING[0]
    if found is None:
        recording.refuse("a worker that can't tell what it read")
        return
    refused, depends, stamps, digests = found
    if refused is not None:
        recording.refuse(refused)
        return
    for dependency, was in depends.items():
        recording.depends.setdefault(dependency, was)
    for path, stamp in stamps.items():
        recording.stamps.setdefault(path, stamp)
    recording.digests.update(digests)


class Recording:
    """What one run read and printed, kept to be stored when it ends."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.refused: str | None = None
        self.depends: dict[tuple[str, str], str] = {}  # stat'ed paths and listed folders
        self.stamps: dict[str, tuple[int, int, int, int] | None] = {}  # files opened
        self.digests: dict[str, str] = {}  # files whose graded bytes were noted
        self.output: list[tuple[int, str]] = []
        self._printed = 0
        self.pooling = False  # forking the pool's workers, which hand back what they hear
        folder = cache.folder()
        self._cache = os.path.join(os.path.abspath(folder), "") if folder else "\0"
        cwd = os.getcwd()
        code = {os.path.abspath(p) for p in sys.path if p} - {cwd}
        code |= {sys.prefix, sys.base_prefix, sys.exec_prefix}
        self._code = tuple(os.path.join(root, "") for root in code)
        self._busy = False
        self._day = time.strftime("%Y-%m-%d")  # the key's: a run past midnight isn't stored
        self._settled_before = time.time_ns() - cache.RACY_NS  # see RACY_NS
        self._streams = (sys.stdout, sys.stderr)
        sys.stdout = cast("TextIO", _Copy(sys.stdout, 0, self))
        sys.stderr = cast("TextIO", _Copy(sys.stderr, 1, self))
        import shutil  # noqa: F401 - before the wrap: its fd-based rmtree checks os.stat once

        self._os_stat, self._os_lstat = os.stat, os.lstat
        os.stat, os.lstat = self._heard(os.stat), self._heard(os.lstat)
        sys.addaudithook(self._hear)  # can't be removed: it falls silent once finished

    def refuse(self, reason: str) -> None:
        """Stop recording: nothing of this run will be stored, kept or heard (workers forked
        from here on don't pay for hearing)."""
        self.refused = self.refused or reason
        self.output, self.depends, self.stamps, self.digests = [], {}, {}, {}
        os.stat, os.lstat = self._os_stat, self._os_lstat

    def forget(self) -> None:
        """Start afresh (a worker: what the parent heard before the fork is the parent's)."""
        self.output, self.depends, self.stamps, self.digests = [], {}, {}, {}
        self._printed = 0

    def _heard(self, real: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def stat_heard(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            try:
                return real(path, *args, **kwargs)
            finally:
                if isinstance(path, str | bytes | os.PathLike) and kwargs.get("dir_fd") is None:
                    self.depend("kind", os.fsdecode(path))

        return stat_heard

    def _ours(self, where: str) -> bool:
        """deploylint's cache, the pool's look at the system, or code being imported."""
        return (
            where.startswith(self._cache)
            or where in _OWN_STATE
            or (where.endswith(_CODE) and where.startswith(self._code))
        )

    def depend(self, kind: str, path: str) -> None:
        where = os.path.abspath(path)
        if self._busy or self.refused or (kind, where) in self.depends or self._ours(where):
            return
        self._busy = True  # looking raises events and stats of its own
        try:
            self.depends[kind, where] = signature(kind, where)
        finally:
            self._busy = False

    def copy(self, which: int, text: str) -> None:
        """Keep what the run printed, until it can't be stored (then keep nothing)."""
        if self.refused:
            return
        self.output.append((which, text))
        self._printed += len(text)
        if self._printed >= MAX_OUTPUT:  # an entry that large is never read back
            self.refuse("prints more than a cache entry holds")

    def read_bytes(self, path: str, content: bytes) -> None:
        if self.refused:
            return
        where = os.path.abspath(path)
        if where not in self.stamps:
            self.stamps[where] = _stamp(where)
        self.digests[where] = hashlib.sha256(content).hexdigest()

    def _hear(self, event: str, args: tuple[Any, ...]) -> None:
        if self._busy or self.refused:
            return
        if event in _STARTS_PROCESS:
            if not (self.pooling and event == "os.fork"):
                self.refuse(event)
        elif event == "os.scandir" and not isinstance(args[0], int):
            self.depend("folder", os.fsdecode(args[0] if args[0] is not None else "."))
        elif event == "open" and not isinstance(args[0], int) and not args[2] & _WRITES:
            where = os.path.abspath(os.fsdecode(args[0]))
            if where not in self.stamps and not self._ours(where):
                self._busy = True
                try:
                    self.stamps[where] = _stamp(where)
                finally:
                    self._busy = False

    def finish(self, code: object) -> None:
        """Store the run when it may be replayed; in any case stop listening."""
        sys.stdout, sys.stderr = self._streams
        os.stat, os.lstat = self._os_stat, self._os_lstat
        refused, self.refused = self.refused, "finished"
        storable = refused is None and code in (0, 1) and time.strftime("%Y-%m-%d") == self._day
        try:
            depends = self._settled() if storable else None
            if depends is not None:
                entry = {"code": code, "output": self.output, "depends": depends}
                cache.store(KIND, self.key, entry, limit=MAX_OUTPUT)
                cache.prune(KIND, older_than=KEPT_FOR)
        except Exception:  # a recording that can't be stored just isn't: the run is done
            return

    def _settled(self) -> list[list[str]] | None:
        """Every dependency with its signature, or None when one changed during the run."""
        depends = []
        for (kind, path), was in self.depends.items():
            if signature(kind, path) != was:
                return None
            depends.append([kind, path, was])
        for path, stamp in self.stamps.items():
            if _stamp(path) != stamp:
                return None
            small = stamp is not None and stamp[2] <= HASHED_UP_TO
            digest = self.digests.get(path) if small else None
            if digest is None and stamp is not None and stamp[0] >= self._settled_before:
                return None  # hashed now, but read as it was then: only its stat says when
            depends.append(["file", path, digest or signature("file", path)])
        return sorted(depends, key=lambda depend: _ORDER[depend[0]])


class _Copy:
    """A text stream that keeps a copy of what is written through it, in the run's order."""

    def __init__(self, stream: TextIO, which: int, recording: Recording) -> None:
        self.stream, self._which, self._recording = stream, which, recording

    def write(self, text: str) -> int:
        written = self.stream.write(text)  # first: what the stream refuses isn't output
        self._recording.copy(self._which, text)
        return written

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name in ("buffer", "fileno"):  # bytes written past the copy: can't be replayed
            self._recording.refuse(f"writes to the stream's {name}")
        return getattr(self.stream, name)
