# The loader before issue 23, kept verbatim as a reference oracle (tests/test_loader_sameness.py).
"""Load YAML into plain data plus a key-path -> position index, safely and fast.

The tree is built straight from parser events rather than from composed nodes: the C
composer recurses in C and segfaults on deeply nested input (measured at 100,000 levels),
while the event parsers keep an explicit stack. Building from events also gives one place
to cap nesting and alias expansion, report duplicate keys, and refuse tags: no tag ever
constructs an object, and aliases share one value instead of being copied.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import ruamel.yaml.main
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from deploylint.load.keypath import KeyPath
from deploylint.report.findings import Position
from tests.reference.readings import NUMERIC_START, WORDS, duplicate, merged_keys, unquoted

# The fast path is a C (libyaml) event parser; ruamel.yaml's pure YAML 1.2 parser is the
# authority whenever it rejects input. PyYAML's libyaml (0.2.5) reads YAML 1.2 flow scalars
# such as the brief's own `scopes: [refunds:write]`, which ruamel's bundled libyaml rejects:
# measured on the brief's example, 0.41 ms for PyYAML's events against 8.4 ms for the pure
# fallback, with identical events and positions. Only events are read: nothing is built.
try:
    import yaml as _pyyaml

    FAST_PARSER: str | None = "pyyaml" if _pyyaml.__with_libyaml__ else None
    _FAST_ERRORS: tuple[type[Exception], ...] = (_pyyaml.YAMLError,)
except ImportError:  # pragma: no cover - PyYAML is a dependency; kept for odd platforms
    FAST_PARSER, _FAST_ERRORS = None, ()
if FAST_PARSER is None and getattr(ruamel.yaml.main, "CParser", None) is not None:
    FAST_PARSER = "ruamel"

_CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_CORE + name for name in ("str", "int", "float", "bool", "null"))
TIMESTAMP, MERGE, MAP, SEQ = (_CORE + name for name in ("timestamp", "merge", "map", "seq"))
_CONSTRUCTED: Final = frozenset({INT, FLOAT, BOOL, NULL})


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


@dataclass(frozen=True, slots=True)
class LoadedDoc:
    """One YAML document: plain data, where each key path sits, and load problems."""

    index: int
    data: Any
    positions: dict[KeyPath, Position]
    problems: tuple[ShapeProblem, ...]
    start: Position
    gradable: bool

    def locate(self, path: KeyPath) -> Position:
        """Return the position of ``path``, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return self.start


def position(mark: Any) -> Position:
    """Convert a parser mark (0-based) to a finding position (1-based): the one place."""
    return Position(mark.line + 1, mark.column + 1)


