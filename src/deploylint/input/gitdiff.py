"""Which files changed since a base commit, and which base to take by default (for
`deploylint diff`), asked of git the hardened way :mod:`deploylint.input.gitbase` runs it.

Paths are literal (``--literal-pathspecs``: a file named ``:(exclude)x`` is that file), the
repository's config can't make the names relative or run an external diff or textconv, and
nothing is fetched: without the network, the default branch is the first of ``origin/HEAD``,
``origin/main``, ``origin/master``, ``main``, ``master`` that names a commit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from deploylint.input.gitbase import GitError, GitRef, git

DEFAULT_BRANCHES: Final = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
_DIFF: Final = (
    "--literal-pathspecs",
    "-c",
    "diff.relative=false",
    "diff",
    "--name-status",
    "-z",
    "-M",
    "--no-ext-diff",
    "--no-textconv",
    "--ignore-submodules=all",
)


@dataclass(frozen=True, slots=True)
class Changed:
    """A file that changed: ``A`` added, ``D`` deleted, ``M`` modified, ``R`` renamed
    (git's rename detection), ``T`` its type changed; paths below the repository root."""

    status: str
    old: str | None  # at the base
    new: str | None  # in the work tree


@dataclass(frozen=True, slots=True)
class Base:
    """The commit compared with, and how it was chosen."""

    ref: GitRef
    named: str  # --base as given, or the default branch found
    merge_base: bool  # the merge base of ``named`` and HEAD


def _commit(name: str, start: Path) -> bool:
    found = git(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}", cwd=start
    )
    return found.returncode == 0


def open_base(given: str | None, start: Path, *, max_bytes: int) -> Base:
    """``--base`` as given, or the merge base of the default branch and HEAD."""
    if given is not None:
        return Base(GitRef(given, start, option="--base", max_bytes=max_bytes), given, False)
    if git("rev-parse", "--show-toplevel", cwd=start).returncode != 0:
        raise GitError(f"diff: {start.resolve()} is not inside a git repository")
    branch = next((name for name in DEFAULT_BRANCHES if _commit(name, start)), None)
    if branch is None:
        tried = ", ".join(DEFAULT_BRANCHES)
        raise GitError(
            f"diff: no default branch to compare with ({tried}): name the base with --base REF"
        )
    merge = git("merge-base", branch, "HEAD", cwd=start)
    if merge.returncode != 0:
        raise GitError(
            f"diff: no merge base of {branch} and HEAD (a shallow clone? fetch "
            "more history, or name the base with --base REF)"
        )
    commit = merge.stdout.decode().strip()
    return Base(GitRef(commit, start, option="--base", max_bytes=max_bytes), branch, True)


def pathspecs(base: GitRef, paths: Sequence[str]) -> list[str]:
    """Each PATH as git names it below the repository root (never through a link); an
    error for one outside the repository, or in neither the work tree nor the base."""
    specs = []
    for given in paths:
        relative = base.relative(Path(given))
        if relative is None:
            raise GitError(f"{given}: outside the repository")
        here = os.path.lexists(given)
        if not here and not base.files(relative):
            raise GitError(f"{given}: no such file or folder (here or at {base.ref})")
        specs.append(relative or ".")
    return specs


def changed(base: GitRef, paths: Sequence[str]) -> list[Changed]:
    """The files under ``paths`` that differ between the base and the work tree, and the
    untracked ones (not ignored), as git's rename detection pairs them."""
    specs = pathspecs(base, paths)
    listed = git(*_DIFF, base.commit, "--", *specs, cwd=base.root)
    if listed.returncode != 0:
        raise GitError(f"diff: git could not compare with {base.ref}")
    fields = [os.fsdecode(part) for part in listed.stdout.split(b"\0")]
    found, at = [], 0
    while at < len(fields) - 1:
        status = fields[at][:1]
        if status in "RC":  # a copy (never asked for) would be a new file
            old = fields[at + 1] if status == "R" else None
            found.append(Changed("R" if old else "A", old, fields[at + 2]))
            at += 3
        else:
            old = None if status == "A" else fields[at + 1]
            found.append(Changed(status, old, None if status == "D" else fields[at + 1]))
            at += 2
    untracked = git(
        "--literal-pathspecs",
        "ls-files",
        "-z",
        "--others",
        "--exclude-standard",
        "--",
        *specs,
        cwd=base.root,
    )
    names = untracked.stdout.split(b"\0") if untracked.returncode == 0 else []
    found += [Changed("A", None, os.fsdecode(n)) for n in names if n and not n.endswith(b"/")]
    return found
