"""The loader's working records: an open mapping or list, the keys whose value isn't kept,
the file's alias budget, and the signal that a document must stop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.load.loaded import ShapeProblem
from deploylint.load.sites import Sites
from deploylint.report.findings import Position


class Abort(Exception):
    """Stop building the current document; the problem says why."""

    def __init__(self, problem: ShapeProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Key:
    """Sentinels for map entries whose value is parsed but not kept."""

    def __init__(self, name: str) -> None:
        self.name = name


DROP: Final = Key("drop")
MERGED: Final = Key("merge")


class Duplicate(Key):
    """A key met again in its mapping: its value is built, compared with the first, dropped."""

    def __init__(self, name: str, where: Position) -> None:
        super().__init__(name)
        self.where = where


@dataclass(slots=True)
class Budget:
    """What aliases may still add in this file: one budget for all its documents, so a
    thousand small alias bombs cost what one does."""

    left: int


class Frame:
    """A mapping or list being built. ``path`` None: a detached subtree (a complex key, a
    dropped value), whose keys and items are not located; otherwise ``sites`` records them."""

    __slots__ = (
        *("anchor", "container", "is_map", "key", "marks", "merges", "path", "sites", "size"),
        "start",
    )

    def __init__(
        self,
        is_map: bool,
        path: KeyPath | None,
        anchor: str | None,
        start: Any,  # the parser's mark
        sites: Sites | None,
    ) -> None:
        self.container: dict[str, Any] | list[Any] = {} if is_map else []
        self.is_map, self.path, self.anchor, self.start = is_map, path, anchor, start
        self.sites = sites
        self.marks = None if sites is None else sites.marks  # read once per key or item
        self.size = 1
        self.key: str | Key | None = None  # mappings: the key waiting for its value
        self.merges: list[tuple[Any, Any]] | None = None  # each `<<`'s value and mark
