"""One problem, one finding: where two rules would report the same fault, one does.

A value of the wrong type is the schema's finding (DL007) alone, not also every rule that
reads it; a placeholder (RV011) that another rule already reports (`owner: TBD` is KS002's)
is that rule's, which then points at the placeholder's line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Final

from deploylint.load.keypath import KeyPath
from deploylint.load.loader import ShapeProblem
from deploylint.report.findings import Position
from deploylint.rubric.engine import Hit

PLACEHOLDER_RULE: Final = "RV011"
TWO_READINGS: Final = "DL014"


def read_once(problems: list[ShapeProblem]) -> list[ShapeProblem]:
    """A value with two readings is that finding alone: `revokes_credentials: off` is text
    to deploylint (a type error) and false to YAML 1.1, and DL014 says both."""
    twice = {p.path for p in problems if p.rule == TWO_READINGS}
    return [p for p in problems if not (p.rule == "DL007" and p.path in twice)]


def one_each(
    hits: list[Hit], problems: list[ShapeProblem], locate: Callable[[KeyPath], Position]
) -> list[Hit]:
    """One problem, one finding: a value of the wrong type is the schema's finding only, and
    a placeholder that another rule already reports (`owner: TBD`) is that rule's (which
    then points at the placeholder's line)."""
    typed = {p.path for p in problems if p.rule in ("DL007", TWO_READINGS)}
    hits = [h for h in hits if not any(h.path[: len(t)] == t for t in typed if t)]
    others = [h for h in hits if h.rule.id != PLACEHOLDER_RULE]
    placeholders = [h for h in hits if h.rule.id == PLACEHOLDER_RULE]
    reported = {h.path for h in others} | typed
    demanded = {(h.path, f) for h in others for f in _required_fields(h)}
    at = {h.path for h in placeholders}
    others = [_pointed(h, at, locate) for h in others]
    return others + [h for h in placeholders if not _said(h.path, reported, demanded)]


def _pointed(hit: Hit, placeholders: set[KeyPath], locate: Callable[[KeyPath], Position]) -> Hit:
    """A section rule whose one required field is a placeholder, placed at that field."""
    field = next(iter(_required_fields(hit)), None)
    if field is None or (*hit.path, field) not in placeholders:
        return hit
    return replace(hit, where=locate((*hit.path, field)))


def _required_fields(hit: Hit) -> list[str]:
    """The one field a section rule that fired requires (KS001: `mechanism`): its finding
    names that field's value. A rule requiring several may name only the absent ones."""
    require = hit.rule.require
    if not isinstance(hit.value, dict) or not isinstance(require, dict):
        return []
    required = require.get("required", [])
    if not isinstance(required, list) or len(required) != 1:
        return []
    return [f for f in required if isinstance(f, str)]


def _said(path: KeyPath, reported: set[KeyPath], demanded: set[tuple[KeyPath, str]]) -> bool:
    """Whether a finding is already at ``path``, at the list ``path`` is an item of, or at the
    section whose rule requires the field at ``path``."""
    if path in reported:
        return True
    parent, last = path[:-1], path[-1] if path else None
    if isinstance(last, int):
        return parent in reported
    return isinstance(last, str) and (parent, last) in demanded