class _Abort(Exception):
    """Stop building the current document; the problem says why."""

    def __init__(self, problem: ShapeProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Key:
    """Sentinels for map entries whose value is parsed but not kept."""

    def __init__(self, name: str) -> None:
        self.name = name


_DROP: Final = _Key("drop")
_MERGE: Final = _Key("merge")


class _Duplicate(_Key):
    """A key met again in its mapping: its value is built, compared with the first, dropped."""

    def __init__(self, name: str, where: Position) -> None:
        super().__init__(name)
        self.where = where


@dataclass(slots=True)
class _Budget:
    """What aliases may still add in this file: one budget for all its documents, so a
    thousand small alias bombs cost what one does."""

    left: int


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: KeyPath | None  # None: a detached subtree (a complex key, a dropped value)
    anchor: str | None
    start: Position
    size: int = 1
    key: str | _Key | None = None  # mappings: the key waiting for its value
    merges: list[tuple[Any, Position]] = field(default_factory=list)


def _unicode(text: str) -> str:
    """Text every output can write: a lone surrogate (from an escape such as "\\ud800") is not
    text, so it is kept as its escape rather than reaching a reporter that can't encode it."""
    if text.isascii():  # most values: no surrogate in them, nothing to encode
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


@cache
def _resolver_table(version: tuple[int, int]) -> dict[str, list[tuple[str, Any]]]:
    # The spec says to read a later 1.x as 1.2; only an explicit 1.1 changes how values read.
    known = (1, 1) if version == (1, 1) else (1, 2)
    table: dict[str, list[tuple[str, Any]]] = VersionedResolver(version=known).versioned_resolver
    # ruamel compiles its patterns lazily, behind a proxy that costs a Python call on every
    # match of every plain scalar; keep the compiled patterns themselves
    return {
        first: [(tag, re.compile(pattern.pattern, pattern.flags)) for tag, pattern in entries]
        for first, entries in table.items()
    }


@cache
def _constructor() -> Any:
    return YAML(typ="safe", pure=True).constructor


class _DocBuilder:
    """Build one document's plain data and position index from its events."""

    def __init__(
        self,
        index: int,
        start: Position,
        version: tuple[int, int],
        limits: Limits,
        aliased: _Budget,
        readings: bool,
    ) -> None:
        self.index, self.start, self.limits, self.aliased = index, start, limits, aliased
        self.readings = readings  # compare with other YAML readers (DL014)
        self.table = _resolver_table(version)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.positions: dict[KeyPath, Position] = {(): start}
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
            raise _Abort(self.problem("DL011", where, message))
        return found

    def feed(self, event: Any) -> None:
        """Take one event; raise _Abort when the document (and the stream) must stop."""
        handler = self._HANDLERS.get(type(event).__name__)
        if handler is not None:
            try:
                handler(self, event)
            except _Abort:
                self.aborted = True
                raise

    # --- events -------------------------------------------------------------------------

    def _scalar(self, event: Any) -> None:
        where = position(event.start_mark)
        text = _unicode(event.value)
        tag, plain = event.tag, False
        if tag is None or tag == "!":
            plain = event.implicit[0] and tag is None
            tag = self._resolve(text) if plain else STR
        size = 1 + len(text) // 256  # so aliases of one long string can't multiply it
        if self._expecting_key():
            if event.anchor:
                self.anchors[event.anchor] = (text, size)
            path = self._key(text, tag, where, size)
            if (
                self.readings
                and plain
                and (text[:1] in NUMERIC_START or text in WORDS)
                and tag != MERGE
            ):
                self._one_reading(unquoted(text, self._typed(tag, text)), where, path)
            return
        path = self._child_path(where)
        value = self._construct(tag, text, where)
        # Against what is graded: `.nan` is graded as text (no bound holds against NaN) but
        # is NaN to every other reader, so that too has two readings.
        if self.readings and plain and (text[:1] in NUMERIC_START or text in WORDS):
            refused = tag not in (STR, TIMESTAMP) and isinstance(value, str)
            self._one_reading(unquoted(text, value, refused=refused), where, path)
        if event.anchor:
            self.anchors[event.anchor] = (value, size)
        self._attach(value, size, path)

    def _alias(self, event: Any) -> None:
        where = position(event.start_mark)
        if event.anchor not in self.anchors:
            message = f"alias *{event.anchor} refers to no earlier anchor (or to its own parent)"
            raise _Abort(self.problem("DL001", where, message))
        value, size = self.anchors[event.anchor]
        self.aliased.left -= size
        if self.aliased.left < 0:
            message = (
                f"aliases in this file expand to more than {self.limits.max_aliased:,} values "
                "(an alias bomb?); not graded from here on"
            )
            raise _Abort(self.problem("DL011", where, message))
        if self._expecting_key():
            self._key(value if isinstance(value, str) else None, STR, where, size)
            return
        self._attach(value, size, self._child_path(where))

    def _collection_start(self, event: Any) -> None:
        where = position(event.start_mark)
        kind = MAP if type(event).__name__ == "MappingStartEvent" else SEQ
        if event.tag not in (None, "!", kind):
            self.problem("DL008", where, f"unsupported tag {_tag_name(event.tag)} (read as plain)")
        if len(self.stack) >= self.limits.max_depth:
            message = f"nesting deeper than {self.limits.max_depth} levels; not graded from here on"
            raise _Abort(self.problem("DL011", where, message))
        is_key = self._expecting_key()
        path = None if is_key else self._child_path(where)
        container: dict[str, Any] | list[Any] = {} if kind == MAP else []
        self.stack.append(_Frame(container, path, event.anchor, where))
        self._count(1)

    def _collection_end(self, event: Any) -> None:
        frame = self.stack.pop()
        if isinstance(frame.container, dict):
            self._apply_merges(frame)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        if self._expecting_key():
            self.problem("DL012", frame.start, "a mapping or list used as a key is not supported")
            self._set_key(_DROP)
            return
        self._attach(frame.container, frame.size, path=None, counted=True)

    # --- mapping keys ---------------------------------------------------------------------

    def _expecting_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, dict)
            and (self.stack[-1].key is None)
        )

    def _set_key(self, key: str | _Key) -> None:
        self.stack[-1].key = key

    def _key(self, text: str | None, tag: str, where: Position, size: int) -> KeyPath | None:
        """Take a key; return its path (None for a key that isn't kept where it is)."""
        frame = self.stack[-1]
        assert isinstance(frame.container, dict)
        self._count(size)
        frame.size += size  # so an alias of this mapping counts its keys too
        if text is None:
            self.problem("DL012", where, "a mapping or list used as a key is not supported")
            self._set_key(_DROP)
        elif tag == MERGE:
            self._set_key(_MERGE)
            frame.merges.append((None, where))
        elif text in frame.container:
            self._set_key(_Duplicate(text, where))
        else:
            self._set_key(text)
            if frame.path is not None:
                self.positions[(*frame.path, text)] = where
                return (*frame.path, text)
        return None

    def _duplicate(self, frame: _Frame, key: _Duplicate, value: Any) -> None:
        """A repeated key: the first value is graded; if the other differs, that's two readings."""
        assert isinstance(frame.container, dict)
        path = None if frame.path is None else (*frame.path, key.name)
        first = frame.container[key.name]
        rule, message = duplicate(key.name, first, value, readings=self.readings)
        self.problem(rule, key.where, message, path)

    def _one_reading(self, message: str | None, where: Position, path: KeyPath | None) -> None:
        if message is not None:
            self.problem("DL014", where, message, path)

    def _apply_merges(self, frame: _Frame) -> None:
        assert isinstance(frame.container, dict)
        explicit = set(frame.container)
        merges: list[list[dict[str, Any]]] = []
        for source, where in frame.merges:
            merges.append([])
            for mapping in source if isinstance(source, list) else [source]:
                if not isinstance(mapping, dict):
                    message = "a merge key (<<) must refer to a mapping"
                    self.problem("DL007", where, message, frame.path)
                    continue
                merges[-1].append(mapping)
                for key, value in mapping.items():
                    if key not in explicit and key not in frame.container:
                        frame.container[key] = value
                        if frame.path is not None:
                            self.positions[(*frame.path, key)] = where
        if self.readings and (len(frame.merges) > 1 or (merges and len(merges[0]) > 1)):
            self._merge_readings(frame, merges, explicit)

    def _merge_readings(
        self, frame: _Frame, merges: list[list[dict[str, Any]]], explicit: set[str]
    ) -> None:
        """Merges whose order decides a value are two readings; a repeated `<<` whose order
        decides nothing is still a duplicate key."""
        differ = list(merged_keys(merges, explicit))
        for key, source, message in differ:
            path = None if frame.path is None else (*frame.path, key)
            self.problem("DL014", frame.merges[source][1], message, path)
        for _, where in frame.merges[1:] if not differ else ():
            message = "duplicate key '<<' (a second merge; here every order reads the same)"
            self.problem("DL004", where, message, frame.path)

    # --- values -------------------------------------------------------------------------

    def _child_path(self, where: Position) -> KeyPath | None:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.path is None:
            return None
        if isinstance(frame.container, list):
            path = (*frame.path, len(frame.container))
            self.positions[path] = where
            return path
        return None if isinstance(frame.key, _Key) else (*frame.path, str(frame.key))

    def _attach(self, value: Any, size: int, path: KeyPath | None, counted: bool = False) -> None:
        if not counted:
            self._count(size)
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.size += size
        if isinstance(frame.container, list):
            frame.container.append(value)
            return
        if frame.key is _MERGE:
            frame.merges[-1] = (value, frame.merges[-1][1])
        elif isinstance(frame.key, _Duplicate):
            self._duplicate(frame, frame.key, value)
        elif isinstance(frame.key, str):
            frame.container[frame.key] = value
        frame.key = None

    def _count(self, size: int) -> None:
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            where = self.stack[-1].start if self.stack else self.start
            message = (
                f"more than {self.limits.max_nodes:,} values after expanding aliases "
                "(an alias bomb?); not graded from here on"
            )
            raise _Abort(self.problem("DL011", where, message))

    def _typed(self, tag: str, text: str) -> Any:
        """A key's value as deploylint's resolver types it (keys are kept as their text)."""
        if tag not in _CONSTRUCTED:
            return text
        try:
            return _constructor().yaml_constructors[tag](_constructor(), ScalarNode(tag, text))
        except (ValueError, TypeError, AttributeError, IndexError, KeyError):
            return text

    def _resolve(self, text: str) -> str:
        for tag, regexp in self.table.get(text[:1], ()):
            if regexp.match(text):
                return tag
        return STR

    def _construct(self, tag: str, text: str, where: Position) -> Any:
        if tag in (STR, TIMESTAMP):
            return text  # dates stay ISO text; the schema's "date" format checks them
        if tag not in _CONSTRUCTED:
            self.problem("DL008", where, f"unsupported tag {_tag_name(tag)} (read as plain text)")
            return text
        try:
            value = _constructor().yaml_constructors[tag](_constructor(), ScalarNode(tag, text))
        except (ValueError, TypeError, AttributeError, IndexError, KeyError):
            # e.g. `!!int ""` (IndexError) or `!!bool maybe` (KeyError) in ruamel.yaml
            self.problem("DL007", where, f"{text!r:.80} is not a valid {_tag_name(tag)}")
            return text
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
            # No count or amount needs more; and Python won't even print one past 4,300 digits.
            digits = len(text)
            self.problem(
                "DL007",
                where,
                f"a number of {digits:,} characters is too large to mean anything here",
            )
            return text[:40] + "..." if digits > 40 else text
        # NaN compares false with every bound, so no ceiling could be checked against it:
        # keep it as text and let the schema say it is not a number.
        return text if isinstance(value, float) and math.isnan(value) else value

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
        return LoadedDoc(self.index, data, self.positions, problems, self.start, gradable)

    # By class name: PyYAML's and ruamel.yaml's events have the same names and fields.
    _HANDLERS: Final[dict[str, Any]] = {
        "ScalarEvent": _scalar,
        "AliasEvent": _alias,
        "MappingStartEvent": _collection_start,
        "SequenceStartEvent": _collection_start,
        "MappingEndEvent": _collection_end,
        "SequenceEndEvent": _collection_end,
    }


