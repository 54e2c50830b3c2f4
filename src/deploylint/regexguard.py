"""Refuse regular expressions from a config or a custom rubric that can take exponential time.

Python's `re` backtracks: `^(a+)+$` on forty `a`s and a `b` runs for minutes, and a pull
request writes both the regex (in `.deploylint.yaml` or a rubric) and the text it meets (the
doc). The shapes behind catastrophic backtracking are a repeat inside a repeat, and a
repeated alternation; such a regex is an error naming where it came from. (The shipped
rubric's regexes are reviewed and tested on long hostile input instead.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as _sre  # type: ignore[attr-defined]  # the parser's view (3.11+)
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any, Final

_REPEATS: Final = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)}
MAX_PATTERN: Final = 1_000  # characters in one user regex


def risky(pattern: str, *, must_compile: bool = True) -> str | None:
    """Why ``pattern`` could backtrack catastrophically (or doesn't compile), or None.
    ``must_compile=False`` (a parameter that may be plain text): only a regex is judged."""
    if len(pattern) > MAX_PATTERN:
        return f"a regex over {MAX_PATTERN:,} characters"
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return f"not a valid regex ({error})" if must_compile else None
    return _nested(list(parsed), inside_repeat=False)


def _nested(items: list[Any], *, inside_repeat: bool) -> str | None:
    for op, value in items:
        if op in _REPEATS:
            _, high, body = value
            repeats = high is _sre.MAXREPEAT or high > 1
            if repeats and inside_repeat:
                return "a repeat inside a repeat, like (a+)+, which can take exponential time"
            found = _nested(list(body), inside_repeat=inside_repeat or repeats)
        elif op is _sre.BRANCH:
            if inside_repeat:
                return "a repeated alternation, like (a|ab)*, which can take exponential time"
            found = _first(_nested(list(b), inside_repeat=False) for b in value[1])
        elif op is _sre.SUBPATTERN:
            found = _nested(list(value[-1]), inside_repeat=inside_repeat)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found = _nested(list(value[1]), inside_repeat=inside_repeat)
        else:
            found = None
        if found:
            return found
    return None


def _first(reasons: Iterator[str | None]) -> str | None:
    return next((r for r in reasons if r), None)


def schema_patterns(schema: Any) -> Iterator[str]:
    """Every regex a JSON Schema holds: `pattern` values and `patternProperties` keys."""
    from deploylint.inline import keyword_values

    yield from (p for p in keyword_values(schema, "pattern") if isinstance(p, str))
    for table in keyword_values(schema, "patternProperties"):
        yield from (k for k in table if isinstance(k, str)) if isinstance(table, dict) else ()


def strings(node: Any) -> Iterator[str]:
    """Every string in a parameter value (a regex, or a list or mapping of them)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from strings(item)
