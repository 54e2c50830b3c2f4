"""A jsonschema validator for a custom rule's predicates, under a budget.

A custom rubric comes from the pull request, and JSON Schema has exponential corners: a
`$defs` entry that refers twice (through `allOf`) to one that refers twice to the next
doubles the work at each step, and `uniqueItems` on a long list of mappings is quadratic.
So each evaluation runs within the file's budget of user-supplied evaluation
(deploylint.rubric.budget: CPU time), and running past it stops the run with exit 2 naming the
rule and its file. Its `pattern` and `patternProperties` regexes run on RE2 (linear time,
deploylint.rubric.regexguard) over at most MAX_TEXT characters of a value or key. The shipped
predicates run through the generated code (deploylint.compiled) and meet this only if that
code is stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Final

from deploylint.rubric import budget
from deploylint.rubric.regexguard import compiled

MAX_TEXT: Final = 1_000  # characters of a value or key a rule's regex is run on


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not compiled(pattern).search(instance[:MAX_TEXT]):
        yield ValidationError(f"{instance[:80]!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if compiled(pattern).search(key[:MAX_TEXT]):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


@cache
def validator_class() -> Any:
    """Draft 2020-12, with `pattern` and `patternProperties` bounded."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        {"pattern": _pattern, "patternProperties": _pattern_properties},
    )


class Budgeted:
    """A validator whose every evaluation spends the file's budget (``what``: the rule and
    schema named when it runs out)."""

    __slots__ = ("_validator", "what")

    def __init__(self, validator: Any, what: str) -> None:
        self._validator, self.what = validator, what

    def is_valid(self, instance: Any) -> bool:
        with budget.bounded(self.what):
            return bool(self._validator.is_valid(instance))