def _build(events: Iterable[Any], limits: Limits, readings: bool = True) -> Iterator[LoadedDoc]:
    """Turn a stream of parser events into documents, one builder per document.

    A document that breaks a limit ends the stream: parsing on would cost time the limit
    exists to save (both parsers slow down super-linearly on deep nesting).
    """
    builder: _DocBuilder | None = None
    index = 0
    aliased = _Budget(limits.max_aliased)
    for event in events:
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            index += 1
            version = tuple(event.version) if event.version else (1, 2)
            where = position(event.start_mark)
            if index > limits.max_documents:
                message = f"more than {limits.max_documents:,} documents; the rest are not read"
                problem = ShapeProblem("DL011", where, (), message)
                yield LoadedDoc(index, None, {(): where}, (problem,), where, gradable=False)
                return
            builder = _DocBuilder(index, where, version, limits, aliased, readings)
        elif kind == "DocumentEndEvent" and builder is not None:
            yield builder.finish()
            builder = None
        elif builder is not None:
            try:
                builder.feed(event)
            except _Abort:
                yield builder.finish()
                return


class _ParserFailure(Exception):
    """A parser that raised something other than its YAML error (e.g. ValueError for an
    escape like \\U00110000): still a syntax problem in the input, never an internal error."""


def _events(text: str, *, pure: bool) -> Iterator[Any]:
    """Parser events: ruamel.yaml's pure YAML 1.2 parser, or the fast C one."""
    try:
        if not pure and FAST_PARSER == "pyyaml":
            yield from _pyyaml.parse(text, Loader=_pyyaml.CSafeLoader)
        else:
            yield from YAML(typ="safe", pure=pure).parse(text)
    except (ValueError, OverflowError, UnicodeError) as error:  # from the parser, not from us
        raise _ParserFailure(str(error) or type(error).__name__) from None


