"""Plain scalars typed as ruamel.yaml types them (YAML 1.2, or 1.1 under a `%YAML 1.1`
directive), without importing ruamel.yaml for the values nearly every doc holds.

The resolver tables are ruamel.yaml's, generated at build time (compiled/yaml_resolvers.py).
Values outside the fast paths below (`0x1f`, `1_000`, `.inf`, a tagged `!!int`) are built by
ruamel.yaml's own constructors, imported when first needed, so every quirk stays its own.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any, Final

from deploylint.compiled.yaml_resolvers import TABLES
from deploylint.load.readings import NUMERIC_START, WORDS

CORE: Final = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (CORE + name for name in ("str", "int", "float", "bool", "null"))
TIMESTAMP, MERGE, MAP, SEQ = (CORE + name for name in ("timestamp", "merge", "map", "seq"))
CONSTRUCTED: Final = frozenset({INT, FLOAT, BOOL, NULL})

Table = dict[str, list[tuple[str, re.Pattern[str]]]]

# Whether a plain scalar may be typed (by deploylint's resolver, either version, or by any
# other reader): it starts with one of these, or is one of readings.WORDS. The tables' letters
# (t, f, n, y, o and capitals) begin only those words (tests/test_loader_sameness.py checks).
SLOW_FIRST: Final = frozenset(
    first
    for first in {*TABLES[(1, 2)], *TABLES[(1, 1)], *NUMERIC_START, *(word[:1] for word in WORDS)}
    if not first.isalpha()
)
MISSING: Final = object()
# YAML 1.2 words and numbers every reader types alike (tests/test_loader_sameness.py checks
# each against ruamel.yaml and readings): the values of a doc that aren't text.
CORE_WORDS: Final[dict[str, Any]] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
}
# An int of at most 18 digits (so never past 64 bits), such a decimal fraction, an ISO date.
_PLAIN_NUMBER: Final = re.compile(
    r"(-?(?:0|[1-9][0-9]{0,17}))(\.[0-9]+)?|\d{4}-\d\d-\d\d", re.ASCII
)


def core_value(text: str) -> Any:
    """``text``'s YAML 1.2 value when it is a plain word or number every reader types alike
    (so it has no second reading), else MISSING. A date stays its text."""
    value = CORE_WORDS.get(text, MISSING)
    if value is not MISSING:
        return value
    number = _PLAIN_NUMBER.fullmatch(text)
    if number is None:
        return MISSING
    whole, fraction = number.groups()
    if whole is None:
        return text
    return int(whole) if fraction is None else float(text)


@cache
def resolver_table(version: tuple[int, int]) -> Table:
    """The implicit resolvers for a document's YAML version, compiled once per process."""
    # The spec says to read a later 1.x as 1.2; only an explicit 1.1 changes how values read.
    known = (1, 1) if version == (1, 1) else (1, 2)
    return {
        first: [(tag, _compiled(pattern, flags)) for tag, pattern, flags in entries]
        for first, entries in TABLES[known].items()
    }


@cache
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def resolve(table: Table, text: str) -> str:
    """The tag of the plain scalar ``text``."""
    for tag, regexp in table.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return STR


@cache
def _constructor() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).constructor


def construct(tag: str, text: str) -> Any:
    """ruamel.yaml's value for a scalar of a CONSTRUCTED tag; raises what its constructor
    raises (ValueError, KeyError, ...) for text that isn't one."""
    from ruamel.yaml.nodes import ScalarNode

    constructor = _constructor()
    return constructor.yaml_constructors[tag](constructor, ScalarNode(tag, text))


def tag_name(tag: str) -> str:
    """``!!int`` for YAML's own tags, the tag itself for any other."""
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def construct_value(tag: str, text: str) -> tuple[Any, tuple[str, str] | None]:
    """A scalar's value as deploylint grades it, and the problem (rule, message) if any."""
    if tag in (STR, TIMESTAMP):
        return text, None  # dates stay ISO text; the schema's "date" format checks them
    if tag not in CONSTRUCTED:
        return text, ("DL008", f"unsupported tag {tag_name(tag)} (read as plain text)")
    try:
        value = construct(tag, text)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        # e.g. `!!int ""` (IndexError) or `!!bool maybe` (KeyError) in ruamel.yaml
        return text, ("DL007", f"{text!r:.80} is not a valid {tag_name(tag)}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        # No count or amount needs more; and Python won't even print one past 4,300 digits.
        digits = len(text)
        message = f"a number of {digits:,} characters is too large to mean anything here"
        return (text[:40] + "..." if digits > 40 else text), ("DL007", message)
    # NaN compares false with every bound, so no ceiling could be checked against it:
    # keep it as text and let the schema say it is not a number.
    return (text if isinstance(value, float) and math.isnan(value) else value), None


def typed_key(tag: str, text: str) -> Any:
    """A key's value as deploylint's resolver types it (keys are kept as their text)."""
    if tag not in CONSTRUCTED:
        return text
    try:
        return construct(tag, text)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return text


def unicode_text(text: str) -> str:
    """Text every output can write: a lone surrogate (from an escape such as "\\ud800") is not
    text, so it is kept as its escape rather than reaching a reporter that can't encode it."""
    if text.isascii():  # most values: no surrogate in them, nothing to encode
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
