"""Checks for the side_effects area."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from deploylint.rubric.checks.base import Check, CheckInput, Fact, listed, mapping

WINDOWS = ("per_hour", "per_day")
SCOPES = ("per_action", *WINDOWS)  # narrowest first
_WORD = re.compile(r"[^a-z0-9]+")


def _caps(ceiling: dict[str, Any], scope: str) -> dict[str, Any]:
    return mapping(ceiling.get(scope))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def side_effect_caps_paired(given: CheckInput) -> Iterator[Fact]:
    """An effect is capped per action but in no window, or in a window but not per action."""
    ceiling = mapping(given.node)
    per_action = _caps(ceiling, "per_action")
    windowed = {effect for w in WINDOWS for effect in _caps(ceiling, w)}
    if not per_action or not windowed:
        return  # a whole scope missing is SE002's or SE003's finding
    for effect, cap in per_action.items():
        if effect not in windowed:
            values = {"effect": effect, "scope": "per_action", "cap": cap}
            yield Fact((*given.path, "per_action", effect), values=values)
    reported: set[str] = set()
    for window in WINDOWS:
        for effect, cap in _caps(ceiling, window).items():
            if effect not in per_action and effect not in reported:
                reported.add(effect)
                values = {"effect": effect, "scope": window, "cap": cap}
                yield Fact((*given.path, window, effect), values=values)


def _inversion(ceiling: dict[str, Any], effect: str) -> dict[str, Any] | None:
    """The first pair of scopes where the wider one allows fewer of ``effect``."""
    caps = [(s, _count(_caps(ceiling, s).get(effect))) for s in SCOPES]
    known = [(scope, cap) for scope, cap in caps if cap is not None]
    for (narrow, narrow_cap), (wide, wide_cap) in pairwise(known):
        if wide_cap < narrow_cap:
            return {
                "effect": effect,
                "narrow": narrow,
                "narrow_cap": narrow_cap,
                "wide": wide,
                "wide_cap": wide_cap,
            }
    return None


def side_effect_caps_consistent(given: CheckInput) -> Iterator[Fact]:
    """A window allows fewer of an effect than one action (or a day fewer than an hour)."""
    ceiling = mapping(given.node)
    effects = dict.fromkeys(e for s in SCOPES for e in _caps(ceiling, s))
    for effect in effects:
        found = _inversion(ceiling, effect)
        if found is not None:
            yield Fact((*given.path, found["wide"], effect), values=found)


def _words(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in _WORD.split(text.lower()) if word}


def _acts(tool: dict[str, Any], verbs: set[str]) -> bool:
    """Whether the tool's name or scopes say it sends, files, pays or writes something."""
    scopes = [s for s in listed(tool.get("scopes")) if isinstance(s, str)]
    words = _words([str(tool.get("name")), *scopes])
    return any(w in verbs or w.rstrip("s") in verbs for w in words)


def _capped_by(tool: dict[str, Any], capped: set[str]) -> bool:
    """Whether a cap is keyed by the tool's name or one of its scopes (``a:b`` or ``a.b``)."""
    scopes = [s for s in listed(tool.get("scopes")) if isinstance(s, str)]
    names = {str(tool.get("name")), *scopes, *(s.replace(":", ".") for s in scopes)}
    return bool(names & capped)


def side_effect_caps_cover_tools(given: CheckInput) -> Iterator[Fact]:
    """A tool that sends, files, pays or writes appears in none of the agent's caps."""
    agent = mapping(given.node)
    actions = [mapping(a) for a in listed(agent.get("actions"))]
    ceilings = [mapping(a.get("side_effect_ceiling")) for a in actions]
    if not any(ceilings):
        return  # no ceiling at all is SE001's finding, per action
    capped = {str(effect) for c in ceilings for s in SCOPES for effect in _caps(c, s)}
    verbs = {str(v).lower() for v in given.params["effect_words"]}
    for index, tool in enumerate(listed(agent.get("tools"))):
        tool = mapping(tool)
        if tool.get("name") and _acts(tool, verbs) and not _capped_by(tool, capped):
            values = {"tool": str(tool["name"]), "capped": sorted(capped)}
            yield Fact((*given.path, "tools", index), values=values)


CHECKS: dict[str, Check] = {
    "side_effect_caps_paired": side_effect_caps_paired,
    "side_effect_caps_consistent": side_effect_caps_consistent,
    "side_effect_caps_cover_tools": side_effect_caps_cover_tools,
}
