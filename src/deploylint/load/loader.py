"""Load YAML into plain data plus the position of every key and list item, safely and fast.

Documents are built from parser events (deploylint.load.docevents says why), typed as YAML 1.2
(deploylint.load.scalars), with keys and list items located (deploylint.load.sites).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, Final

from deploylint.load.docevents import ParserFailure, documents
from deploylint.load.loaded import Limits, LoadedDoc, ShapeProblem, position, problem_doc
from deploylint.report.findings import Position

__all__ = [
    "FAST_PARSER",
    "Limits",
    "LoadedDoc",
    "ShapeProblem",
    "load_bytes",
    "load_text",
    "oversized",
    "position",
]

# The fast path is a C (libyaml) event parser; ruamel.yaml's pure YAML 1.2 parser is the
# authority whenever it rejects input. PyYAML's libyaml (0.2.5) reads YAML 1.2 flow scalars
# such as the brief's own `scopes: [refunds:write]`, which ruamel's bundled libyaml rejects:
# measured on the brief's example, 0.41 ms for PyYAML's events against 8.4 ms for the pure
# fallback, with identical events and positions. Only events are read: nothing is built.
try:
    import yaml as _pyyaml
    from yaml.cyaml import CParser as _CParser

    FAST_PARSER: str | None = "pyyaml"
    _FAST_ERRORS: tuple[type[Exception], ...] = (_pyyaml.YAMLError,)
except ImportError:  # pragma: no cover - PyYAML is a dependency; kept for odd platforms
    FAST_PARSER, _FAST_ERRORS = None, ()
if FAST_PARSER is None:  # pragma: no cover - only without PyYAML's libyaml
    import ruamel.yaml.main

    FAST_PARSER = "ruamel" if getattr(ruamel.yaml.main, "CParser", None) is not None else None

DEFAULT_LIMITS: Final = Limits()

# The parsers' errors for bad input: ruamel.yaml's arrive wrapped in ParserFailure (so that
# naming them doesn't import ruamel.yaml), and so do a parser's ValueError and kin.
_PARSE_ERRORS: Final[tuple[type[Exception], ...]] = (ParserFailure, *_FAST_ERRORS)


def _build(events: Iterable[Any], limits: Limits, readings: bool = True) -> Iterator[LoadedDoc]:
    """Documents from any stream of parser events (PyYAML's or ruamel.yaml's)."""
    return documents(partial(next, iter(events), None), limits, readings)


def _events(text: str, *, pure: bool) -> Iterator[Any]:
    """Parser events: ruamel.yaml's pure YAML 1.2 parser, or the fast C one."""
    if not pure and FAST_PARSER == "pyyaml":
        return iter(_CParser(text).get_event, None)
    return _ruamel_events(text, pure=pure)


def _ruamel_events(text: str, *, pure: bool) -> Iterator[Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        yield from YAML(typ="safe", pure=pure).parse(text)
    # ruamel.yaml's parser asserts on some directives (`%YAML 1.3`) instead of raising YAMLError.
    except (YAMLError, AssertionError) as error:
        raise ParserFailure(str(error), error) from None
    except (ValueError, OverflowError, UnicodeError) as error:  # from the parser, not from us
        raise ParserFailure(str(error) or type(error).__name__) from None


def _syntax_problem(failure: Exception, index: int) -> LoadedDoc:
    error = failure.original if isinstance(failure, ParserFailure) and failure.original else failure
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = position(mark) if mark is not None else Position(1, 1)
    from ruamel.yaml.error import MarkedYAMLError  # a syntax error: the pure parser has run

    if isinstance(error, MarkedYAMLError):
        detail = " ".join(part for part in (error.context, error.problem) if part)
    else:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return problem_doc("DL001", f"YAML syntax error: {detail}", where, index)


def load_text(
    text: str, limits: Limits = DEFAULT_LIMITS, *, readings: bool = True
) -> list[LoadedDoc]:
    """Parse every document in ``text``; a syntax error ends the stream with a problem doc.

    ``readings``: report what other YAML readers read differently (DL014); off for files
    only deploylint reads (a config), where a repeated key is only a duplicate.
    """
    if FAST_PARSER == "pyyaml":
        try:
            return _complete(list(documents(_CParser(text).get_event, limits, readings)))
        except _PARSE_ERRORS:
            pass  # libyaml rejects some valid YAML 1.2: the pure parser decides
    elif FAST_PARSER is not None:  # pragma: no cover - only without PyYAML's libyaml
        try:
            return _complete(list(_build(_events(text, pure=False), limits, readings)))
        except _PARSE_ERRORS:
            pass
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
    return [problem_doc("DL002", "the file is empty (or only comments)", Position(1, 1))]


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def load_bytes(
    raw: bytes, limits: Limits = DEFAULT_LIMITS, *, readings: bool = True
) -> list[LoadedDoc]:
    """Decode a file's bytes (UTF-8, or UTF-16/32 with a BOM) and load its documents."""
    if len(raw) > limits.max_bytes:
        return oversized(len(raw), limits)
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8-sig")
    if encoding == "utf-8-sig" and b"\x00" in raw[:8192]:
        return [problem_doc("DL009", "binary file (NUL bytes): not a YAML document", _START)]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start : error.start + 1].hex()
        message = f"not UTF-8 text: invalid byte 0x{byte}"
        return [problem_doc("DL009", message, Position(line, column))]
    return load_text(text, limits, readings=readings)


_START: Final = Position(1, 1)


def oversized(size: int, limits: Limits) -> list[LoadedDoc]:
    """The problem doc for a file over the size limit (checked before reading it)."""
    message = f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; not graded"
    return [problem_doc("DL011", message, Position(1, 1))]
