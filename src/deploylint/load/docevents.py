"""The loader's event loop: parser events in, documents out.

The tree is built straight from parser events rather than from composed nodes: the C
composer recurses in C and segfaults on deeply nested input (measured at 100,000 levels),
while the event parsers keep an explicit stack. Building from events also gives one place
to cap nesting and alias expansion, report duplicate keys, and refuse tags: no tag ever
constructs an object, and aliases share one value instead of being copied.

A realistic doc is ~500 events, nearly all of them a plain word or number, a key met once,
or an untagged collection. ``_fill`` takes those inline, with the loop's state in local
variables (a method call per event cost as much as libyaml's parsing); whatever else it
meets goes to deploylint.load.docbuild, which handles every case. So the loop is long on purpose.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from deploylint.load.docbuild import DocBuilder
from deploylint.load.docframes import Abort, Budget, Frame
from deploylint.load.loaded import Limits, LoadedDoc, position, problem_doc
from deploylint.load.readings import WORDS
from deploylint.load.scalars import MISSING, SLOW_FIRST, core_value, unicode_text
from deploylint.load.sites import Sites


class ParserFailure(Exception):
    """A parser that raised something other than its YAML error (e.g. ValueError for an
    escape like \\U00110000), or ruamel.yaml's error (``original``): still a syntax problem in
    the input, never an internal error."""

    def __init__(self, message: str, original: Exception | None = None) -> None:
        super().__init__(message)
        self.original = original


# What a parser raises for bad input besides its YAML error (not from the loop's own code).
_PARSER_RAISES = (ValueError, OverflowError, UnicodeError)


class EventKinds(NamedTuple):
    """One YAML library's event classes (PyYAML's and ruamel.yaml's share names and fields)."""

    scalar: Any
    alias: Any
    map_start: Any
    seq_start: Any
    map_end: Any
    seq_end: Any
    doc_start: Any
    doc_end: Any
    stream_end: Any


def _kinds(module: Any) -> EventKinds:
    names = (
        *("Scalar", "Alias", "MappingStart", "SequenceStart", "MappingEnd", "SequenceEnd"),
        *("DocumentStart", "DocumentEnd", "StreamEnd"),
    )
    return EventKinds(*(getattr(module, name + "Event") for name in names))


def _next(get: Callable[[], Any]) -> Any:
    try:
        return get()
    except _PARSER_RAISES as error:
        raise ParserFailure(str(error) or type(error).__name__) from None


def documents(get: Callable[[], Any], limits: Limits, readings: bool) -> Iterator[LoadedDoc]:
    """Documents from ``get``, which returns the next event (None when there is none).

    A document that breaks a limit ends the stream: parsing on would cost time the limit
    exists to save (both parsers slow down super-linearly on deep nesting).
    """
    first = _next(get)
    if first is None:
        return
    kinds = _kinds(sys.modules[type(first).__module__])  # PyYAML's or ruamel.yaml's
    aliased, index = Budget(limits.max_aliased), 0
    event: Any
    while (event := _next(get)) is not None and type(event) is not kinds.stream_end:
        if type(event) is not kinds.doc_start:
            continue
        index += 1
        if index > limits.max_documents:
            message = f"more than {limits.max_documents:,} documents; the rest are not read"
            yield problem_doc("DL011", message, position(event.start_mark), index)
            return
        version = tuple(event.version) if event.version else (1, 2)
        builder = DocBuilder(index, event.start_mark, version, limits, aliased, readings)
        try:
            if not _fill(builder, get, kinds):
                return  # the events ran out inside a document
        except Abort:
            builder.aborted = True
            yield builder.finish()
            return
        yield builder.finish()


