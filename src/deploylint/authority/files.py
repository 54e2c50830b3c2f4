"""Read a changed file at the base and in the work tree, and compare its docs.

At the base, a file is read through :class:`~deploylint.input.gitbase.GitRef` (one ``cat-file``
process, by its spelling below the repository root, never through a link in the work
tree). In the work tree, it is read as a folder walk reads a doc: a link is followed only
to a regular file inside the repository and outside ``.git``; anything else is an error
naming it, never a pass with the doc unread. A doc that can't be read, or that YAML readers
read differently (DL014), is one ``doc_unreadable`` change: what can't be read can't be
shown not to widen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from deploylint.authority.compare import Change, Doc, compare_docs, pair, read_doc, renamed
from deploylint.authority.kinds import KINDS
from deploylint.authority.rules import WIDENED
from deploylint.input.gitbase import GitRef
from deploylint.input.gitdiff import Changed
from deploylint.input.sources import Source, Unreadable, read
from deploylint.input.walk import INTO_GIT, NOT_REGULAR
from deploylint.load.loader import Limits, load_bytes
from deploylint.model.identity import key
from deploylint.model.written import is_deploylint_doc

_MARKERS: Final = (b"deploylint/", b"AgentDeployment")  # a doc says one: read nothing else
OUT_OF_REPOSITORY: Final = "a link leading out of the repository: not read"


class Refused(Exception):
    """A work-tree file deploylint won't or can't read: one line, and the run is incomplete."""


@dataclass(frozen=True, slots=True)
class Side:
    """A file's deploylint docs on one side, or why they can't be read."""

    docs: tuple[Doc, ...] = ()
    unreadable: str | None = None
    line: int = 1


def side(name: str, raw: bytes | int | None, limits: Limits) -> Side:
    """The docs in ``raw`` (None: no such file; an int: its size, over the limit)."""
    if raw is None:
        return Side()
    if isinstance(raw, int):
        return Side(unreadable=f"{raw:,} bytes, over the {limits.max_bytes:,}-byte limit")
    if not any(marker in raw for marker in _MARKERS):
        return Side()  # YAML that isn't a deploylint doc
    loaded = load_bytes(raw, limits)
    for doc in loaded:
        problems = [p for p in doc.problems if not doc.gradable or p.rule == "DL014"]
        if problems:
            first = problems[0]
            return Side(unreadable=f"{first.rule} {first.message}", line=first.position.line)
    return Side(tuple(read_doc(name, d) for d in loaded if is_deploylint_doc(d.data)))


def work_tree(root: Path, relative: str, name: str, max_bytes: int) -> bytes | int | None:
    """A file's bytes in the work tree (see the module's docstring), None when gone."""
    path = root / relative
    if not os.path.lexists(path):
        return None
    real, fence = os.path.realpath(path), os.path.realpath(root)
    inside = Path(os.path.relpath(real, fence)).parts
    if inside[:1] == (os.pardir,):
        raise Refused(f"{name}: {OUT_OF_REPOSITORY}")
    if inside[:1] == (".git",):
        raise Refused(f"{name}: {INTO_GIT}")
    if not Path(real).is_file():
        raise Refused(f"{name}: {NOT_REGULAR}")
    try:
        return read(Source(name, Path(real)), max_bytes)
    except Unreadable as error:
        raise Refused(str(error)) from None


def sides(
    item: Changed, base: GitRef, limits: Limits, named: Callable[[str], str]
) -> tuple[Side, Side]:
    """The file at the base and now."""
    before = side(named(item.old), base.read_blob(item.old), limits) if item.old else Side()
    if item.new is None:
        return before, Side()
    raw = work_tree(base.root, item.new, named(item.new), limits.max_bytes)
    return before, side(named(item.new), raw, limits)


def _unreadable(name: str, before: Side, after: Side) -> Change:
    when, found = ("now", after) if after.unreadable else ("at the base", before)
    label = next((d.label for d in (*after.docs, *before.docs)), name)
    text = KINDS["doc_unreadable"].says[0].format(item=name, detail=f"{when} ({found.unreadable})")
    was, now = (None, after.unreadable) if after.unreadable else (before.unreadable, None)
    return Change(name, label, None, "doc_unreadable", WIDENED, (), was, now, text, found.line, 1)


def _docs(before: Side, after: Side) -> list[tuple[Doc | None, Doc | None]]:
    """The docs of a file paired by name, then the rest in order (one renamed)."""
    pairs = pair(before.docs, after.docs, lambda doc: key(doc.label))
    gone = [b for b, h in pairs if h is None]
    new = [h for b, h in pairs if b is None]
    rest = min(len(gone), len(new))
    both = [(b, h) for b, h in pairs if b is not None and h is not None]
    both += zip(gone[:rest], new[:rest], strict=True)
    return [*both, *((None, h) for h in new[rest:]), *((b, None) for b in gone[rest:])]


def compare_file(
    item: Changed, before: Side, after: Side, named: Callable[[str], str]
) -> list[Change]:
    """Every change in authority a changed file brings (nothing for YAML that isn't a doc)."""
    name = named(item.new or item.old or "")
    if before.unreadable or after.unreadable:
        return [_unreadable(name, before, after)]
    found = [change for b, h in _docs(before, after) for change in compare_docs(b, h)]
    if item.status == "R" and before.docs and after.docs and item.old and item.new:
        found.insert(0, renamed("doc_renamed", after.docs[0], named(item.old), name))
    return found
