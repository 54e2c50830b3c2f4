"""Python checks for what a schema fragment can't say: dates against --today, cross-field logic.

A check gets the node a rule selected and yields facts (a path and template values); the
engine adds the rule id, severity and text, so a check never knows how its finding reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deploylint.keypath import KeyPath

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a check found a gap, and what the rule's templates may say about it."""

    path: KeyPath
    missing: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What a check sees: the selected node, where it is, the whole doc, and its settings."""

    node: Any
    path: KeyPath
    doc: Mapping[str, Any]
    params: Mapping[str, Any]
    today: date


Check = Callable[[CheckInput], Iterator[Fact]]


def parse_date(value: Any) -> date | None:
    """A YYYY-MM-DD date, or None (the schema reports malformed dates)."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def kill_switch_test_age(given: CheckInput) -> Iterator[Fact]:
    """The newest recorded kill-switch test is older than ``max_age_days`` before --today."""
    tests = given.node.get("tests") if isinstance(given.node, dict) else None
    dates = [parse_date(t.get("date")) for t in tests or [] if isinstance(t, dict)]
    known = [d for d in dates if d is not None]
    if not known:
        return
    newest = max(known)
    age = (given.today - newest).days
    if age > given.params["max_age_days"]:
        values = {"last_test": newest.isoformat(), "age_days": age}
        yield Fact((*given.path, "tests"), values=values)


CHECKS: dict[str, Check] = {
    "kill_switch_test_age": kill_switch_test_age,
}