# ruamel.yaml's parser asserts on some directives (`%YAML 1.3`) instead of raising YAMLError.
_PARSE_ERRORS: Final[tuple[type[Exception], ...]] = (
    YAMLError,
    AssertionError,
    _ParserFailure,
    *_FAST_ERRORS,
)


def _syntax_problem(error: Exception, index: int) -> LoadedDoc:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = position(mark) if mark is not None else Position(1, 1)
    if isinstance(error, MarkedYAMLError):
        detail = " ".join(part for part in (error.context, error.problem) if part)
    else:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    problem = ShapeProblem("DL001", where, (), f"YAML syntax error: {detail}")
    return LoadedDoc(index, None, {(): where}, (problem,), where, gradable=False)


def load_text(text: str, limits: Limits = Limits(), *, readings: bool = True) -> list[LoadedDoc]:
    """Parse every document in ``text``; a syntax error ends the stream with a problem doc.

    ``readings``: report what other YAML readers read differently (DL014); off for files
    only deploylint reads (a config), where a repeated key is only a duplicate.
    """
    if FAST_PARSER is not None:
        try:
            return _complete(list(_build(_events(text, pure=False), limits, readings)))
        except _PARSE_ERRORS:
            pass  # libyaml rejects some valid YAML 1.2: the pure parser decides
    docs: list[LoadedDoc] = []
    try:
        docs.extend(_build(_events(text, pure=True), limits, readings))
    except _PARSE_ERRORS as error:
        docs.append(_syntax_problem(error, len(docs) + 1))
    return _complete(docs)


