"""The two exceptions the generated validators raise, so the runtime needs no fastjsonschema.

``generate`` rewrites the generated code's ``from fastjsonschema import ...`` line to import
these; they take the same arguments as fastjsonschema's.
"""

from __future__ import annotations

from typing import Any


class JsonSchemaException(ValueError):
    """A value the generated code judged invalid."""


class JsonSchemaValueException(JsonSchemaException):
    """The first problem found (the generated code stops there)."""

    def __init__(
        self,
        message: str,
        value: Any = None,
        name: str | None = None,
        definition: Any = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.value, self.name = message, value, name
        self.definition, self.rule = definition, rule


class JsonSchemaValuesException(JsonSchemaException):
    """Several problems (only raised by code generated without fast_fail; ours stops early)."""

    def __init__(self, errors: list[JsonSchemaValueException]) -> None:
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors
