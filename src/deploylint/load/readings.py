"""Other readers' view of a doc: a doc must mean one thing to every YAML reader (DL014).

deploylint reads YAML 1.2 through ruamel.yaml's resolver. An agent harness is likely to read
YAML 1.1 (PyYAML's ``yaml.safe_load``, go-yaml v2, SnakeYAML), where ``on`` is true, ``1:30``
is 90 and ``0755`` is 493; a strict YAML 1.2 reader types only the core schema, where
``1_000`` and ``0b1010`` are text. Where a plain scalar, a repeated key or an order of merges
gives another value to one of them, the gate would grade one doc and the harness run another.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import islice
from typing import Any, Final, NamedTuple

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# Who reads the other value, each ending in its verb: "...; {readers} {value}".
YAML_1_1: Final = "YAML 1.1 readers (PyYAML's yaml.safe_load, most agent harnesses) read"
SHORT_BOOL: Final = "YAML 1.1 readers that follow its bool type (go-yaml v2, ruamel.yaml) read"
CORE_1_2: Final = "strict YAML 1.2 readers (the core schema) read"
LAST_KEY: Final = "readers that keep the last (PyYAML, JSON-style readers) read"
LATER_MERGE: Final = "readers that let a later merge win (PyYAML 6, for most keys) read"

_CORE = "tag:yaml.org,2002:"
_TIMESTAMP = _CORE + "timestamp"
# The YAML 1.1 bool type also has y/Y/n/N: go-yaml v2 and ruamel.yaml's 1.1 read them as
# booleans, PyYAML keeps them as text. A harness on either kind of reader counts.
_SHORT_BOOLS: Final = {"y": True, "Y": True, "n": False, "N": False}
_CORE_BOOLS: Final = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_CORE_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_CORE_INT: Final = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT: Final = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_INF: Final = re.compile(r"([-+]?)\.(?:inf|Inf|INF)")
_CORE_NAN: Final = frozenset({".nan", ".NaN", ".NAN"})
# A plain scalar is text to every reader here unless it starts like a number or is one of
# these words (YAML 1.1's booleans and every reader's nulls and booleans).
NUMERIC_START: Final = frozenset("0123456789+-.")
WORDS: Final = frozenset(
    {"", "~", "null", "Null", "NULL", *_SHORT_BOOLS}
    | {
        f(w)
        for w in ("yes", "no", "true", "false", "on", "off")
        for f in (str, str.title, str.upper)
    }
)
# Typed alike by every reader: a short decimal, a decimal fraction, an ISO date.
_PLAIN_NUMBER: Final = re.compile(
    r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}"
)
_UNREAD: Final = object()  # a reader that refuses the value fails loudly: no second meaning


class Reading(NamedTuple):
    """What another reader makes of a value deploylint reads as ``graded``."""

    readers: str
    value: Any


def other_reading(text: str, graded: Any) -> Reading | None:
    """The first other reader that types the plain scalar ``text`` differently, if any."""
    if not maybe_typed(text) or _PLAIN_NUMBER.fullmatch(text):
        return None
    if text in _SHORT_BOOLS and not same(_SHORT_BOOLS[text], graded):
        return Reading(SHORT_BOOL, _SHORT_BOOLS[text])
    for readers, read in ((YAML_1_1, _yaml_1_1), (CORE_1_2, _core_1_2)):
        value = read(text)
        if value is not _UNREAD and not same(value, graded):
            return Reading(readers, value)
    return None


def maybe_typed(text: str) -> bool:
    """Whether some reader might read the plain scalar ``text`` as other than text."""
    return text[:1] in NUMERIC_START or text in WORDS


def _yaml_1_1(text: str) -> Any:
    """PyYAML's reading: its resolver and its safe constructor, as yaml.safe_load runs them."""
    resolvers = Resolver.yaml_implicit_resolvers.get(text[:1], ())
    tag = next((tag for tag, regexp in resolvers if regexp.match(text)), _CORE + "str")
    if tag in (_CORE + "str", _TIMESTAMP):
        return text  # a date reads as the same date whether typed or kept as its text
    try:
        constructor = _pyyaml_constructor()
        return constructor.yaml_constructors[tag](constructor, ScalarNode(tag, text))
    except (ConstructorError, KeyError, ValueError, TypeError, IndexError, OverflowError):
        return _UNREAD  # `=` (PyYAML's value tag), ints past Python's digit limit


@cache
def _pyyaml_constructor() -> SafeConstructor:
    return SafeConstructor()


