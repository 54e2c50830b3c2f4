"""Checks for the rollback area: literal routes, who holds the key, and rollback drills."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, Final

from deploylint.model import names, routes
from deploylint.model.doc_model import DocModel
from deploylint.model.identity import Ref
from deploylint.model.names import Guess
from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    days_over_limit,
    declared,
    mapping,
    parse_date,
)

# What a rollback key holder (or override queue) is, when it isn't a human queue with a rotation.
AGENT = "agent"
AGENT_LIKE = "agent_like"
VENDOR_PORTAL = "vendor_portal"
UNDECLARED = "undeclared"
NO_ROTATION = "no_rotation"
NOT_HUMAN = (AGENT, AGENT_LIKE, VENDOR_PORTAL)


def _declared_kind(name: Ref, model: DocModel) -> str | None:
    """Why the doc's own data says ``name`` is not a human queue with a rotation, or None."""
    if model.is_agent(name):
        return AGENT
    queue = model.queue(name)
    if queue is None:
        return UNDECLARED
    if queue.rotation is None:
        return NO_ROTATION
    return None


def _named_like(name: str, params: Mapping[str, Any]) -> Guess | None:
    """What the name alone suggests: an agent or script, or a vendor-portal button."""
    kinds = {
        AGENT_LIKE: params.get("agent_like", ()),
        VENDOR_PORTAL: params.get("vendor_portal", ()),
    }
    settle = f"the human queue behind {name} in `humans.queues`, with its rotation"
    return names.name_matches(name, kinds, settle=settle, flags=re.IGNORECASE)


_LOOKS_LIKE: Final = {AGENT_LIKE: "an agent or script", VENDOR_PORTAL: "a vendor-portal button"}


def _holder_fact(given: CheckInput, field: str, kinds: tuple[str, ...]) -> Iterator[Fact]:
    model = given.doc_model
    section = model.rollback
    holder = section.key_holder if field == "rollback_key_holder" else section.override_queue
    if holder is None:
        return  # a missing or placeholder name is the `declared_text` rule's finding
    name = holder.text
    kind = _declared_kind(holder, model)
    guess = None
    if kind not in kinds:
        # What the name suggests, where the doc's own data gave this rule nothing to report.
        guess = _named_like(holder.name, given.params)
        kind = guess.value if guess is not None else None
        if guess is not None:
            looks = _LOOKS_LIKE[guess.value]
            guess = replace(guess, basis=f"{guess.basis}, which looks like {looks}")
    if kind in kinds:
        queue = model.queue(holder)
        values = {"holder": name, "kind": kind, "rotation": queue.rotation if queue else None}
        yield Fact((*given.path, field), values=values, guess=guess)


def rollback_key_held_by_agent(given: CheckInput) -> Iterator[Fact]:
    """The rollback key holder is an agent, named like one, or a vendor-portal button."""
    yield from _holder_fact(given, "rollback_key_holder", NOT_HUMAN)


def rollback_key_holder_queue(given: CheckInput) -> Iterator[Fact]:
    """The rollback key holder is not a declared human queue with a rotation."""
    yield from _holder_fact(given, "rollback_key_holder", (UNDECLARED, NO_ROTATION))


def human_override_queue_human(given: CheckInput) -> Iterator[Fact]:
    """The human override queue is not a declared human queue with a rotation."""
    yield from _holder_fact(given, "human_override_queue", (*NOT_HUMAN, UNDECLARED, NO_ROTATION))


def rollback_path_is_route(given: CheckInput) -> Iterator[Fact]:
    """The rollback path is a dashboard, console, portal button or prose, not a literal route."""
    path = mapping(given.node).get("rollback_path")
    if not declared(path):
        return
    verdict = routes.classify(path, given.params)
    if not verdict.is_route:
        reason = "screen" if verdict.kind == "screen" else "not_a_route"
        yield Fact((*given.path, "rollback_path"), values={"reason": reason, "word": verdict.word})


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
