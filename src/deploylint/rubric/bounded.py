"""A jsonschema validator for rule predicates whose regexes see a bounded slice of text.

`regexguard` refuses a custom rule's regex that can backtrack exponentially, but a
polynomial one (`x.*y.*z`) on a 1 MiB value from a pull request can still run for minutes.
So a rule's `pattern` and `patternProperties` test at most MAX_TEXT characters of a value
or key: a few milliseconds whatever the regex. The shipped predicates run through the
generated code (deploylint.compiled) and meet this only if that code is stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Final

MAX_TEXT: Final = 1_000  # characters of a value or key a rule's regex is run on


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not re.search(pattern, instance[:MAX_TEXT]):
        yield ValidationError(f"{instance[:80]!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if re.search(pattern, key[:MAX_TEXT]):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


@cache
def validator_class() -> Any:
    """Draft 2020-12, with `pattern` and `patternProperties` bounded."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        {"pattern": _pattern, "patternProperties": _pattern_properties},
    )
