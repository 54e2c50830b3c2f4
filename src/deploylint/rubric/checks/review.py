"""Checks for the review area: the second reader, self-review, review age, blast radius."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.model.identity import part_of, ref
from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    days_over_limit,
    declared,
    listed,
    mapping,
    parse_date,
)


def _norm(value: Any) -> str:
    """A person's or team's identity (a note after the name is not part of it); a
    placeholder (TBD, none, ...) names nobody."""
    return ref(value).key if declared(value) else ""


def _authors(metadata: dict[str, Any]) -> set[str]:
    return {_norm(a) for a in listed(metadata.get("authors")) if _norm(a)}


def _described(reviewer: dict[str, Any]) -> str:
    name = reviewer.get("name", "an unnamed reviewer")
    team = reviewer.get("team")
    return f"{name} ({team})" if team else f"{name} (no team given)"


def _second_reader(reviewer: dict[str, Any], owner: str, authors: set[str]) -> bool:
    """A reviewer from a named team other than the owner's, who didn't write the doc."""
    team = _norm(reviewer.get("team"))
    return bool(team) and team != owner and _norm(reviewer.get("name")) not in authors


def second_reader(given: CheckInput) -> Iterator[Fact]:
    """No reviewer comes from outside the owning team (and isn't an author)."""
    metadata = mapping(given.node)
    where = (*given.path, "reviewers")
    reviewers = [mapping(r) for r in listed(metadata.get("reviewers"))]
    if not reviewers:
        declared = metadata.get("reviewers") is not None
        values: dict[str, Any] = {"owner": metadata.get("owner"), "reviewers": []}
        yield Fact(where, missing=not declared, values=values)
        return
    owner = _norm(metadata.get("owner"))
    if not owner:
        return  # no owning team to compare with: the owner rule reports that
    authors = _authors(metadata)
    if not any(_second_reader(r, owner, authors) for r in reviewers):
        values = {"owner": metadata.get("owner"), "reviewers": [_described(r) for r in reviewers]}
        yield Fact(where, values=values)


def reviewer_is_author(given: CheckInput) -> Iterator[Fact]:
    """A reviewer is also one of the doc's authors."""
    metadata = mapping(given.node)
    authors = _authors(metadata)
    for index, reviewer in enumerate(listed(metadata.get("reviewers"))):
        name = mapping(reviewer).get("name")
        if _norm(name) and _norm(name) in authors:
            yield Fact((*given.path, "reviewers", index, "name"), values={"reviewer": name})


def review_age(given: CheckInput) -> Iterator[Fact]:
    """The doc was last reviewed more than ``max_age_days`` before --today."""
    reviewed = parse_date(mapping(given.node).get("reviewed_on"))
    age = days_over_limit(reviewed, given)
    if reviewed is not None and age is not None:
        values = {"reviewed_on": reviewed.isoformat(), "age_days": age}
        yield Fact((*given.path, "reviewed_on"), values=values)


def _covered(resource: str, listed_resources: set[str]) -> bool:
    """The resource is listed, or a resource it is part of (`ads/customer-1` holds
    `ads/customer-1/bids`, `github/acme/*` holds `github/acme/api`), or a part of it (a
    blast radius may name the field it writes: `salesforce/Account.Support_Tier__c`)."""
    return any(part_of(resource, r) or part_of(r, resource) for r in listed_resources)


def blast_radius_covers_writes(given: CheckInput) -> Iterator[Fact]:
    """An agent writes a resource its declared blast radius doesn't list (by identity: a
    note after a name is the same resource)."""
    resources = mapping(mapping(given.node).get("blast_radius")).get("resources")
    agent = given.doc_model.agent(given.path[-1]) if isinstance(given.path[-1], int) else None
    if not isinstance(resources, list) or agent is None:
        return  # no resources declared: the blast-radius rule reports that
    listed_resources = {r.key for r in agent.reaches}
    unlisted = [
        w.resource.text for w in agent.writes if not _covered(w.resource.key, listed_resources)
    ]
    if unlisted:
        where = (*given.path, "blast_radius", "resources")
        yield Fact(where, values={"unlisted": list(dict.fromkeys(unlisted))})


# What `deploylint init` and people leave where a value belongs. Narrower than the rubric's
# `declared_text` (which also rejects `none`, an answer many fields take). Linear time.
PLACEHOLDER_TEXT: Final = re.compile(
    r"(?i)^\s*(?:(?:tbd|tba|todo|fixme|x{3,}|\?+|change[ _-]?me|<[^<>]*>|n/a)\s*)?$"
)
_NOT_GRADED: Final = ("waivers",)  # a waiver's own fields are the waiver rules' business


def _placeholders(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every placeholder text in ``value``, with its path, in document order."""
    stack: list[tuple[Any, KeyPath]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if PLACEHOLDER_TEXT.match(node):
                yield where, node
        elif isinstance(node, dict):
            items = [(v, (*where, k)) for k, v in node.items() if not str(k).startswith("x-")]
            stack.extend(reversed(items))
        elif isinstance(node, list):
            stack.extend(reversed([(v, (*where, i)) for i, v in enumerate(node)]))


def placeholders_left(given: CheckInput) -> Iterator[Fact]:
    """A value is still a placeholder (TBD, TODO, ?, <...>, changeme, n/a, empty)."""
    doc = mapping(given.node)
    for key, value in doc.items():
        if key in _NOT_GRADED or str(key).startswith("x-"):
            continue
        for path, text in _placeholders(value, (*given.path, key)):
            field = next((k for k in reversed(path) if isinstance(k, str)), "value")
            yield Fact(path, values={"placeholder": text, "field": field})


def money_at_risk_declared(given: CheckInput) -> Iterator[Fact]:
    """An agent moves money (by the doc's data, or a guess from a tool's name) and its blast
    radius doesn't say how much one action can move."""
    blast = mapping(given.node).get("blast_radius")
    agent = given.doc_model.agent(given.path[-1]) if isinstance(given.path[-1], int) else None
    if not isinstance(blast, dict) or agent is None or "max_usd_per_action" in blast:
        return  # no blast radius at all is RV009's finding
    reasons = [f"{t.name} pays" for t in agent.tools if t.effect == "pay" and not t.effect_guess]
    reasons += [
        f"{a.name} moves up to {a.max_usd_moved:g} USD"
        for a in agent.actions
        if (a.max_usd_moved or 0) > 0
    ]
    reasons += [
        f"{a.name} declares impact money" for a in agent.actions if "money" in (a.impact or ())
    ]
    guess = None
    if not reasons:
        paying = [t for t in agent.tools if t.effect == "pay" and t.effect_guess is not None]
        if not paying or any(a.max_usd_moved == 0 for a in agent.actions):
            return
        reasons, guess = [f"{paying[0].name} looks like it pays"], paying[0].effect_guess
    where = (*given.path, "blast_radius", "max_usd_per_action")
    yield Fact(where, missing=True, values={"reasons": reasons}, guess=guess)


CHECKS: dict[str, Check] = {
    "money_at_risk_declared": money_at_risk_declared,
    "placeholders_left": placeholders_left,
    "second_reader": second_reader,
    "reviewer_is_author": reviewer_is_author,
    "review_age": review_age,
    "blast_radius_covers_writes": blast_radius_covers_writes,
}
