"""Waivers: known gaps accepted in the doc's own voice, with an approver and an expiry.

A waived finding stays in the report as accepted risk and doesn't fail the gate. A waiver
that is expired, expires too far ahead, is incomplete, approved by an agent, or no longer
needed is a finding itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from deploylint.load.keypath import KeyPath
from deploylint.load.loader import LoadedDoc
from deploylint.model import written
from deploylint.report.findings import UNSILENCEABLE, Finding
from deploylint.rubric.checks.base import agent_ids, parse_date
from deploylint.rubric.engine import Hit
from deploylint.rubric.model import Rubric
from deploylint.rubric.render import finding

if TYPE_CHECKING:
    from deploylint.rubric.grade import Settings

_REQUIRED = ("reason", "approved_by", "expires")
_FLEET_PREFIX = "FL"  # fleet findings exist only when docs are checked together


@dataclass(frozen=True, slots=True)
class ActiveWaiver:
    """A waiver that can be honoured: complete, approved by a human, not expired."""

    path: KeyPath
    rule: str
    scope: str | None
    reason: str
    approved_by: str
    expires: str

    @property
    def accepted(self) -> str:
        """How a waived finding states its waiver."""
        return f"{self.reason} (approved by {self.approved_by}, until {self.expires})"

    def covers(self, found: Finding) -> bool:
        if found.rule != self.rule or found.rule.startswith("WV"):
            return False
        if self.scope in (None, "", "$"):
            return True
        scope = str(self.scope)
        return found.path == scope or found.path.startswith((scope + ".", scope + "["))


def spelled(name: str) -> str:
    """A name as a person reads it: `Dunning-Mailer`, `dunning_mailer `, full-width letters
    and a zero-width space between letters all read as the agent `dunning-mailer`. So only
    letters and digits count, compatibility-normalized (NFKC) and case-folded."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(char for char in folded if char.isalnum())


@dataclass(frozen=True, slots=True)
class _Review:
    """What a waiver is checked against besides itself."""

    agents: dict[str, str]  # spelled agent id -> the id
    today: date
    unwaivable: frozenset[str]
    max_days: float  # WV006: how far ahead an expiry may be


def _problem(waiver: Mapping[str, Any], review: _Review) -> tuple[str, str, dict[str, Any]] | None:
    """(rule, key at fault, template values) when the waiver can't be honoured."""
    if waiver["rule"] in review.unwaivable or waiver["rule"] in UNSILENCEABLE:
        return "WV005", "rule", {"always": waiver["rule"] in UNSILENCEABLE}
    expires = parse_date(waiver.get("expires"))
    missing = [key for key in _REQUIRED if not waiver.get(key)]
    if missing or expires is None:
        return "WV003", "", {"missing": missing or ["a valid expires date"]}
    agent = review.agents.get(spelled(str(waiver["approved_by"])))
    if agent is not None:
        return "WV004", "approved_by", {"read_as": agent}
    if expires < review.today:
        return "WV001", "expires", {"days_ago": (review.today - expires).days}
    if (expires - review.today).days > review.max_days:
        days = f"{(expires - review.today).days:,}"
        return "WV006", "expires", {"days_ahead": days, "params": {"max_days": review.max_days}}
    return None


def review_waivers(
    data: Mapping[str, Any], rubric: Rubric, today: date, unwaivable: frozenset[str] = frozenset()
) -> tuple[list[ActiveWaiver], list[Hit]]:
    """Split a doc's waivers into those to honour and findings about the rest."""
    active: list[ActiveWaiver] = []
    hits: list[Hit] = []
    waivers = written.waiver_entries(data)
    if not waivers:
        return active, hits  # most docs: no need to read their agents at all
    agents = {spelled(agent): agent for agent in agent_ids(data)}
    agents.pop("", None)  # an id of punctuation only can't be told from any other
    max_days = rubric.rule("WV006").params.get("max_days", 365)
    review = _Review(agents, today, unwaivable, max_days)
    for path, waiver in waivers:
        problem = _problem(waiver, review)
        if problem is None:
            scope = waiver.get("path")
            active.append(
                ActiveWaiver(
                    path,
                    waiver["rule"],
                    scope if isinstance(scope, str) else None,
                    str(waiver["reason"]),
                    str(waiver["approved_by"]),
                    str(waiver["expires"]),
                )
            )
            continue
        rule, key, values = problem
        at = (*path, key) if key else path
        value = waiver.get(key) if key else None
        values = {"waiver": waiver, **values}
        hits.append(Hit(rubric.rule(rule), at, rule == "WV003", waiver, value, values))
    return active, hits


def mark_waived(
    findings: Iterable[Finding], active: Iterable[ActiveWaiver]
) -> tuple[list[Finding], set[KeyPath]]:
    """Findings with the waived ones marked, and the paths of the waivers that were used."""
    waivers = list(active)
    used: set[KeyPath] = set()
    marked: list[Finding] = []
    for found in findings:
        match = next((w for w in waivers if w.covers(found)), None)
        if match is not None:
            used.add(match.path)
            found = replace(found, waived=True, waiver_reason=match.accepted)
        marked.append(found)
    return marked, used


def _described(waiver: ActiveWaiver) -> dict[str, str]:
    return {"rule": waiver.rule} | ({"path": waiver.scope} if waiver.scope else {})


def apply_waivers(
    doc: LoadedDoc, findings: list[Finding], *, file: str, settings: Settings
) -> tuple[list[Finding], list[ActiveWaiver]]:
    """Mark waived findings, add findings for waivers that can't be honoured or aren't needed,
    and return the active waivers (fleet findings are waived by them later)."""
    active, hits = review_waivers(doc.data, settings.rubric, settings.today, settings.unwaivable)
    marked, used = mark_waived(findings, active)
    for waiver in active:
        if waiver.path not in used and not waiver.rule.startswith(_FLEET_PREFIX):
            hits.append(
                Hit(
                    settings.rubric.rule("WV002"),
                    (*waiver.path, "rule"),
                    False,
                    None,
                    waiver.rule,
                    {"waiver": _described(waiver)},
                )
            )
    return marked + [finding(doc, hit, file=file, today=settings.today) for hit in hits], active
