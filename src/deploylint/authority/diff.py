"""`deploylint diff`: what a change does to agents' authority, from the base to the work tree.

Only the files git says changed are read, each at both sides; nothing else is (a 1,000-doc
repository with 10 changed docs reads 20 files). No config is read: a pull request can't
hide a doc from the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from deploylint.authority.compare import Change
from deploylint.authority.files import Refused, compare_file, sides
from deploylint.authority.rules import Direction
from deploylint.input.gitbase import GitError
from deploylint.input.gitdiff import Base, changed, open_base
from deploylint.input.sources import display_name
from deploylint.input.walk import is_yaml_name
from deploylint.load.loader import Limits
from deploylint.messages import say
from deploylint.report import RenderOptions


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """What `deploylint diff` was asked, parsed."""

    paths: tuple[str, ...]
    base: str | None  # None: the merge base with the default branch
    format: str = "text"
    fail_on_widened: bool = False
    render: RenderOptions = field(default_factory=RenderOptions)


@dataclass(frozen=True, slots=True)
class DiffReport:
    """The changes found, against which base, and what kept any file from being read."""

    named: str
    commit: str
    merge_base: bool
    changes: tuple[Change, ...]
    errors: tuple[str, ...] = ()
    gating: bool = False

    def count(self, direction: Direction) -> int:
        return sum(1 for change in self.changes if change.direction == direction)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.gating and self.count(Direction.WIDENED) else 0

    @property
    def against(self) -> str:
        how = "merge base" if self.merge_base else "commit"
        return f"{self.named} ({how} {self.commit[:12]})"


def _namer(root: Path) -> Callable[[str], str]:
    """A path below the repository root as the user sees it: from the working folder."""

    def named(relative: str) -> str:
        return display_name(Path(os.path.relpath(root / relative)))

    return named


def authority_changes(
    base: Base, paths: Sequence[str], limits: Limits, *, gating: bool = False
) -> DiffReport:
    """Every change in authority under ``paths``, file by file, in path order."""
    named = _namer(base.ref.root)
    found: list[Change] = []
    errors: list[str] = []
    for item in sorted(changed(base.ref, paths), key=lambda c: c.new or c.old or ""):
        if not is_yaml_name(item.new or item.old or ""):
            continue
        try:
            before, after = sides(item, base.ref, limits, named)
        except Refused as error:
            errors.append(str(error))
            continue
        found += compare_file(item, before, after, named)
    report = (base.named, base.ref.commit, base.merge_base, tuple(found), tuple(errors))
    return DiffReport(*report, gating=gating)


def run_diff(options: DiffOptions, *, out: TextIO, err: TextIO) -> int:
    """Compare, render, and return the exit code (0, 1 when gating on a widening, 2)."""
    from deploylint.authority.render import RENDERERS

    limits = Limits()
    try:
        base = open_base(options.base, Path.cwd(), max_bytes=limits.max_bytes)
        try:
            paths = options.paths or (".",)
            report = authority_changes(base, paths, limits, gating=options.fail_on_widened)
        finally:
            base.ref.close()
    except GitError as error:
        say(err, str(error))
        return 2
    for message in report.errors:
        say(err, message)
    out.write(RENDERERS[options.format](report, options.render))
    return report.exit_code
