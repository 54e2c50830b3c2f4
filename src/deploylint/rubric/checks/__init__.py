"""Python checks for what a schema fragment can't say: dates against --today, cross-field logic.

A check gets the node a rule selected and yields facts (a path and template values); the
engine adds the rule id, severity and text, so a check never knows how its finding reads.
One module per rubric area; this registry is the one place that lists them.
"""

from __future__ import annotations

from deploylint.rubric.checks import (
    approvals,
    audit,
    checkpoints,
    cost_ceiling,
    kill_switch,
    peer_auth,
    permissions,
    retries,
    review,
    rollback,
    side_effects,
    write_authority,
)
from deploylint.rubric.checks.base import Check, CheckInput, Fact, parse_date

_AREAS = (
    kill_switch, cost_ceiling, side_effects, retries, checkpoints, rollback,
    peer_auth, write_authority, audit, permissions, approvals, review,
)  # fmt: skip


def _registry() -> dict[str, Check]:
    registry: dict[str, Check] = {}
    for module in _AREAS:
        for name, check in module.CHECKS.items():
            if name in registry:
                raise ValueError(f"check {name!r} is defined twice ({module.__name__})")
            registry[name] = check
    return registry


CHECKS: dict[str, Check] = _registry()

__all__ = ["CHECKS", "Check", "CheckInput", "Fact", "parse_date"]
