"""Run the regular expressions of a config or a custom rubric on a linear-time engine.

Python's `re` backtracks: `^(a+)+$` on forty `a`s and a `b` runs for minutes, and so does a
run of adjacent repeats (`a*a*a*…!`, polynomial of a high degree) that no hand-written
check of a regex's shape catches. A pull request writes both the regex (in
`.deploylint.yaml` or a rubric) and the text it meets (the doc). So every regex that isn't
one of the shipped rubric's (reviewed, and tested on long hostile input) runs on RE2
(google-re2), whose time is linear in the text and whose memory is capped. A regex RE2
can't run (a lookaround, a backreference) or one over MAX_PATTERN characters is an error
naming where it came from, said when the rubric or config is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Final, Protocol

MAX_PATTERN: Final = 1_000  # characters in one user regex


class Matcher(Protocol):
    """What `re` and RE2 compile alike."""

    def search(self, text: str) -> Any: ...
    def match(self, text: str, pos: int = 0) -> Any: ...
    def finditer(self, text: str) -> Any: ...


def risky(pattern: str, *, must_compile: bool = True) -> str | None:
    """Why ``pattern`` can't be run (too long, or not a regex RE2 runs), or None.
    ``must_compile=False`` (a parameter that may be plain text): only a regex is judged."""
    if len(pattern) > MAX_PATTERN:
        return f"a regex over {MAX_PATTERN:,} characters"
    if trusted(pattern):
        return None
    try:
        _re2(pattern, 0)
    except Exception as error:  # re2.error, or a pattern re2's binding can't take
        if not must_compile and not _python_regex(pattern):
            return None  # plain text that isn't a regex at all
        return f"not a regex the linear-time engine (RE2) runs ({_said(error)})"
    return None


@cache
def compiled(pattern: str, flags: int = 0) -> Matcher:
    """``pattern`` compiled: by `re` when it is one of the shipped rubric's, else by RE2.
    Only re.IGNORECASE is carried over to RE2 (the only flag deploylint passes)."""
    if trusted(pattern):
        return re.compile(pattern, flags)
    return _re2(pattern, flags)


def _re2(pattern: str, flags: int) -> Matcher:
    import re2  # a user's regex only: not imported on the shipped rubric's path

    options = re2.Options()
    options.log_errors = False  # its errors are raised; logged, they'd land on stderr too
    options.case_sensitive = not flags & re.IGNORECASE
    matcher: Matcher = re2.compile(pattern, options)
    return matcher


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def _said(error: Exception) -> str:
    said = error.args[0] if error.args else error
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)


def trusted(pattern: str) -> bool:
    """Whether ``pattern`` is one of the shipped rubric's regexes (a config may repeat one)."""
    return pattern in _shipped()


@cache
def _shipped() -> frozenset[str]:
    from deploylint.rubric.load import load_default

    found: set[str] = set()
    for rule in load_default().rules.values():
        found.update(strings(rule.params))
        for schema in (rule.when, rule.require, dict(rule.defs)):
            found.update(schema_patterns(schema))
    return frozenset(found)


def schema_patterns(schema: Any) -> Iterator[str]:
    """Every regex a JSON Schema holds: `pattern` values and `patternProperties` keys."""
    from deploylint.load.inline import keyword_values

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
