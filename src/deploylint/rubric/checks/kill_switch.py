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
    """The newest kill-switch test in production (or, when none was in production, the
    newest of all: KS006 says that) is older than ``max_age_days`` before --today. A recent
    staging drill doesn't show that the production switch still fires."""
    tests = [t for t in listed(mapping(given.node).get("tests")) if isinstance(t, dict)]
    production = [t for t in tests if t.get("environment") == "production"]
    dates = [parse_date(t.get("date")) for t in (production or tests)]
    newest = max((d for d in dates if d is not None), default=None)
    age = days_over_limit(newest, given)
    if newest is not None and age is not None:
        values = {
            "last_test": newest.isoformat(),
            "age_days": age,
            "in_production": bool(production),
        }
        yield Fact((*given.path, "tests"), values=values)


CHECKS: dict[str, Check] = {
    "kill_switch_test_age": kill_switch_test_age,
}
