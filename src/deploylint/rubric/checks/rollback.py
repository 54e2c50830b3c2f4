"""Checks for the rollback area: literal routes, who holds the key, and rollback drills."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, Final

from deploylint.regexguard import Matcher, compiled
from deploylint.rubric import names
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
from deploylint.rubric.names import Guess

_URL = re.compile(r"(?:[A-Z]+\s+)?https?://", re.IGNORECASE)
_URL_HOST = re.compile(r"https?://(([A-Za-z0-9-]+)\.[A-Za-z0-9.-]+)")
# "Settings -> Agents -> Pause": a path through a UI's menus, not a route.
_CLICK_PATHS = ("->", "\u2192", "\u00bb", " > ")

# What a rollback key holder (or override queue) is, when it isn't a human queue with a rotation.
AGENT = "agent"
AGENT_LIKE = "agent_like"
VENDOR_PORTAL = "vendor_portal"
UNDECLARED = "undeclared"
NO_ROTATION = "no_rotation"
NOT_HUMAN = (AGENT, AGENT_LIKE, VENDOR_PORTAL)


def _compiled(pattern: str) -> Matcher:
    return compiled(pattern, re.IGNORECASE)  # a config's own on RE2 (deploylint.regexguard)


def _declared_kind(name: str, doc: Mapping[str, Any]) -> str | None:
    """Why the doc's own data says ``name`` is not a human queue with a rotation, or None."""
    if name in agent_ids(doc):
        return AGENT
    queue = human_queues(doc).get(name)
    if queue is None:
        return UNDECLARED
    if not declared(queue.get("rotation")):
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
    name = mapping(given.node).get(field)
    if not declared(name):
        return  # a missing or placeholder name is the `declared_text` rule's finding
    kind = _declared_kind(name, given.doc)
    guess = None
    if kind not in kinds:
        # What the name suggests, where the doc's own data gave this rule nothing to report.
        guess = _named_like(name, given.params)
        kind = guess.value if guess is not None else None
        if guess is not None:
            looks = _LOOKS_LIKE[guess.value]
            guess = replace(guess, basis=f"{guess.basis}, which looks like {looks}")
    if kind in kinds:
        queue = human_queues(given.doc).get(name, {})
        values = {"holder": name, "kind": kind, "rotation": queue.get("rotation")}
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


def route_problem(path: str, params: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """Why ``path`` is not a literal route: ``("screen", word)`` or ``("not_a_route", None)``.

    A literal route is an API path, a URL or a runbook entry point that starts the text; a
    note after it (`/internal/x/rollback?since={ts} (resets status)`, `runbook DATA-RB-13
    "Restore a partition"`) is the team's own words and is not read for screen words. An
    API path (`POST /internal/.../toggle`) is a route whatever its words; a URL is a page
    when it names a screen (`https://console.vendor.example/...`) or a web app's host
    (`https://app.vendor.io/...`, unless its path is an `/api/`); text with no route is a
    page when it names a screen or a menu (`menu_words`). A click path (`Settings ->
    Pause`) makes any of them a page.
    """
    text = path.strip()[:2_000]
    route = _leading_route(text, params.get("routes", ()))
    click = next((a for a in _CLICK_PATHS if a in text), None)
    if click is not None:
        return ("screen", click)
    if route is not None and not _URL.match(route):
        return None  # an API path or a runbook entry: a route, whatever its words say
    words = set(params.get("screen_words", ()))
    if route is None:
        words |= set(params.get("menu_words", ()))
    screens = {str(w).lower() for w in words}
    word = next((w for w in names.words(route or text) if w in screens), None)
    word = word or _page_host(route or "", params.get("screen_hosts", ()))
    if word is not None:
        return ("screen", word)
    return ("not_a_route", None) if route is None else None


def _page_host(route: str, hosts: Iterable[str]) -> str | None:
    """The first label of a URL's host when it names a web app, not an API (``app.``)."""
    found = _URL_HOST.search(route)
    if found is None or found.group(2).lower() not in {str(h).lower() for h in hosts}:
        return None
    if "api" in names.words(route[found.end() :]):
        return None  # https://app.vendor.io/api/v1/...: the vendor's API, a route
    return f"web app ({found.group(1)})"


def _leading_route(text: str, patterns: Iterable[str]) -> str | None:
    """The longest route a ``routes`` pattern matches at the start of ``text``, or None."""
    found = [m.group(0) for p in patterns if (m := _compiled(p).match(text)) is not None]
    return max(found, key=len) if found else None


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
