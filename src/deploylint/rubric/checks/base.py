"""What every Python check shares: its input, the facts it yields, and doc helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.model.doc_model import DocModel, build
from deploylint.model.identity import PLACEHOLDER as PLACEHOLDER
from deploylint.model.identity import declared as declared
from deploylint.model.names import Guess

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a check found a gap, and what the rule's templates may say about it."""

    path: KeyPath
    missing: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)
    guess: Guess | None = None  # the finding rests on a name, not on the doc's data


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What a check sees: the selected node, where it is, the whole doc, and its settings."""

    node: Any
    path: KeyPath
    doc: Mapping[str, Any]
    params: Mapping[str, Any]
    today: date
    model: DocModel | None = None  # the doc's model, built once per doc by the engine

    @property
    def doc_model(self) -> DocModel:
        """The doc's model (built here when the caller didn't pass one)."""
        return self.model if self.model is not None else build(self.doc)


Check = Callable[[CheckInput], Iterator[Fact]]


def parse_date(value: Any) -> date | None:
    """A YYYY-MM-DD date, or None (the schema reports malformed dates)."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


FUTURE_GRACE_DAYS: Final = 1  # a date written in a time zone ahead of the grader's


def days_over_limit(day: date | None, given: CheckInput) -> int | None:
    """How many days ``day`` lies before --today, when that is over ``max_age_days``; or a
    negative number for a date after --today, which would otherwise count as fresh forever
    (a typo, or 9999-12-31 written to silence the rule)."""
    if day is None:
        return None
    age = (given.today - day).days
    return age if age > given.params["max_age_days"] or age < -FUTURE_GRACE_DAYS else None


def listed(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list (the schema reports wrong types)."""
    return value if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def agent_ids(doc: Mapping[str, Any]) -> set[str]:
    """The ids of the doc's agents, as written."""
    return {agent.id for agent in build(doc).agents if agent.key}
