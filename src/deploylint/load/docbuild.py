"""One document's plain data, sites and problems, built from parser events: every case.

deploylint.load.docevents runs the event loop and takes the common events itself (a plain word or
number, a key met once, an untagged collection); everything else comes here: anchors,
aliases, tags, merges, duplicate and complex keys, readings (DL014) and every limit.
"""

from __future__ import annotations

from typing import Any

from deploylint.load.docframes import DROP, MERGED, Abort, Budget, Duplicate, Frame, Key
from deploylint.load.docmerge import apply_merges
from deploylint.load.keypath import KeyPath
from deploylint.load.loaded import Limits, LoadedDoc, ShapeProblem, position
from deploylint.load.readings import NUMERIC_START, WORDS, duplicate, unquoted
from deploylint.load.scalars import (
    MERGE,
    STR,
    TIMESTAMP,
    construct_value,
    resolve,
    tag_name,
    typed_key,
    unicode_text,
)
from deploylint.load.scalars import resolver_table as resolver_table
from deploylint.load.sites import Sites
from deploylint.report.findings import Position


class DocBuilder:
    """Build one document's plain data and sites from its events."""

    def __init__(
        self,
        index: int,
        start: Any,  # the document start's mark
        version: tuple[int, int],
        limits: Limits,
        aliased: Budget,
        readings: bool,
    ) -> None:
        self.index, self.start, self.limits, self.aliased = index, position(start), limits, aliased
        self.readings = readings  # compare with other YAML readers (DL014)
        self.table = resolver_table(version)
        self.typed_fast = version != (1, 1)  # scalars.core_value is YAML 1.2's reading
        self.stack: list[Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.sites = Sites({})  # the root collection's, once there is one
        self.problems: list[ShapeProblem] = []
        self.root: Any = None
        self.nodes = 0
        self.aborted = False

    def problem(
        self, rule: str, where: Position, message: str, path: KeyPath | None = None
    ) -> ShapeProblem:
        if path is None:
            path = self.stack[-1].path if self.stack and self.stack[-1].path is not None else ()
        found = ShapeProblem(rule, where, path, message)
        self.problems.append(found)
        if len(self.problems) == self.limits.max_problems:
            message = f"{self.limits.max_problems} YAML problems; not graded from here on"
            raise Abort(self.problem("DL011", where, message))
        return found

    # --- events -------------------------------------------------------------------------

    def scalar(self, event: Any) -> None:
        mark = event.start_mark
        text = unicode_text(event.value)
        tag, plain = event.tag, False
        if tag is None or tag == "!":
            plain = event.implicit[0] and tag is None
            tag = resolve(self.table, text) if plain else STR
        size = 1 + len(text) // 256  # so aliases of one long string can't multiply it
        typed = self.readings and plain and (text[:1] in NUMERIC_START or text in WORDS)
        if self._expecting_key():
            if event.anchor:
                self.anchors[event.anchor] = (text, size)
            path = self._key(text, tag, mark, size)
            if typed and tag != MERGE:
                self._one_reading(unquoted(text, typed_key(tag, text)), mark, path)
            return
        path = self.child_path(mark)
        value = self._construct(tag, text, mark)
        # Against what is graded: `.nan` is graded as text (no bound holds against NaN) but
        # is NaN to every other reader, so that too has two readings.
        if typed:
            refused = tag not in (STR, TIMESTAMP) and isinstance(value, str)
            self._one_reading(unquoted(text, value, refused=refused), mark, path)
        if event.anchor:
            self.anchors[event.anchor] = (value, size)
        self._attach(value, size)

    def alias(self, event: Any) -> None:
        where = position(event.start_mark)
        if event.anchor not in self.anchors:
            message = f"alias *{event.anchor} refers to no earlier anchor (or to its own parent)"
            raise Abort(self.problem("DL001", where, message))
        value, size = self.anchors[event.anchor]
        self.aliased.left -= size
        if self.aliased.left < 0:
            message = (
                f"aliases in this file expand to more than {self.limits.max_aliased:,} values "
                "(an alias bomb?); not graded from here on"
            )
            raise Abort(self.problem("DL011", where, message))
        if self._expecting_key():
            self._key(value if isinstance(value, str) else None, STR, event.start_mark, size)
            return
        self.child_path(event.start_mark)
        self._attach(value, size)

    def collection_start(self, event: Any, is_map: bool) -> None:
        mark = event.start_mark
        kind = "tag:yaml.org,2002:" + ("map" if is_map else "seq")
        if event.tag not in (None, "!", kind):
            self.problem(
                "DL008", position(mark), f"unsupported tag {tag_name(event.tag)} (read as plain)"
            )
        if len(self.stack) >= self.limits.max_depth:
            message = f"nesting deeper than {self.limits.max_depth} levels; not graded from here on"
            raise Abort(self.problem("DL011", position(mark), message))
        path = None if self._expecting_key() else self.child_path(mark)
        self.stack.append(Frame(is_map, path, event.anchor, mark, self._sites(path, is_map)))
        self.count(1)

    def collection_end(self, frame: Frame) -> None:
        """Close ``frame``, already taken off the stack."""
        if frame.merges is not None:
            apply_merges(self, frame)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        if self._expecting_key():
            where = position(frame.start)
            self.problem("DL012", where, "a mapping or list used as a key is not supported")
            self.stack[-1].key = DROP
            return
        self._attach(frame.container, frame.size, counted=True)

    # --- keys and paths -----------------------------------------------------------------

    def _expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def _key(self, text: str | None, tag: str, mark: Any, size: int) -> KeyPath | None:
        """Take a key; return its path (None for a key that isn't kept where it is)."""
        frame = self.stack[-1]
        self.count(size)
        frame.size += size  # so an alias of this mapping counts its keys too
        if text is None:
            where = position(mark)
            self.problem("DL012", where, "a mapping or list used as a key is not supported")
            frame.key = DROP
        elif tag == MERGE:
            frame.key = MERGED
            if frame.merges is None:
                frame.merges = []
            frame.merges.append((None, mark))
        elif text in frame.container:
            frame.key = Duplicate(text, position(mark))
        else:
            frame.key = text
            if frame.sites is not None and frame.path is not None:
                frame.sites.marks[text] = mark  # type: ignore[call-overload]
                return (*frame.path, text)
        return None

    def child_path(self, mark: Any) -> KeyPath | None:
        """The path of the value about to be attached; a list item's mark is recorded."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.path is None or frame.sites is None:
            return None
        if not frame.is_map:
            path = (*frame.path, len(frame.container))
            frame.sites.marks.append(mark)  # type: ignore[union-attr]
            return path
        return None if isinstance(frame.key, Key) else (*frame.path, str(frame.key))

    def _sites(self, path: KeyPath | None, is_map: bool) -> Sites | None:
        """A new collection's sites, hung below its parent's (or the root)."""
        if path is None:
            return None
        sites = Sites({} if is_map else [])
        if self.stack:
            parent = self.stack[-1].sites
            assert parent is not None  # a located collection's parent is located
            parent.below[path[-1]] = sites
        else:
            self.sites = sites
        return sites

    def _duplicate(self, frame: Frame, key: Duplicate, value: Any) -> None:
        """A repeated key: the first value is graded; if the other differs, that's two readings."""
        path = None if frame.path is None else (*frame.path, key.name)
        first = frame.container[key.name]  # type: ignore[call-overload]
        rule, message = duplicate(key.name, first, value, readings=self.readings)
        self.problem(rule, key.where, message, path)

    def _one_reading(self, message: str | None, mark: Any, path: KeyPath | None) -> None:
        if message is not None:
            self.problem("DL014", position(mark), message, path)

    # --- values -------------------------------------------------------------------------

    def _attach(self, value: Any, size: int, counted: bool = False) -> None:
        if not counted:
            self.count(size)
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.container.append(value)  # type: ignore[union-attr]
            return
        if frame.key is MERGED:
            assert frame.merges is not None
            frame.merges[-1] = (value, frame.merges[-1][1])
        elif isinstance(frame.key, Duplicate):
            self._duplicate(frame, frame.key, value)
        elif isinstance(frame.key, str):
            frame.container[frame.key] = value  # type: ignore[call-overload]
        frame.key = None

    def count(self, size: int) -> None:
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            raise self.overflow()

    def overflow(self) -> Abort:
        where = position(self.stack[-1].start) if self.stack else self.start
        message = (
            f"more than {self.limits.max_nodes:,} values after expanding aliases "
            "(an alias bomb?); not graded from here on"
        )
        return Abort(self.problem("DL011", where, message))

    def _construct(self, tag: str, text: str, mark: Any) -> Any:
        value, problem = construct_value(tag, text)
        if problem is not None:
            rule, message = problem
            self.problem(rule, position(mark), message)
        return value

    def _top(self, rule: str, message: str) -> ShapeProblem:
        return ShapeProblem(rule, self.start, (), message)  # never past the problem cap

    def finish(self) -> LoadedDoc:
        gradable = not self.aborted
        if gradable and self.root is None:
            self.problems.append(self._top("DL002", "the document is empty: nothing to grade"))
            gradable = False
        elif gradable and not isinstance(self.root, dict):
            kind = "a list" if isinstance(self.root, list) else f"a scalar ({self.root!r:.40})"
            message = f"the top level must be a mapping, not {kind}"
            self.problems.append(self._top("DL003", message))
            gradable = False
        data = None if self.aborted else self.root  # kept for tests; `gradable` gates grading
        problems = tuple(self.problems)
        return LoadedDoc(self.index, data, self.sites, problems, self.start, gradable)
