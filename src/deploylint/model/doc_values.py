"""Values read off a doc's raw data for the model: a value of the wrong type reads as
nothing (the schema reports it), so the model is built from any shape."""

from __future__ import annotations

from typing import Any

from deploylint.model.identity import Ref, declared, ref


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in listed(value) if isinstance(v, str))


def refs(values: Any) -> tuple[Ref, ...]:
    """The references a list names (placeholders such as TBD name nothing), each once."""
    found = {ref(v).key: ref(v) for v in texts(values) if declared(v)}
    return tuple(found.values())


def whole(value: Any) -> float | None:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else None


def number(value: Any) -> float | None:
    """A number from the doc (bools are not numbers here), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def flag(value: Any) -> bool | None:
    """A boolean the doc declares, else None."""
    return value if isinstance(value, bool) else None
