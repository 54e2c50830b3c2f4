"""Where each key and list item of a doc sits: a tree beside the data, read by key path.

The loader records a parser mark per key and per list item (nothing else is ever located:
a value is found at its key or item). A tree of marks costs one dict store per key; a flat
index keyed by whole paths cost a tuple and a Position per key, while a doc is looked up at a
handful of paths. Positions are made from marks only when asked for.
"""

from __future__ import annotations

from typing import Any

from deploylint.load.keypath import KeyPath
from deploylint.report.findings import Position


class Sites:
    """One mapping's or list's marks (keys -> mark, or one mark per item) and the Sites of
    its collections below, by key or index."""

    __slots__ = ("below", "flattened", "marks")

    def __init__(self, marks: dict[str, Any] | list[Any]) -> None:
        self.marks = marks
        self.below: dict[str | int, Sites] = {}
        self.flattened: dict[KeyPath, Position] | None = None

    def mark(self, path: KeyPath) -> Any:
        """The mark of the longest recorded start of ``path`` (None: not even its first step).

        Every start of a recorded path is recorded, so walking down until a step is missing
        finds what a flat index searched from the longest start down would."""
        node: Sites | None = self
        mark = None
        for step in path:
            if node is None:
                break
            marks = node.marks
            if isinstance(marks, dict):
                at = marks.get(step) if isinstance(step, str) else None
            else:
                at = marks[step] if isinstance(step, int) and 0 <= step < len(marks) else None
            if at is None:
                break
            mark, node = at, node.below.get(step)
        return mark

    def flat(self, start: Position) -> dict[KeyPath, Position]:
        """Every recorded path and its position, the root at ``start``, in document order."""
        if self.flattened is None:  # a doc's root is asked again and again by some callers
            self.flattened = {(): start}
            self._flatten((), self.flattened)
        return self.flattened

    def _flatten(self, path: KeyPath, found: dict[KeyPath, Position]) -> None:
        marks = self.marks
        keyed = marks.items() if isinstance(marks, dict) else enumerate(marks)
        for key, mark in keyed:
            at = (*path, key)
            found[at] = Position(mark.line + 1, mark.column + 1)
            child = self.below.get(key)
            if child is not None:
                child._flatten(at, found)  # as deep as the loader's depth limit allows