def _complete(docs: list[LoadedDoc]) -> list[LoadedDoc]:
    """A stream with no documents at all (empty, or only comments) is one empty doc."""
    if docs:
        return docs
    problem = ShapeProblem("DL002", Position(1, 1), (), "the file is empty (or only comments)")
    return [LoadedDoc(1, None, {(): Position(1, 1)}, (problem,), Position(1, 1), gradable=False)]


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_START: Final = Position(1, 1)


def _unreadable(message: str, where: Position = _START) -> list[LoadedDoc]:
    problem = ShapeProblem("DL009", where, (), message)
    return [LoadedDoc(1, None, {(): where}, (problem,), where, gradable=False)]


def load_bytes(raw: bytes, limits: Limits = Limits(), *, readings: bool = True) -> list[LoadedDoc]:
    """Decode a file's bytes (UTF-8, or UTF-16/32 with a BOM) and load its documents."""
    if len(raw) > limits.max_bytes:
        return oversized(len(raw), limits)
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8-sig")
    if encoding == "utf-8-sig" and b"\x00" in raw[:8192]:
        return _unreadable("binary file (NUL bytes): not a YAML document")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start : error.start + 1].hex()
        return _unreadable(f"not UTF-8 text: invalid byte 0x{byte}", Position(line, column))
    return load_text(text, limits, readings=readings)


def oversized(size: int, limits: Limits) -> list[LoadedDoc]:
    """The problem doc for a file over the size limit (checked before reading it)."""
    message = f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; not graded"
    problem = ShapeProblem("DL011", Position(1, 1), (), message)
    return [LoadedDoc(1, None, {(): Position(1, 1)}, (problem,), Position(1, 1), gradable=False)]