def _fill(builder: DocBuilder, get: Callable[[], Any], kinds: EventKinds) -> bool:
    """Feed one document's events to ``builder``, up to its end (False: no end came).

    ``nodes`` is the builder's count, kept in a local: handed over around each call to it."""
    scalar, map_start, seq_start = kinds.scalar, kinds.map_start, kinds.seq_start
    map_end, seq_end, alias, doc_end = kinds.map_end, kinds.seq_end, kinds.alias, kinds.doc_end
    stack = builder.stack
    max_nodes, max_depth = builder.limits.max_nodes, builder.limits.max_depth
    typed_fast, nodes = builder.typed_fast, builder.nodes
    while True:
        try:
            event = get()
        except _PARSER_RAISES as error:
            raise ParserFailure(str(error) or type(error).__name__) from None
        kind = type(event)
        if kind is scalar:
            if stack and event.anchor is None and event.tag is None:
                text = event.value
                if not text.isascii():
                    text = unicode_text(text)
                frame = stack[-1]
                size = 1 + len(text) // 256  # so aliases of one long string can't multiply it
                value: Any
                if event.implicit[0] and (text[:1] in SLOW_FIRST or text in WORDS):
                    value = core_value(text) if typed_fast else MISSING  # plain, maybe typed
                else:
                    value = text  # text to every reader
                if frame.is_map:
                    key = frame.key
                    if key is None:
                        if value is text and text not in frame.container:  # a key met once
                            nodes += size
                            if nodes > max_nodes:
                                raise builder.overflow()
                            frame.size += size
                            frame.key = text
                            if frame.marks is not None:
                                frame.marks[text] = event.start_mark
                            continue
                    elif value is not MISSING and type(key) is str:
                        nodes += size
                        if nodes > max_nodes:
                            raise builder.overflow()
                        frame.size += size
                        frame.container[key] = value  # type: ignore[call-overload]
                        frame.key = None
                        continue
                elif value is not MISSING:
                    if frame.marks is not None:
                        frame.marks.append(event.start_mark)  # type: ignore[union-attr]
                    nodes += size
                    if nodes > max_nodes:
                        raise builder.overflow()
                    frame.size += size
                    frame.container.append(value)  # type: ignore[union-attr]
                    continue
            builder.nodes = nodes
            builder.scalar(event)
            nodes = builder.nodes
        elif kind is map_end or kind is seq_end:
            frame = stack.pop()
            if frame.merges is None and frame.anchor is None and stack:
                parent = stack[-1]
                if not parent.is_map:
                    parent.container.append(frame.container)  # type: ignore[union-attr]
                    parent.size += frame.size
                    continue
                key = parent.key
                if type(key) is str:
                    parent.container[key] = frame.container  # type: ignore[call-overload]
                    parent.size += frame.size
                    parent.key = None
                    continue
            builder.nodes = nodes
            builder.collection_end(frame)
            nodes = builder.nodes
        elif kind is map_start or kind is seq_start:
            is_map = kind is map_start
            if stack and event.anchor is None and event.tag is None and len(stack) < max_depth:
                parent = stack[-1]
                path: Any = None
                sites = None
                if parent.is_map:
                    key = parent.key
                    if key is None:  # a mapping or list as a key
                        builder.nodes = nodes
                        builder.collection_start(event, is_map)
                        nodes = builder.nodes
                        continue
                    if type(key) is str and parent.path is not None:
                        path = (*parent.path, key)
                        sites = Sites({} if is_map else [])
                        parent.sites.below[key] = sites  # type: ignore[union-attr]
                elif parent.path is not None:
                    item = len(parent.container)
                    parent.marks.append(event.start_mark)  # type: ignore[union-attr]
                    path = (*parent.path, item)
                    sites = Sites({} if is_map else [])
                    parent.sites.below[item] = sites  # type: ignore[union-attr]
                stack.append(Frame(is_map, path, None, event.start_mark, sites))
                nodes += 1
                if nodes > max_nodes:
                    raise builder.overflow()
                continue
            builder.nodes = nodes
            builder.collection_start(event, is_map)
            nodes = builder.nodes
        elif kind is alias:
            builder.nodes = nodes
            builder.alias(event)
            nodes = builder.nodes
        elif kind is doc_end:
            return True
        elif event is None:
            return False