def _core_1_2(text: str) -> Any:
    """The YAML 1.2 core schema (spec 10.3.2), and nothing else: the strict reading."""
    if text in _CORE_NULLS:
        return None
    if text in _CORE_BOOLS:
        return _CORE_BOOLS[text]
    try:
        if _CORE_INT.fullmatch(text):
            return int(text, 8 if text[:2] == "0o" else 16 if text[:2] == "0x" else 10)
        if _CORE_FLOAT.fullmatch(text):
            return float(text)
    except ValueError:
        return _UNREAD  # past Python's digit limit: deploylint says the number is too large
    infinity = _CORE_INF.fullmatch(text)
    if infinity:
        return -math.inf if infinity.group(1) == "-" else math.inf
    return math.nan if text in _CORE_NAN else text


def same(first: Any, second: Any) -> bool:
    """Equal as a reader would act on them: true is not 1, a date's text is the date."""
    if first is second:
        return True
    if type(first) is not type(second):
        return False
    if isinstance(first, dict):
        return first.keys() == second.keys() and all(same(v, second[k]) for k, v in first.items())
    if isinstance(first, list):
        return len(first) == len(second) and all(map(same, first, second))
    if isinstance(first, float) and math.isnan(first):
        return math.isnan(second)
    return bool(first == second)


def unquoted(text: str, graded: Any, *, refused: bool = False) -> str | None:
    """What DL014 says of a plain scalar deploylint grades as ``graded``, if it has two
    readings. ``refused``: graded as text because no bound holds against it."""
    other = other_reading(text, graded)
    if other is None:
        return None
    why = " (it takes no NaN and no number past 64 bits)" if refused else ""
    return (
        f"{text:.80} (unquoted) has two readings: deploylint reads {shown(graded)}{why}; "
        f"{other.readers} {shown(other.value)}"
    )


def duplicate(key: str, first: Any, again: Any, *, readings: bool = True) -> tuple[str, str]:
    """The rule and message for a key met twice: DL014 if the values differ, else DL004."""
    if readings and not same(first, again):
        return "DL014", (
            f"duplicate key {key!r} has two readings: deploylint reads the first value, "
            f"{shown(first)}; {LAST_KEY} {shown(again)}"
        )
    return "DL004", f"duplicate key {key!r} (the same value both times): the first is graded"


def merged_keys(
    merges: Sequence[Sequence[Any]], explicit: set[str]
) -> Iterator[tuple[str, int, str]]:
    """(key, which `<<` gave the other value, DL014's message) for each key that the merges
    of one mapping give different values.

    ``merges`` holds each `<<` of the mapping in order, each a list of its sources.
    deploylint, like YAML's merge spec, takes a key from the first source that has it.
    PyYAML 6 keeps the last instead, in a list or across repeated `<<` alike (it skips a
    repeat only when the two keys are one interned string, as one-letter keys are).
    """
    graded: dict[str, Any] = {}
    last: dict[str, tuple[Any, int]] = {}
    for index, sources in enumerate(merges):
        for source in sources:
            for key, value in source.items():
                if key not in explicit:
                    graded.setdefault(key, value)
                    last[key] = (value, index)
    for key, value in graded.items():
        other, index = last[key]
        if not same(value, other):
            yield (
                key,
                index,
                (
                    f"merged key {key!r} has two readings: deploylint reads {shown(value)} (the "
                    f"first merge that has it wins); {LATER_MERGE} {shown(other)}"
                ),
            )


def shown(value: Any, depth: int = 0) -> str:
    """A value as YAML would write it, cut short: messages stay one line."""
    if isinstance(value, dict):
        items = [f"{k}: {shown(v, depth + 1)}" for k, v in islice(value.items(), 3)]
        return _collection("{", items, len(value), "}", depth)
    if isinstance(value, list):
        items = [shown(v, depth + 1) for v in islice(value, 3)]
        return _collection("[", items, len(value), "]", depth)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, str):
        quoted = json.dumps(value[:60] + ("..." if len(value) > 60 else ""), ensure_ascii=False)
        return quoted if depth else "the text " + quoted
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a {value.bit_length():,}-bit number"  # past 4,300 digits str() would raise
    return str(value)[:60]


def _collection(opening: str, items: list[str], size: int, closing: str, depth: int) -> str:
    if depth >= 2 and size:
        return opening + "..." + closing
    more = [f"... {size - len(items)} more"] if size > len(items) else []
    return opening + ", ".join(items + more) + closing
