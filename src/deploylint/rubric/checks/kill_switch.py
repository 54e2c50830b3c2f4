"""Checks for the kill-switch area."""

from __future__ import annotations

from collections.abc import Iterator

from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    days_over_limit,
    listed,
    mapping,
    parse_date,
)


def kill_switch_test_age(given: CheckInput) -> Iterator[Fact]:
    """The newest recorded kill-switch test is older than ``max_age_days`` before --today."""
    tests = mapping(given.node).get("tests")
    dates = [parse_date(t.get("date")) for t in listed(tests) if isinstance(t, dict)]
    newest = max((d for d in dates if d is not None), default=None)
    age = days_over_limit(newest, given)
    if newest is not None and age is not None:
        values = {"last_test": newest.isoformat(), "age_days": age}
        yield Fact((*given.path, "tests"), values=values)


CHECKS: dict[str, Check] = {
    "kill_switch_test_age": kill_switch_test_age,
}
