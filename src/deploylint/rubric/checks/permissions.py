"""Checks for the permissions area: tool scopes, high-impact approvals, spawned helpers.

Patterns (which scopes are broad, which tools open-ended, which side effects move money)
are rule parameters: regular expressions from the rubric, matched against the doc's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from deploylint.keypath import KeyPath
from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    agent_ids,
    human_queues,
    listed,
    mapping,
)

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
    """A tool is an open-ended shell or arbitrary-URL tool."""
    name = mapping(given.node).get("name")
    kinds: Mapping[str, str] = given.params["kinds"]
    for kind, pattern in kinds.items():
        if _matches(pattern, name):
            yield Fact((*given.path, "name"), values={"tool": name, "kind": kind})
            return


def read_tool_with_write_scope(given: CheckInput) -> Iterator[Fact]:
    """A tool named for reading holds a scope that writes, updates or deletes."""
    tool = mapping(given.node)
    if not _matches(given.params["read_tool"], tool.get("name")):
        return
    scopes = listed(tool.get("scopes"))
    for index, scope in enumerate(scopes):
        if _matches(given.params["write_scope"], scope):
            values = {"tool": tool.get("name"), "scope": scope}
            yield Fact((*given.path, "scopes", index), values=values)
            return


def _side_effects(action: Mapping[str, Any]) -> dict[str, float | None]:
    """Side-effect names the action caps, with their per-action cap (None if uncapped)."""
    ceiling = mapping(action.get("side_effect_ceiling"))
    effects: dict[str, float | None] = {}
    for window in ("per_action", "per_hour", "per_day"):
        for name in mapping(ceiling.get(window)):
            effects.setdefault(str(name), None)
    for name, count in mapping(ceiling.get("per_action")).items():
        effects[str(name)] = _number(count)
    return effects


def _impacts(
    agent: Mapping[str, Any], action: Mapping[str, Any], params: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """The high-impact kinds of an action, and the reasons, in the doc's own words."""
    kinds: dict[str, None] = {}
    reasons: list[str] = []
    declared = [str(i) for i in listed(action.get("impact"))]
    for kind in declared:
        if kind in params["high_impact"]:
            kinds[kind] = None
            reasons.append(f"impact declared as {kind}")
    for name, per_action in _side_effects(action).items():
        if _matches(params["money_effects"], name):
            kinds["money"] = None
            reasons.append(f"side effect {name} moves money")
        elif _matches(params["deletion_effects"], name):
            kinds["deletion"] = None
            reasons.append(f"side effect {name} deletes")
        elif (
            _matches(params["messaging_effects"], name)
            and per_action is not None
            and per_action > params["bulk_messages_per_action"]
        ):
            kinds["bulk_messaging"] = None
            reasons.append(f"side effect {name} sends up to {per_action:g} messages per action")
    at_risk = _number(mapping(agent.get("blast_radius")).get("max_usd_per_action"))
    says_no_money = bool(declared) and "money" not in declared
    if at_risk is not None and at_risk > params["money_at_risk_usd"] and not says_no_money:
        if "money" not in kinds:
            who = agent.get("id", "its agent")
            reasons.append(f"{who} puts {at_risk:g} USD at risk per action")
        kinds["money"] = None
    return list(kinds), reasons


def high_impact_approval(given: CheckInput) -> Iterator[Fact]:
    """A high-impact action has no human approval, no threshold, or one it never reaches."""
    action = mapping(given.node)
    agent = _agent_at(given)
    kinds, reasons = _impacts(agent, action, given.params)
    if not kinds:
        return
    values: dict[str, Any] = {
        "action_name": action.get("name", "an unnamed action"),
        "agent_id": agent.get("id", "an unnamed agent"),
        "kinds": kinds,
        "reasons": reasons,
    }
    where = (*given.path, "approval")
    approval = action.get("approval")
    if not isinstance(approval, dict):
        yield Fact(where, missing=True, values={**values, "problem": "missing"})
        return
    needed = ["required_above_usd"] if "money" in kinds else []
    needed += ["required_above_count"] if any(k in kinds for k in _COUNT_KINDS) else []
    absent = [n for n in needed if _number(approval.get(n)) is None]
    if absent:
        yield Fact(where, values={**values, "problem": "no_threshold", "thresholds": absent})
        return
    threshold = _number(approval.get("required_above_usd"))
    at_risk = _number(mapping(agent.get("blast_radius")).get("max_usd_per_action"))
    if "money" in kinds and threshold is not None and at_risk is not None and threshold >= at_risk:
        never = {"problem": "never", "threshold": f"{threshold:g}", "at_risk": f"{at_risk:g}"}
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
