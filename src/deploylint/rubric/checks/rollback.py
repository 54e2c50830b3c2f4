"""Checks for the rollback area: literal routes, who holds the key, and rollback drills."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    agent_ids,
    days_over_limit,
    declared,
    human_queues,
    mapping,
    parse_date,
)

# Words of a route: split on anything not a letter or digit, and between camelCase humps.
_WORD_BREAK = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")

# What a rollback key holder (or override queue) is, when it isn't a human queue with a rotation.
AGENT = "agent"
AGENT_LIKE = "agent_like"
VENDOR_PORTAL = "vendor_portal"
UNDECLARED = "undeclared"
NO_ROTATION = "no_rotation"
NOT_HUMAN = (AGENT, AGENT_LIKE, VENDOR_PORTAL)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _first_match(text: str, patterns: Iterable[str]) -> str | None:
    return next((p for p in patterns if _compiled(p).search(text)), None)


def holder_kind(name: str, doc: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
    """Why ``name`` is not a human queue with a rotation, or None when it is one.

    An agent of the doc, a name shaped like an agent or script, or a vendor-portal button is
    never a human queue, even when ``humans.queues`` lists it.
    """
    if name in agent_ids(doc):
        return AGENT
    if _first_match(name, params.get("agent_like", ())):
        return AGENT_LIKE
    if _first_match(name, params.get("vendor_portal", ())):
        return VENDOR_PORTAL
    queue = human_queues(doc).get(name)
    if queue is None:
        return UNDECLARED
    if not declared(queue.get("rotation")):
        return NO_ROTATION
    return None


def _holder_fact(given: CheckInput, field: str, kinds: tuple[str, ...]) -> Iterator[Fact]:
    name = mapping(given.node).get(field)
    if not declared(name):
        return  # a missing or placeholder name is the `declared_text` rule's finding
    kind = holder_kind(name, given.doc, given.params)
    if kind in kinds:
        queue = human_queues(given.doc).get(name, {})
        values = {"holder": name, "kind": kind, "rotation": queue.get("rotation")}
        yield Fact((*given.path, field), values=values)


def rollback_key_held_by_agent(given: CheckInput) -> Iterator[Fact]:
    """The rollback key holder is an agent, named like one, or a vendor-portal button."""
    yield from _holder_fact(given, "rollback_key_holder", NOT_HUMAN)


def rollback_key_holder_queue(given: CheckInput) -> Iterator[Fact]:
    """The rollback key holder is not a declared human queue with a rotation."""
    yield from _holder_fact(given, "rollback_key_holder", (UNDECLARED, NO_ROTATION))


def human_override_queue_human(given: CheckInput) -> Iterator[Fact]:
    """The human override queue is not a declared human queue with a rotation."""
    yield from _holder_fact(given, "human_override_queue", (*NOT_HUMAN, UNDECLARED, NO_ROTATION))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_BREAK.split(text) if w]


def route_problem(path: str, params: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """Why ``path`` is not a literal route: ``("screen", word)`` or ``("not_a_route", None)``.

    A literal route matches one of ``params["routes"]`` (an API path or URL, a runbook entry
    point) and names none of ``params["screen_words"]`` (dashboard, console, portal, ...).
    """
    screens = {str(w).lower() for w in params.get("screen_words", ())}
    word = next((w for w in _words(path) if w in screens), None)
    if word is not None:
        return ("screen", word)
    if _first_match(path.strip(), params.get("routes", ())) is None:
        return ("not_a_route", None)
    return None


def rollback_path_is_route(given: CheckInput) -> Iterator[Fact]:
    """The rollback path is a dashboard, console, portal button or prose, not a literal route."""
    path = mapping(given.node).get("rollback_path")
    if not declared(path):
        return
    problem = route_problem(path, given.params)
    if problem is not None:
        reason, word = problem
        yield Fact((*given.path, "rollback_path"), values={"reason": reason, "word": word})


def rollback_test_age(given: CheckInput) -> Iterator[Fact]:
    """The rollback has no recorded exercise, or its last one is older than ``max_age_days``."""
    section = mapping(given.node)
    if section.get("tested_on") is None:
        yield Fact((*given.path, "tested_on"), missing=True)
        return
    tested = parse_date(section.get("tested_on"))  # a malformed date: the schema reports it
    age = days_over_limit(tested, given)
    if tested is not None and age is not None:
        values = {"last_test": tested.isoformat(), "age_days": age}
        yield Fact((*given.path, "tested_on"), values=values)


CHECKS: dict[str, Check] = {
    "rollback_key_held_by_agent": rollback_key_held_by_agent,
    "rollback_key_holder_queue": rollback_key_holder_queue,
    "human_override_queue_human": human_override_queue_human,
    "rollback_path_is_route": rollback_path_is_route,
    "rollback_test_age": rollback_test_age,
}
