"""Waivers: known gaps accepted in the doc's own voice, with an approver and an expiry.

A waived finding stays in the report as accepted risk and doesn't fail the gate. A waiver
that is expired, incomplete, approved by an agent, or no longer needed is a finding itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from deploylint.findings import Finding
from deploylint.keypath import KeyPath
from deploylint.loader import LoadedDoc
from deploylint.rubric.checks import parse_date
from deploylint.rubric.engine import Hit
from deploylint.rubric.render import finding

if TYPE_CHECKING:
    from deploylint.grade import Settings

_REQUIRED = ("reason", "approved_by", "expires")


def _waivers(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Mapping[str, Any]]]:
    listed = data.get("waivers")
    for index, waiver in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str):
            yield ("waivers", index), waiver


def _agent_ids(data: Mapping[str, Any]) -> set[str]:
    listed = data.get("agents")
    return (
        {str(a.get("id")) for a in listed if isinstance(a, dict)}
        if isinstance(listed, list)
        else set()
    )


def _covers(waiver: Mapping[str, Any], found: Finding) -> bool:
    if found.rule != waiver["rule"] or found.rule.startswith("WV"):
        return False
    scope = waiver.get("path")
    if not isinstance(scope, str) or scope in ("", "$"):
        return True
    return found.path == scope or found.path.startswith((scope + ".", scope + "["))


def _accepted(waiver: Mapping[str, Any]) -> str:
    return f"{waiver['reason']} (approved by {waiver['approved_by']}, until {waiver['expires']})"


def apply_waivers(
    doc: LoadedDoc, findings: list[Finding], *, file: str, settings: Settings
) -> list[Finding]:
    """Mark waived findings, and add findings for waivers that can't be honoured."""
    rubric, today = settings.rubric, settings.today
    hits: list[Hit] = []
    active: list[tuple[KeyPath, Mapping[str, Any]]] = []
    agents = _agent_ids(doc.data)
    for path, waiver in _waivers(doc.data):
        values = {"waiver": waiver}
        expires = parse_date(waiver.get("expires"))
        if any(not waiver.get(key) for key in _REQUIRED) or expires is None:
            missing = [key for key in _REQUIRED if not waiver.get(key)] or ["a valid expires date"]
            hits.append(
                Hit(rubric.rule("WV003"), path, True, waiver, None, values | {"missing": missing})
            )
        elif str(waiver["approved_by"]) in agents:
            hits.append(
                Hit(
                    rubric.rule("WV004"),
                    (*path, "approved_by"),
                    False,
                    waiver,
                    waiver["approved_by"],
                    values,
                )
            )
        elif expires < today:
            ago = {"days_ago": (today - expires).days}
            hits.append(
                Hit(
                    rubric.rule("WV001"),
                    (*path, "expires"),
                    False,
                    waiver,
                    waiver["expires"],
                    values | ago,
                )
            )
        else:
            active.append((path, waiver))
    used: set[KeyPath] = set()
    marked: list[Finding] = []
    for found in findings:
        match = next(((p, w) for p, w in active if _covers(w, found)), None)
        if match is not None:
            used.add(match[0])
            reason = _accepted(match[1])
            found = replace(found, waived=True, waiver_reason=reason)
        marked.append(found)
    for path, waiver in active:
        if path not in used:
            hits.append(
                Hit(
                    rubric.rule("WV002"),
                    (*path, "rule"),
                    False,
                    waiver,
                    waiver["rule"],
                    {"waiver": waiver},
                )
            )
    return marked + [finding(doc, hit, file=file, today=today) for hit in hits]
