"""How a changed value is classed: widened, narrowed or neutral.

A rule compares a value's *measure* before and after (a number, a date, a word of a closed
vocabulary, a flag). Each kind of change in :mod:`.kinds` names one rule; the docs' table is
generated from the same rules (:func:`words`), so what the docs say is what the code does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal


class Direction(StrEnum):
    """What a change does to an agent's authority."""

    WIDENED = "widened"  # an agent or a party may do something it couldn't, or more of it
    NARROWED = "narrowed"
    NEUTRAL = "neutral"


WIDENED, NARROWED, NEUTRAL = Direction.WIDENED, Direction.NARROWED, Direction.NEUTRAL
_OPPOSITE: Final = {WIDENED: NARROWED, NARROWED: WIDENED, NEUTRAL: NEUTRAL}


def opposite(direction: Direction) -> Direction:
    return _OPPOSITE[direction]


@dataclass(frozen=True, slots=True)
class Rule:
    """How a changed value is classed. ``up`` is the direction of a larger measure (higher),
    a later rank (ranked), a flag turned on (flag) or any change (any); the reverse is its
    opposite. ``tie``: another value of the same rank, or one outside the order."""

    how: Literal["higher", "ranked", "flag", "scope", "any"]
    up: Direction = NEUTRAL
    tie: Direction = NEUTRAL
    ranks: tuple[tuple[str, ...], ...] = ()
    verbs: tuple[str, str] = ("raised", "lowered")  # a larger measure, a smaller one


def _any(rule: Rule, before: Any, after: Any) -> Direction:
    return rule.up


def _flag(rule: Rule, before: Any, after: Any) -> Direction:
    return rule.up if after is True else opposite(rule.up)


def _height(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)  # no number: no limit, above every number


def _higher(rule: Rule, before: Any, after: Any) -> Direction:
    if _height(after) == _height(before):
        return rule.tie
    return rule.up if _height(after) > _height(before) else opposite(rule.up)


def _rank(rule: Rule, value: Any) -> int | None:
    return next((i for i, group in enumerate(rule.ranks) if value in group), None)


def _ranked(rule: Rule, before: Any, after: Any) -> Direction:
    was, now = _rank(rule, before), _rank(rule, after)
    if was is None or now is None or was == now:
        return rule.tie
    return rule.up if now > was else opposite(rule.up)


def _covers(broad: str, narrow: str) -> bool:
    """Whether key path ``broad`` holds ``narrow`` (as a waiver's path does, `$`: all)."""
    return broad == "$" or narrow == broad or narrow.startswith((broad + ".", broad + "["))


def _scope(rule: Rule, before: Any, after: Any) -> Direction:
    wider, narrower = _covers(after, before), _covers(before, after)
    if wider != narrower:
        return rule.up if wider else opposite(rule.up)
    return rule.tie


_CLASSES: Final[dict[str, Callable[[Rule, Any, Any], Direction]]] = {
    "any": _any,
    "flag": _flag,
    "higher": _higher,
    "ranked": _ranked,
    "scope": _scope,
}


def classify(rule: Rule, before: Any, after: Any) -> Direction:
    """The direction of a change from measure ``before`` to measure ``after``."""
    return _CLASSES[rule.how](rule, before, after)


def words(rule: Rule) -> str:
    """The rule in words, for the docs."""
    up, down = rule.up.value, opposite(rule.up).value
    if rule.how == "any":
        return f"changed: {up}"
    if rule.how == "flag":
        return f"turned on: {up}; off: {down}"
    if rule.how == "higher":
        return f"{rule.verbs[0]}: {up}; {rule.verbs[1]}: {down}"
    if rule.how == "scope":
        where = "to a path holding the old one (or `$`, all)"
        return f"{where}: {up}; inside it: {down}; elsewhere: {rule.tie.value}"
    order = " → ".join(" / ".join(f"`{word}`" for word in group) for group in rule.ranks)
    return f"{order}: toward the end {up}, back {down}; across a rank: {rule.tie.value}"
