"""`deploylint inventory`: one row per agent across the fleet, the register compliance teams
keep of the agents in production: its doc, owner and environment, tools with their effects,
caps, money moved, writes with their locks, the kill switch and its newest production test,
and who holds the rollback key. Read from the doc model, as every rule reads a doc."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from deploylint.authority.entries import scalar
from deploylint.input.sources import Filter, Unreadable, discover, read
from deploylint.load.loader import Limits, load_bytes
from deploylint.model.doc_agents import SCOPES, Action, Agent
from deploylint.model.doc_model import DocModel, build
from deploylint.model.written import is_deploylint_doc
from deploylint.report.escape import json_text, markdown, printable

_MARKERS = (b"deploylint/", b"AgentDeployment")
_SCOPE = {"per_action": "action", "per_hour": "hour", "per_day": "day"}


@dataclass(frozen=True, slots=True)
class Row:
    """One agent, as the register lists it."""

    file: str
    line: int
    doc: str
    model: DocModel
    agent: Agent

    def record(self) -> dict[str, Any]:
        """The JSON object: lists and numbers kept as such."""
        model, agent = self.model, self.agent
        switch, holder = model.kill_switch, model.rollback.key_holder
        tested = switch.newest_production_test
        return {
            "file": self.file,
            "line": self.line,
            "doc": self.doc,
            "agent": agent.id,
            "owner": model.metadata.owner.text if model.metadata.owner else None,
            "environment": model.metadata.environment,
            "tools": [{"name": t.name, "effect": t.effect} for t in agent.tools if t.name],
            "caps": [_caps(action) for action in agent.actions],
            "max_usd_moved": scalar(_most(a.max_usd_moved for a in agent.actions)),
            "max_usd_at_risk": scalar(agent.max_usd_at_risk),
            "writes": [_write(model, w.resource.text, w.lock) for w in agent.writes],
            "kill_switch": switch.mechanism.text if switch.mechanism else None,
            "kill_switch_tested_in_production": tested.isoformat() if tested else None,
            "rollback_key_holder": holder.text if holder else None,
        }

    def cells(self) -> dict[str, str]:
        """The same as text, one cell each (CSV, Markdown)."""
        found = self.record()
        found["tools"] = "; ".join(f"{t['name']} ({t['effect'] or '?'})" for t in found["tools"])
        found["caps"] = "; ".join(_caps_text(c) for c in found["caps"])
        found["writes"] = "; ".join(_write_text(w) for w in found["writes"])
        return {k: "" if v is None else str(v) for k, v in found.items()}


COLUMNS = (  # the record's keys, in its order (a test holds them equal)
    "file",
    "line",
    "doc",
    "agent",
    "owner",
    "environment",
    "tools",
    "caps",
    "max_usd_moved",
    "max_usd_at_risk",
    "writes",
    "kill_switch",
    "kill_switch_tested_in_production",
    "rollback_key_holder",
)


def _most(values: Iterator[float | None]) -> float | None:
    return max((v for v in values if v is not None), default=None)


def _caps(action: Action) -> dict[str, Any]:
    approval = action.approval
    return {
        "action": action.name,
        "side_effect": {
            s: {k: scalar(v) for k, v in action.caps[s].items()} for s in SCOPES if action.caps[s]
        },
        "cost": {k: scalar(v) for k, v in action.cost_caps.items()},
        "max_usd_moved": scalar(action.max_usd_moved),
        "approval_above_usd": scalar(approval.above_usd) if approval else None,
    }


def _caps_text(caps: dict[str, Any]) -> str:
    side = [
        f"{k} {v if v is not None else 'no limit'}/{_SCOPE[scope]}"
        for scope, found in caps["side_effect"].items()
        for k, v in found.items()
    ]
    cost = [f"{k} {v if v is not None else 'no limit'}" for k, v in caps["cost"].items()]
    approval = caps["approval_above_usd"]
    extra = [f"approval above {approval} USD"] if approval is not None else []
    return f"{caps['action']}: " + ", ".join([*side, *cost, *extra] or ["no caps"])


def _write(model: DocModel, resource: str, lock: Any) -> dict[str, Any]:
    declared = model.lock(lock)
    holder = declared.holder.text if declared is not None and declared.holder else None
    return {"resource": resource, "lock": lock.text if lock else None, "lock_holder": holder}


def _write_text(write: dict[str, Any]) -> str:
    if write["lock"] is None:
        return f"{write['resource']} (no lock)"
    held = f", held by {write['lock_holder']}" if write["lock_holder"] else ""
    return f"{write['resource']} (lock {write['lock']}{held})"


def inventory(paths: Sequence[str], only: Filter, limits: Limits) -> tuple[list[Row], list[str]]:
    """A row per agent of every deploylint doc under ``paths``; the errors (a path that
    can't be read, a doc that can't be: such a register is incomplete)."""
    found = discover(paths, only)
    rows: list[Row] = []
    errors = list(found.errors)
    for source in found.sources:
        try:
            raw = read(source, limits.max_bytes)
        except Unreadable as error:
            errors.append(str(error))
            continue
        if isinstance(raw, int) or not any(marker in raw for marker in _MARKERS):
            continue
        for doc in load_bytes(raw, limits):
            if not doc.gradable:
                first = doc.problems[0]
                errors.append(
                    f"{source.name}:{first.position.line}: {first.rule} "
                    f"{first.message} (its agents are not in the inventory)"
                )
            elif is_deploylint_doc(doc.data):
                model = build(doc.data)
                label = model.metadata.name or f"document {doc.index}"
                rows += [
                    Row(source.name, doc.locate(a.path).line, label, model, a) for a in model.agents
                ]
    return rows, errors


# What a spreadsheet would run as a formula at a cell's start (OWASP's CSV injection list):
# such a cell gets a leading apostrophe, which spreadsheets show as text.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _defused(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell


def as_csv(rows: Sequence[Row]) -> str:
    """One line per agent, a header first; no cell a spreadsheet would run as a formula."""
    import csv
    from io import StringIO

    out = StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = row.cells()
        writer.writerow([_defused(printable(cells[column])) for column in COLUMNS])
    return out.getvalue()


def as_json(rows: Sequence[Row]) -> str:
    records = [row.record() for row in rows]
    return json_text(json.dumps(records, indent=2, ensure_ascii=False)) + "\n"


def as_markdown(rows: Sequence[Row]) -> str:
    """A table: an agent a row, every cell escaped."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---" * len(COLUMNS) + "|"]
    for row in rows:
        cells = row.cells()
        lines.append("| " + " | ".join(markdown(cells[column]) for column in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


FORMATS: Final[dict[str, Callable[[Sequence[Row]], str]]] = {
    "json": as_json,
    "csv": as_csv,
    "markdown": as_markdown,
}
