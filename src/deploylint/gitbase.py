"""Read files as they were at a git ref (for --diff-base), without touching the work tree."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """Not a git repository, or a ref that doesn't name a commit: a one-line message, exit 2."""


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as error:
        raise GitError(f"git could not be run: {error.strerror or error}") from None


class GitRef:
    """One commit of the repository that holds ``start``."""

    def __init__(self, ref: str, start: Path) -> None:
        top = _git("rev-parse", "--show-toplevel", cwd=start)
        if top.returncode != 0:
            raise GitError(f"--diff-base {ref}: {start.resolve()} is not inside a git repository")
        self.root = Path(top.stdout.decode().strip())
        commit = _git(
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{ref}^{{commit}}",
            cwd=self.root,
        )
        if commit.returncode != 0:
            raise GitError(f"--diff-base {ref}: no such commit, branch or tag")
        self.ref, self.commit = ref, commit.stdout.decode().strip()

    def read(self, path: Path) -> bytes | None:
        """The file's bytes at the ref, or None when it didn't exist there (or is outside)."""
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        shown = _git("show", f"{self.commit}:{relative}", cwd=self.root)
        return shown.stdout if shown.returncode == 0 else None
