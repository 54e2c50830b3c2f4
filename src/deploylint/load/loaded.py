"""What the loader gives: a document's plain data, where its keys sit, and its load problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploylint.load.keypath import KeyPath
from deploylint.load.sites import Sites
from deploylint.report.findings import Position


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from hanging or exhausting the process."""

    max_bytes: int = 1_048_576
    max_depth: int = 100
    max_nodes: int = 100_000  # keys and values; a long string counts once per 256 characters
    max_aliased: int = 100_000  # values aliases add, over all the documents of one file
    max_documents: int = 1_000  # per file
    max_problems: int = 200  # YAML problems per document (duplicate keys, tags, ...)


@dataclass(frozen=True, slots=True)
class ShapeProblem:
    """Something wrong with a doc's YAML or shape, found before any rubric rule runs."""

    rule: str
    position: Position
    path: KeyPath
    message: str


def position(mark: Any) -> Position:
    """Convert a parser mark (0-based) to a finding position (1-based): the one place."""
    return Position(mark.line + 1, mark.column + 1)


@dataclass(frozen=True, slots=True)
class LoadedDoc:
    """One YAML document: plain data, where each key path sits, and load problems."""

    index: int
    data: Any
    sites: Sites = field(repr=False, compare=False)
    problems: tuple[ShapeProblem, ...]
    start: Position
    gradable: bool

    def locate(self, path: KeyPath) -> Position:
        """Return the position of ``path``, or of its nearest ancestor that exists."""
        mark = self.sites.mark(path)
        return self.start if mark is None else position(mark)

    @property
    def positions(self) -> dict[KeyPath, Position]:
        """Every key and list item's position by key path (the root's is the doc's start)."""
        return self.sites.flat(self.start)


def problem_doc(rule: str, message: str, where: Position, index: int = 1) -> LoadedDoc:
    """A document that is only a problem (nothing loaded, nothing to grade)."""
    problem = ShapeProblem(rule, where, (), message)
    return LoadedDoc(index, None, Sites({}), (problem,), where, gradable=False)
