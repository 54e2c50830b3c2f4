"""Checks for the audit area: the columns audit rows carry, and where the rows live."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from deploylint.rubric.checks.base import Check, CheckInput, Fact, agents, declared, listed, mapping


def _absent_columns(declared: list[Any], required: Sequence[str]) -> list[str]:
    have = {str(c).strip().lower() for c in declared}
    return [c for c in required if c.lower() not in have]


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
    if mapping(given.doc.get("rollback")).get("rollback_allowed") is not True:
        return
    columns = mapping(given.node).get("columns")
    if not isinstance(columns, list):
        return  # no columns at all: the core-columns rule reports it once
    absent = _absent_columns(columns, given.params["columns"])
    if absent:
        values = {"absent_columns": absent, "columns": columns}
        yield Fact((*given.path, "columns"), values=values)


def _same_or_nested(a: str, b: str) -> bool:
    a, b = a.strip().rstrip("/"), b.strip().rstrip("/")
    return bool(a and b) and (a == b or a.startswith(b + "/") or b.startswith(a + "/"))


def audit_sink_reachable_by_agents(given: CheckInput) -> Iterator[Fact]:
    """The audit sink is a resource the audited agents themselves write or can damage."""
    sink = mapping(given.node).get("sink")
    if not declared(sink):  # a placeholder names nothing an agent could write
        return
    writers: list[str] = []
    for _, agent in agents(given.doc):
        written = [mapping(w).get("resource") for w in listed(agent.get("writes"))]
        reached = listed(mapping(agent.get("blast_radius")).get("resources"))
        if any(isinstance(r, str) and _same_or_nested(sink, r) for r in written + reached):
            writers.append(str(agent.get("id", "an unnamed agent")))
    if writers:
        yield Fact((*given.path, "sink"), values={"sink": sink, "writers": writers})


CHECKS: dict[str, Check] = {
    "audit_core_columns": audit_core_columns,
    "audit_rollback_columns": audit_rollback_columns,
    "audit_sink_reachable_by_agents": audit_sink_reachable_by_agents,
}
