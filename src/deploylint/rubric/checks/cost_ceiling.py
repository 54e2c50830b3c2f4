"""Checks for the cost_ceiling area."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deploylint.model import written
from deploylint.rubric.checks.base import Check, CheckInput, Fact, declared, listed, mapping


def _count(value: Any) -> float | None:
    """A number from the doc (bools are not numbers here), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _fan_out(spawns: dict[str, Any]) -> dict[str, Any]:
    """The spawn bounds that let the agent fan out (empty when it can't)."""
    if _count(spawns.get("max_children")) == 0:
        return {}  # no children, whatever the depth
    bounds = {k: spawns.get(k) for k in ("max_children", "max_depth")}
    return {k: v for k, v in bounds.items() if (_count(v) or 0) > 0}


def _tree_runs(fan_out: dict[str, Any], limit: int = 1_000_000) -> int | None:
    """How many runs a full tree holds (the root included), capped at ``limit``."""
    children = fan_out.get("max_children")
    if children is None:
        return None
    total, level = 1.0, 1.0
    for _ in range(int(min(fan_out.get("max_depth", 1), 64))):
        level *= children
        total += level
        if total >= limit:
            return limit
    return int(total)


def cost_ceiling_tree(given: CheckInput) -> Iterator[Fact]:
    """A ceiling applies per branch, or doesn't say, on an agent that can fan out."""
    agent = mapping(given.node)
    fan_out = _fan_out(mapping(agent.get("spawns")))
    for index, action in enumerate(listed(agent.get("actions"))):
        ceiling = mapping(mapping(action).get("cost_ceiling"))
        applies_to = ceiling.get("applies_to")
        if not ceiling or applies_to == "tree" or (applies_to is None and not fan_out):
            continue
        path = (*given.path, "actions", index, "cost_ceiling", "applies_to")
        values = {"fan_out": fan_out, "applies_to": applies_to, "runs": _tree_runs(fan_out)}
        yield Fact(path, missing=applies_to is None, values=values)


def cost_ceiling_escalation_target(given: CheckInput) -> Iterator[Fact]:
    """A ceiling that escalates on exceed names no human queue to escalate to."""
    approval = mapping(mapping(given.node).get("approval"))
    override = given.doc_model.rollback.override_queue
    if declared(approval.get("approver_queue")) or override is not None:
        return
    yield Fact((*given.path, "cost_ceiling", "on_exceed"))


def cost_ceiling_budget_share(given: CheckInput) -> Iterator[Fact]:
    """One action's USD ceiling is a large share of the whole monthly budget."""
    per_action = _count(mapping(mapping(given.node).get("cost_ceiling")).get("per_action_usd"))
    monthly = _count(written.monthly_budget(given.doc))
    if per_action is None or not monthly:
        return
    share = per_action / monthly
    if share > given.params["max_share"]:
        values = {
            "share_pct": f"{share * 100:.3g}",
            "actions_to_burn": int(monthly // per_action),
        }
        yield Fact((*given.path, "cost_ceiling", "per_action_usd"), values=values)


CHECKS: dict[str, Check] = {
    "cost_ceiling_tree": cost_ceiling_tree,
    "cost_ceiling_escalation_target": cost_ceiling_escalation_target,
    "cost_ceiling_budget_share": cost_ceiling_budget_share,
}
