"""Checks for the permissions area: tool scopes, high-impact approvals, spawned helpers.

Patterns (which scopes are broad, which tools open-ended, which side effects move money)
are rule parameters: regular expressions from the rubric, matched against the doc's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from deploylint.keypath import KeyPath
from deploylint.rubric import names
from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    agent_ids,
    human_queues,
    listed,
    mapping,
)
from deploylint.rubric.doc_model import Action, Agent
from deploylint.rubric.names import Guess

_COUNT_KINDS = ("deletion", "bulk_messaging")


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _matches(pattern: str, text: Any) -> bool:
    return isinstance(text, str) and _pattern(pattern).search(text) is not None


def _agent_at(given: CheckInput) -> dict[str, Any]:
    """The agent a path under ``$.agents[i]`` belongs to (empty if none)."""
    path: KeyPath = given.path
    if len(path) >= 2 and path[0] == "agents" and isinstance(path[1], int):
        agents = listed(given.doc.get("agents"))
        if path[1] < len(agents):
            return mapping(agents[path[1]])
    return {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def tool_scope_breadth(given: CheckInput) -> Iterator[Fact]:
    """A tool holds a wildcard, admin or otherwise open-ended scope."""
    tool = mapping(given.node)
    scopes = listed(tool.get("scopes"))
    broad = [
        (i, s) for i, s in enumerate(scopes) if any(_matches(p, s) for p in given.params["broad"])
    ]
    if broad:
        values = {"tool": tool.get("name", "an unnamed tool"), "broad": [s for _, s in broad]}
        yield Fact((*given.path, "scopes", broad[0][0]), values=values)


def open_ended_tool(given: CheckInput) -> Iterator[Fact]:
    """A tool is an open-ended shell or arbitrary-URL tool (declared, or by its name: a guess)."""
    raw = mapping(given.node)
    name, declared = raw.get("name"), raw.get("open_ended")
    if declared is False or not isinstance(name, str):
        return
    kinds: Mapping[str, str] = given.params["kinds"]
    guess = names.name_matches(name, kinds, settle=f"`open_ended:` on tool {name}")
    # A scope is a permission the doc declares: `shell:exec` says the tool runs commands.
    # (`http:GET` says less: a fetcher may still be pinned to named hosts.)
    scopes = [s for s in listed(raw.get("scopes")) if isinstance(s, str)]
    if any(_matches(given.params["shell_scopes"], s) for s in scopes):
        kind, guess = "shell", None
    elif declared is True or raw.get("effect") == "execute":
        named = guess.value if guess is not None else None
        kind, guess = (
            named or ("shell" if raw.get("effect") == "execute" else "arbitrary-URL"),
            None,
        )
    elif guess is not None:
        kind = guess.value
    else:
        return
    yield Fact((*given.path, "name"), values={"tool": name, "kind": kind}, guess=guess)


def read_tool_with_write_scope(given: CheckInput) -> Iterator[Fact]:
    """A tool named for reading (a guess, unless it declares `effect: read`) holds a scope
    that writes, updates or deletes."""
    tool = mapping(given.node)
    name = tool.get("name")
    if not isinstance(name, str):
        return
    guess = None
    if tool.get("effect") != "read":
        settle = f"`effect:` on tool {name}"
        guess = names.name_matches(name, {"read": given.params["read_tool"]}, settle=settle)
        if guess is None:
            return
    scopes = listed(tool.get("scopes"))
    for index, scope in enumerate(scopes):
        if _matches(given.params["write_scope"], scope):
            values = {"tool": name, "scope": scope}
            yield Fact((*given.path, "scopes", index), values=values, guess=guess)
            return


@dataclass(frozen=True, slots=True)
class _Impact:
    """One kind of high impact an action has, why, and (when read off a name) the guess."""

    kind: str
    reason: str
    guess: Guess | None = None


def _money(agent: Agent, action: Action, params: Mapping[str, Any]) -> _Impact | bool | None:
    """Money the action moves: an impact, False when the doc says it moves none, else None.

    The action's own `max_usd_moved` decides; then its agent's `blast_radius` figure, which
    is this action's only when the agent has one action (otherwise it is charged to an action
    only as a guess, from a name). Compute spend (`cost_ceiling.per_action_usd`) is not
    money moved.
    """
    floor = params["money_at_risk_usd"]
    if action.max_usd_moved is not None:
        if action.max_usd_moved <= floor:
            return False
        return _Impact("money", f"moves up to {action.max_usd_moved:g} USD per run")
    if agent.max_usd_at_risk is None:
        return None
    if agent.max_usd_at_risk <= floor:
        return False
    reason = f"{agent.id} puts {agent.max_usd_at_risk:g} USD at risk per action"
    if len(agent.actions) == 1:
        return _Impact("money", reason)
    return None


def _named_impacts(action: Action, params: Mapping[str, Any]) -> list[_Impact]:
    """What the action's cap names suggest: money, deletion, messages to many. Guesses."""
    found: dict[str, _Impact] = {}
    for scope, caps in action.caps.items():
        for key, cap in caps.items():
            guess = names.effect_kind(key)
            if guess is None:
                continue
            kind = {"money": "money", "deletion": "deletion"}.get(guess.value)
            if guess.value == "messaging":
                bulk = params["bulk_messages_per_action"]
                if scope != "per_action" or cap is None or cap <= bulk:
                    continue
                kind = "bulk_messaging"
                guess = Guess(kind, f"{guess.basis}, capped at {cap:g} per action", guess.settle)
            if kind is not None and kind not in found:
                found[kind] = _Impact(kind, f"side effect {key} looks like {kind}", guess)
    return list(found.values())


