"""Checks for the side_effects area."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from deploylint.model.doc_model import SCOPES, Coverage, Tool
from deploylint.model.names import Guess
from deploylint.rubric.checks.base import Check, CheckInput, Fact, mapping

WINDOWS = SCOPES[1:]


def _caps(ceiling: dict[str, Any], scope: str) -> dict[str, Any]:
    return mapping(ceiling.get(scope))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _windowed_by(ceiling: dict[str, Any], effect: str) -> str | None:
    """Another effect capped both per action and per window, which windows the action's
    runs if every run causes it (an assumption: a finding that rests on it says so)."""
    per_action = _caps(ceiling, "per_action")
    return next(
        (o for o in per_action for w in WINDOWS if o != effect and o in _caps(ceiling, w)), None
    )


def side_effect_caps_paired(given: CheckInput) -> Iterator[Fact]:
    """An effect is capped per action but in no window, or in a window but not per action."""
    ceiling = mapping(given.node)
    per_action = _caps(ceiling, "per_action")
    windowed = {effect for w in WINDOWS for effect in _caps(ceiling, w)}
    if not per_action or not windowed:
        return  # a whole scope missing is SE002's or SE003's finding
    # An effect capped at 0 is forbidden in that scope: it needs no second cap. An effect
    # capped only per action, in an action whose runs another cap may window, is reported
    # at info, saying what it rests on.
    for effect, cap in per_action.items():
        if effect in windowed or _count(cap) == 0:
            continue
        values = {"effect": effect, "scope": "per_action", "cap": cap}
        other = _windowed_by(ceiling, effect)
        guess = None
        if other is not None:
            guess = Guess(
                effect, f"the window on {other}, which bounds these runs only if each causes one",
                f"a per_hour or per_day cap on {effect}",
            )  # fmt: skip
        yield Fact((*given.path, "per_action", effect), values=values, guess=guess)
    reported: set[str] = set()
    for window in WINDOWS:
        for effect, cap in _caps(ceiling, window).items():
            if effect not in per_action and effect not in reported and _count(cap) != 0:
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


def side_effect_caps_cover_tools(given: CheckInput) -> Iterator[Fact]:
    """A tool that sends, files, pays, deletes or writes is counted by none of the agent's caps.

    The doc decides: a tool's `effect:` says what it does (`read` is never capped), and its
    `counts_against:` or a ceiling's `covers:` say which caps count it. Where the doc says
    neither, the finding rests on names (what the tool's name suggests it does, and that no
    cap is keyed like it) and says so: a guess, reported at info.
    """
    if not isinstance(given.path[-1], int):
        return
    agent = given.doc_model.agent(given.path[-1])
    if agent is None or not agent.cap_keys:
        return  # no cap at all is SE001's finding, per action
    for tool in agent.tools:
        if not tool.name or not tool.acts:
            continue
        coverage = agent.coverage(tool)
        if coverage.caps:
            continue
        proven = tool.effect_guess is None and coverage.explicit
        guess = None if proven else _why_guess(tool, coverage)
        values = {"tool": tool.name, "capped": list(agent.cap_keys), "effect": tool.effect}
        yield Fact((*given.path, "tools", tool.index), values=values, guess=guess)


def _why_guess(tool: Tool, coverage: Coverage) -> Guess:
    """The guess a finding about an uncounted tool rests on, and how to settle it."""
    if tool.effect_guess is not None:
        return Guess(
            tool.effect or "",
            f"{tool.effect_guess.basis}, which looks like it can {tool.effect}",
            f"`effect:` and `counts_against:` on tool {tool.name}",
        )
    return Guess(
        tool.name,
        f"cap names: none is keyed like {tool.name}",
        f"`counts_against:` on tool {tool.name} (or `covers:` on the ceiling)",
    )


CHECKS: dict[str, Check] = {
    "side_effect_caps_paired": side_effect_caps_paired,
    "side_effect_caps_consistent": side_effect_caps_consistent,
    "side_effect_caps_cover_tools": side_effect_caps_cover_tools,
}
