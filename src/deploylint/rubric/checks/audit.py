"""Checks for the audit area: the columns audit rows carry, and where the rows live."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from deploylint.model.identity import part_of, ref
from deploylint.rubric.checks.base import Check, CheckInput, Fact, declared, listed, mapping


def _absent_columns(declared: list[Any], required: Sequence[str]) -> list[str]:
    """The required columns the doc's list lacks (by identity: `timestamp (UTC, ms)` is
    the timestamp column)."""
    have = {ref(str(c)).key for c in declared}
    return [c for c in required if ref(c).key not in have]


def audit_core_columns(given: CheckInput) -> Iterator[Fact]:
    """Audit rows don't carry every column the rule's ``columns`` parameter lists."""
    columns = mapping(given.node).get("columns")
    where = (*given.path, "columns")
    if columns is None:
        yield Fact(where, missing=True)
        return
    absent = _absent_columns(listed(columns), given.params["columns"])
    if absent:
        yield Fact(where, values={"absent_columns": absent, "columns": listed(columns)})


def audit_rollback_columns(given: CheckInput) -> Iterator[Fact]:
    """Rollback is allowed, but audit rows don't say who held its key or which queue overrode."""
    if given.doc_model.rollback.allowed is not True:
        return
    columns = mapping(given.node).get("columns")
    if not isinstance(columns, list):
        return  # no columns at all: the core-columns rule reports it once
    absent = _absent_columns(columns, given.params["columns"])
    if absent:
        values = {"absent_columns": absent, "columns": columns}
        yield Fact((*given.path, "columns"), values=values)


def audit_sink_reachable_by_agents(given: CheckInput) -> Iterator[Fact]:
    """The audit sink is a resource the audited agents themselves write or can damage."""
    sink = mapping(given.node).get("sink")
    if not declared(sink):  # a placeholder names nothing an agent could write
        return
    target = ref(sink).key
    writers: list[str] = []
    for agent in given.doc_model.agents:
        touched = [w.resource.key for w in agent.writes] + [r.key for r in agent.reaches]
        if any(part_of(target, r) or part_of(r, target) for r in touched):
            writers.append(agent.id)
    if writers:
        yield Fact((*given.path, "sink"), values={"sink": sink, "writers": writers})


CHECKS: dict[str, Check] = {
    "audit_core_columns": audit_core_columns,
    "audit_rollback_columns": audit_rollback_columns,
    "audit_sink_reachable_by_agents": audit_sink_reachable_by_agents,
}
