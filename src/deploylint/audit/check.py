"""Apply the audit-row rules (rubrics/engine/audit_rows.yaml) to one row at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from deploylint.audit.rows import Row
from deploylint.model import names, routes
from deploylint.model.identity import key
from deploylint.model.names import Guess

# The brief's minimum; rollback_key_holder and human_override_queue apply where the row
# allows rollback.
DEFAULT_COLUMNS: Final = (
    "timestamp",
    "agent_id",
    "resource",
    "lock_holder",
    "rollback_allowed",
    "rollback_path",
    "approved_by",
    "rollback_key_holder",
    "human_override_queue",
)
ROLLBACK_COLUMNS: Final = frozenset({"rollback_key_holder", "human_override_queue"})
_TIME: Final = re.compile(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class AuditSpec:
    """What rows are checked against: required columns, known agents, rule parameters."""

    columns: tuple[str, ...] = DEFAULT_COLUMNS
    agents: frozenset[str] = frozenset()  # the identities of the doc's agents
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RowHit:
    rule: str
    field: str | None
    missing: bool
    values: dict[str, Any]
    guess: Guess | None = None  # the hit rests on a name, not on the doc's agents


def _present(row: Mapping[str, Any], name: str) -> bool:
    return row.get(name) not in (None, "")


def check_row(row: Row, spec: AuditSpec) -> Iterator[RowHit]:
    """Every rule the row breaks."""
    if row.data is None:
        yield RowHit("AR001", None, False, {"detail": row.problem})
        return
    data = row.data
    if not _present(data, "lock_holder"):
        yield RowHit("AR002", "lock_holder", True, {})
    allows_rollback = data.get("rollback_allowed") is True
    for column in spec.columns:
        if data.get(column) not in (None, ""):
            continue  # most rows carry every column: one look each
        if column == "lock_holder" or (column in ROLLBACK_COLUMNS and not allows_rollback):
            continue
        if not (column == "rollback_path" and allows_rollback):
            yield RowHit("AR003", column, True, {"column": column})
    if allows_rollback and not _present(data, "rollback_path"):
        yield RowHit("AR004", "rollback_path", True, {})
    yield from _route(data, spec)
    yield from _key_holder(data, spec)
    yield from _revocation(data)
    if data.get("rollback_denominator_is_defect") is True:
        yield RowHit("AR008", "rollback_denominator_is_defect", False, {})


def _route(data: Mapping[str, Any], spec: AuditSpec) -> Iterator[RowHit]:
    path = data.get("rollback_path")
    if isinstance(path, str) and path.strip():
        verdict = routes.classify(path, spec.params.get("RB008", {}))
        if not verdict.is_route:
            yield RowHit("AR005", "rollback_path", False, {"value": path, "word": verdict.word})


def _key_holder(data: Mapping[str, Any], spec: AuditSpec) -> Iterator[RowHit]:
    holder = data.get("rollback_key_holder")
    if not isinstance(holder, str) or not holder.strip():
        return
    patterns = tuple(spec.params.get("AR006", {}).get("agent_patterns", ()))
    found = _holder_verdict(holder, spec.agents, patterns)
    if found is not None:
        reason, guess = found
        values = {"value": holder, "reason": reason}
        yield RowHit("AR006", "rollback_key_holder", False, values, guess)


@lru_cache(maxsize=4096)  # a million rows name a few key holders
def _holder_verdict(
    holder: str, agents: frozenset[str], patterns: tuple[str, ...]
) -> tuple[str, Guess | None] | None:
    """Why a rollback key holder is not a human queue: an agent of --doc's, or (without a
    doc) a name that looks like an agent's, a guess; None: nothing to say."""
    if key(holder) in agents:
        return "an agent the doc authorizes", None
    if agents:
        return None
    guess = names.name_matches(
        holder, {"agent": patterns}, settle="the doc with --doc", flags=re.IGNORECASE
    )
    return ("agent-like", guess) if guess is not None else None


def _revocation(data: Mapping[str, Any]) -> Iterator[RowHit]:
    for name, value in data.items():
        if isinstance(value, bool) and name.startswith("second_key"):
            yield RowHit(
                "AR007",
                name,
                False,
                {"field": name, "problem": f"a bare boolean ({str(value).lower()})"},
            )
    text = data.get("second_key_revoke_provenance")
    if isinstance(text, str) and text.strip():
        lacking = _lacking(text)
        if lacking:
            problem = f"{text!r}, which doesn't say {', '.join(lacking)}"
            yield RowHit(
                "AR007",
                "second_key_revoke_provenance",
                False,
                {"field": "second_key_revoke_provenance", "problem": problem},
            )


@lru_cache(maxsize=4096)
def _lacking(text: str) -> tuple[str, ...]:
    """What a revocation's provenance doesn't say: via what, when, after which page."""
    return tuple(
        part
        for part, present in (
            ("via what", " via " in f" {text} "),
            ("when", bool(_TIME.search(text))),
            ("after which page", "page" in text.lower()),
        )
        if not present
    )
