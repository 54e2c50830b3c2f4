"""Follow renames: a doc moved with `git mv` keeps its known findings under --baseline and
--diff-base, as git's own rename detection pairs the new path with the old one.

Only asked of git when a known finding's file is gone (--baseline) or a doc has nothing at
the base's path (--diff-base): a run that renamed nothing starts no git at all.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from deploylint.input.gitbase import GitError, GitRef
from deploylint.input.sources import Source

Key = tuple[str, str, str]  # rule, file, key path (as deploylint.gate.baseline keys them)


def baseline_followed(
    known: Counter[Key], folder: Path, baseline: Path, gate: GitRef | None = None
) -> Counter[Key]:
    """``known`` with each entry of a file that is gone moved to where git says it went
    since the baseline was last committed (the gate's history under --gate-from)."""
    gone = {file for _, file, _ in known if not file.startswith("<")}
    gone = {file for file in gone if not (folder / file).exists()}
    if not gone:
        return known
    moved = _moved_since_baseline(baseline, gate)
    if not moved:
        return known
    renamed = {}
    for file in gone:
        old = moved[1].relative(folder / file)
        if old is not None and old in moved[0]:
            renamed[file] = os.path.relpath(moved[1].root / moved[0][old], folder)
    followed: Counter[Key] = Counter()
    for (rule, file, path), count in known.items():
        followed[(rule, Path(renamed.get(file, file)).as_posix(), path)] += count
    return followed


def _moved_since_baseline(
    baseline: Path, gate: GitRef | None
) -> tuple[dict[str, str], GitRef] | None:
    """Old path -> new path since the baseline's last commit, and the repository's ref."""
    try:
        head = gate or GitRef("HEAD", baseline.parent, option="--baseline")
        relative = head.relative(baseline)
        since = head.last_commit(relative) if relative is not None else None
        at = GitRef(since, baseline.parent, option="--baseline") if since else head
        return {old: new for new, old in at.renamed().items()}, at
    except GitError:
        return None  # not a repository, or no commit yet: nothing to follow


class BaseRenames:
    """What --diff-base's ref had where a doc is now, following a rename since the ref."""

    def __init__(self, ref: GitRef) -> None:
        self.ref = ref
        self._renamed: dict[str, str] | None = None

    def content(self, source: Source) -> bytes | int | None:
        """The doc at the ref at every path that leads to it now (a new link to a
        grandfathered doc is a new doc); else, for a doc that is only itself, at the path
        git pairs it with as a rename; else None."""
        if source.path is None:
            return None
        contents = {self.ref.read(path) for path in source.at or (source.path,)}
        if contents != {None}:
            return contents.pop() if len(contents) == 1 else None
        if len(source.at) > 1 or source.path.is_symlink():
            return None
        here = self.ref.relative(source.path)
        if self._renamed is None:
            self._renamed = self.ref.renamed()
        old = self._renamed.get(here) if here is not None else None
        return self.ref.read_blob(old) if old is not None else None
