"""Checks for the retries area: limits a rule parameter sets (a schema fragment can't read one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deploylint.model.doc_model import DocModel, number
from deploylint.rubric.checks.base import Check, CheckInput, Fact, mapping


def _count(value: Any) -> int | None:
    """``value`` if it is an integer (not a bool), else None (the schema reports the type)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _calls_per_action(model: DocModel) -> int | None:
    """The largest ``max_tool_calls`` any action declares, or None when none does."""
    caps = [a.max_tool_calls for agent in model.agents for a in agent.actions]
    known = [int(cap) for cap in caps if cap is not None]
    return max(known) if known else None


def _values(given: CheckInput) -> dict[str, Any]:
    """What the templates may say: attempts, budget and tool calls per action, as declared."""
    section = mapping(given.node)
    return {
        "attempts": _count(section.get("max_attempts")),
        "budget": _count(section.get("retry_budget_per_action")),
        "calls_per_action": _calls_per_action(given.doc_model),
    }


def _bounded(given: CheckInput, key: str, low: int, high: int) -> Iterator[Fact]:
    """``key`` is not declared, or is a whole number outside ``low``..``high``."""
    section = mapping(given.node)
    path = (*given.path, key)
    if section.get(key) is None:
        yield Fact(path, missing=True, values=_values(given))
        return
    count = _count(section[key])
    if count is not None and not low <= count <= high:
        yield Fact(path, values=_values(given))


def retry_max_attempts(given: CheckInput) -> Iterator[Fact]:
    """Max attempts per call is not declared, is 0, or is above the ``max_attempts`` limit."""
    yield from _bounded(given, "max_attempts", 1, given.params["max_attempts"])


def retry_budget(given: CheckInput) -> Iterator[Fact]:
    """No retry budget per action, or one too large for the action's own scale.

    A budget is a count (`retry_budget_per_action`) or a share of the action's calls
    (`retry_budget_ratio`). The count's limit is ``max_retry_budget`` or, where the doc caps
    tool calls per action, ``max_retry_ratio`` of those calls, whichever is larger: a
    200-call action may retry 20 times, as a ratio budget of 10% would allow.
    """
    section = mapping(given.node)
    values = _values(given)
    ratio = number(section.get("retry_budget_ratio"))
    limit_ratio = float(given.params["max_retry_ratio"])
    if section.get("retry_budget_ratio") is not None and ratio is None:
        return  # a ratio of the wrong type is the schema's finding (DL007)
    if section.get("retry_budget_per_action") is None:
        if ratio is None:
            yield Fact((*given.path, "retry_budget_per_action"), missing=True, values=values)
        elif ratio > limit_ratio:
            values = {**values, "ratio": ratio}
            yield Fact((*given.path, "retry_budget_ratio"), values=values)
        return
    if ratio is not None and ratio > limit_ratio:
        yield Fact((*given.path, "retry_budget_ratio"), values={**values, "ratio": ratio})
        return
    if ratio is not None:
        return  # a share within the limit bounds the retries; a count beside it only adds a cap
    calls = values["calls_per_action"] or 0
    limit = max(int(given.params["max_retry_budget"]), int(calls * limit_ratio))
    yield from _bounded(given, "retry_budget_per_action", 0, limit)


CHECKS: dict[str, Check] = {
    "retry_max_attempts": retry_max_attempts,
    "retry_budget": retry_budget,
}
