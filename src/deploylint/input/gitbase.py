"""Read files as they were at a git ref (for --diff-base and --gate-from), without touching
the work tree.

The repository is the pull request's: its config could name helpers git would run. So git
runs with no external diff or textconv, no fsmonitor or hooks, no network (no protocol is
allowed, no lazy fetch of missing objects) and no prompt. Blobs come from one
``git cat-file --batch`` process for the whole run, and a blob's size is known before it is
read: one over the limit is never read at all.

A path is looked up in the ref's tree by its spelling below the repository root: a link the
pull request puts in the work tree (``rubrics/ours -> .``, a linked ``.deploylint.yaml``)
never changes what is read at the ref. The ref's own links are followed inside its tree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO, Final

from deploylint.load.loader import Limits

_HARDENED: Final = (
    "-c",
    "protocol.allow=never",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "diff.external=",
    "-c",
    "core.askPass=",
    "-c",
    "credential.helper=",
)
_ENV: Final = {
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_PROTOCOL_FROM_USER": "0",
}
# --follow-symlinks answers these with a second line (the link's text or the name asked)
_NAMING_LINE_FOLLOWS: Final = frozenset({b"symlink", b"dangling", b"loop", b"notdir"})
_UNSET: Final = ("GIT_EXTERNAL_DIFF", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND")


class GitError(Exception):
    """Not a git repository, or a ref that doesn't name a commit: a one-line message, exit 2."""


def _environment() -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in _UNSET}
    return {**inherited, **_ENV}


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run git the one hardened way (no helpers, hooks, network or prompt); never raises
    for git's own failure (see ``returncode``)."""
    try:
        return subprocess.run(
            ["git", *_HARDENED, *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
            env=_environment(),
        )
    except OSError as error:
        raise GitError(f"git could not be run: {error.strerror or error}") from None


class GitRef:
    """One commit of the repository that holds ``start``."""

    def __init__(
        self, ref: str, start: Path, *, option: str = "--diff-base", max_bytes: int | None = None
    ) -> None:
        top = git("rev-parse", "--show-toplevel", cwd=start)
        if top.returncode != 0:
            raise GitError(f"{option} {ref}: {start.resolve()} is not inside a git repository")
        self.root = Path(os.fsdecode(top.stdout.rstrip(b"\n")))
        self._real_root = os.path.realpath(self.root)
        commit = git(
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{ref}^{{commit}}",
            cwd=self.root,
        )
        if commit.returncode != 0:
            raise GitError(f"{option} {ref}: no such commit, branch or tag")
        self.ref, self.commit = ref, commit.stdout.decode().strip()
        self.max_bytes = max_bytes or Limits().max_bytes
        self._batch: subprocess.Popen[bytes] | None = None

    def relative(self, path: Path) -> str | None:
        """``path`` as git names it in the ref's tree: its spelling below the repository root,
        ``..`` collapsed by name, never through a link in the work tree (None: outside it).

        The root is sought from the top down: a link above it (a runner's /tmp) leads to the
        root itself, while a link the work tree holds (``x -> .``) comes below it."""
        spelled = Path(os.path.normpath(path.absolute()))
        for top in reversed((spelled, *spelled.parents)):
            if os.path.realpath(top) == self._real_root:
                return spelled.relative_to(top).as_posix()
        return None

    def read(self, path: Path) -> bytes | int | None:
        """The file's bytes at the ref; its size when over the limit (nothing read); None when
        it didn't exist there, isn't a file, or is outside the repository."""
        relative = self.relative(path)
        return None if relative is None else self.read_blob(relative)

    def read_blob(self, relative: str) -> bytes | int | None:
        if "\n" in relative:
            return None  # can't be asked of cat-file's line protocol
        batch = self._started()
        assert batch.stdin is not None and batch.stdout is not None
        name = self.commit.encode() + b":" + os.fsencode(relative) + b"\n"
        batch.stdin.write(b"info " + name)
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header and header[0] in _NAMING_LINE_FOLLOWS:  # a link out, dangling or looping
            _exactly(batch.stdout, int(header[1]) + 1)
            return None
        if len(header) != 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        if size > self.max_bytes:
            return size
        batch.stdin.write(b"contents " + name)
        batch.stdin.flush()
        batch.stdout.readline()  # the header again
        return _exactly(batch.stdout, size + 1)[:size]  # the blob, then a newline

    def files(self, relative: str) -> list[str]:
        """The paths of the files at or below ``relative`` at the ref (repository-relative)."""
        listed = git(
            "ls-tree", "-r", "-z", "--name-only", self.commit, "--", relative, cwd=self.root
        )
        if listed.returncode != 0:
            return []
        return [os.fsdecode(name) for name in listed.stdout.split(b"\0") if name]

    def renamed(self) -> dict[str, str]:
        """Files git's rename detection pairs between the ref and the work tree: new path ->
        old path (repository-relative). Regular files only (a link is never the doc it
        points at), and renames only, never copies: the old path is gone."""
        listed = git(
            "diff", "--raw", "-z", "-M", "--no-ext-diff", "--no-textconv", self.commit, "--",
            cwd=self.root,
        )  # fmt: skip
        fields = listed.stdout.split(b"\0") if listed.returncode == 0 else []
        pairs, at = {}, 0
        while at < len(fields) - 1:
            head = fields[at].split()
            named = 2 if len(head) == 5 and head[4][:1] in (b"R", b"C") else 1
            regular = len(head) == 5 and head[0][1:4] == head[1][:3] == b"100"
            if named == 2 and head[4][:1] == b"R" and regular:
                pairs[os.fsdecode(fields[at + 2])] = os.fsdecode(fields[at + 1])
            at += 1 + named
        return pairs

    def last_commit(self, relative: str) -> str | None:
        """The newest commit at or before the ref that changed ``relative`` (None: none)."""
        found = git("log", "-1", "--format=%H", self.commit, "--", relative, cwd=self.root)
        commit = found.stdout.decode().strip() if found.returncode == 0 else ""
        return commit or None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._batch is None:
            try:
                self._batch = subprocess.Popen(
                    ["git", *_HARDENED, "cat-file", "--batch-command", "--follow-symlinks"],
                    cwd=self.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_environment(),
                )
            except OSError as error:
                raise GitError(f"git could not be run: {error.strerror or error}") from None
        return self._batch

    def close(self) -> None:
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None

    def __del__(self) -> None:
        batch = getattr(self, "_batch", None)
        if batch is not None and batch.poll() is None:
            batch.kill()
            batch.wait()


def _exactly(stream: IO[bytes], size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            raise GitError("git cat-file stopped before the end of a blob")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