def _impacts(agent: Agent, action: Action, params: Mapping[str, Any]) -> list[_Impact]:
    """The high-impact kinds of an action: declared (`impact:`, `max_usd_moved`, the agent's
    money at risk) first; names only where the doc says nothing."""
    money = _money(agent, action, params)
    if action.impact is not None:
        found = [
            _Impact(k, f"impact declared as {k}")
            for k in dict.fromkeys(action.impact)
            if k in params["high_impact"] and not (k == "money" and money is False)
        ]
        # the action's own figure adds money; the agent's doesn't override what it declares
        own = isinstance(money, _Impact) and action.max_usd_moved is not None
        if own and isinstance(money, _Impact) and all(i.kind != "money" for i in found):
            found.append(money)
        return found
    found = [money] if isinstance(money, _Impact) else []
    for impact in _named_impacts(action, params):
        if impact.kind == "money" and money is not None:
            continue  # the doc's own figure decides money, either way
        found.append(impact)
    return found


def high_impact_approval(given: CheckInput) -> Iterator[Fact]:
    """A high-impact action has no human approval, no threshold, or one it never reaches."""
    if len(given.path) < 4 or not isinstance(given.path[1], int):
        return
    agent = given.facts.agent(given.path[1])
    action = next((a for a in agent.actions if a.index == given.path[3]), None) if agent else None
    if agent is None or action is None:
        return
    impacts = _impacts(agent, action, given.params)
    if not impacts:
        return
    proven = [i for i in impacts if i.guess is None]
    guess = None if proven else impacts[0].guess
    kinds = [i.kind for i in (proven or impacts)]
    values: dict[str, Any] = {
        "action_name": action.name,
        "agent_id": agent.id,
        "kinds": kinds,
        "reasons": [i.reason for i in (proven or impacts)],
    }
    where = (*given.path, "approval")
    approval = mapping(given.node).get("approval")
    if not isinstance(approval, dict):
        yield Fact(where, missing=True, values={**values, "problem": "missing"}, guess=guess)
        return
    if not proven:
        return  # any approval answers a guess
    yield from _thresholds(action, approval, kinds, values, where)


def _thresholds(
    action: Action, approval: dict[str, Any], kinds: list[str], values: dict[str, Any],
    where: KeyPath,
) -> Iterator[Fact]:  # fmt: skip
    """The approval states no threshold for a declared kind, or one the action never reaches."""
    usd = _number(approval.get("required_above_usd"))
    count = _number(approval.get("required_above_count"))
    money_on_action = action.max_usd_moved is not None or "money" in (action.impact or ())
    absent: list[str] = []
    if "money" in kinds and money_on_action and usd is None:
        absent = ["required_above_usd"]  # the action itself says it moves money
    elif usd is None and count is None:  # any stated threshold says which actions wait
        counts = any(k in kinds for k in _COUNT_KINDS)
        absent = ["required_above_count" if counts else "required_above_usd"]
    if absent:
        yield Fact(where, values={**values, "problem": "no_threshold", "thresholds": absent})
        return
    if usd is not None and action.max_usd_moved is not None and usd >= action.max_usd_moved:
        never = {
            "problem": "never",
            "threshold": f"{usd:g}",
            "at_risk": f"{action.max_usd_moved:g}",
        }
        yield Fact((*where, "required_above_usd"), values={**values, **never})


def approval_routed_to_humans(given: CheckInput) -> Iterator[Fact]:
    """An approval names no approver queue, an agent, or a queue that isn't a human queue."""
    queue = mapping(given.node).get("approver_queue")
    where = (*given.path, "approver_queue")
    if queue is None or queue == "":
        yield Fact(where, missing=True)
    elif str(queue) in agent_ids(given.doc):
        yield Fact(where, values={"queue": queue, "problem": "agent"})
    elif str(queue) not in human_queues(given.doc):
        yield Fact(where, values={"queue": queue, "problem": "undeclared"})


def helper_tools_within_parent(given: CheckInput) -> Iterator[Fact]:
    """A spawned helper may call a tool its parent agent isn't granted."""
    agent = _agent_at(given)
    if not isinstance(agent.get("tools"), list):
        return  # the parent lists no tools: the tools rule reports that
    granted = {str(mapping(t).get("name")) for t in listed(agent.get("tools"))}
    helper_tools = listed(mapping(given.node).get("tools"))
    extra = [(i, t) for i, t in enumerate(helper_tools) if str(t) not in granted]
    if extra:
        values = {"extra": [t for _, t in extra], "granted": sorted(granted)}
        yield Fact((*given.path, "tools", extra[0][0]), values=values)


CHECKS: dict[str, Check] = {
    "tool_scope_breadth": tool_scope_breadth,
    "open_ended_tool": open_ended_tool,
    "read_tool_with_write_scope": read_tool_with_write_scope,
    "high_impact_approval": high_impact_approval,
    "approval_routed_to_humans": approval_routed_to_humans,
    "helper_tools_within_parent": helper_tools_within_parent,
}
