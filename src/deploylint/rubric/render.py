"""Render a hit's three columns from the rule's templates and the doc's own data.

Templates run in jinja2's sandbox with undefined variables as errors; jinja2 is imported
only when a doc has something to report, so a clean run never pays for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from deploylint.findings import Finding, Position
from deploylint.keypath import KeyPath, format_path
from deploylint.loader import LoadedDoc
from deploylint.rubric.checks.base import agent_ids, human_queues
from deploylint.rubric.engine import Hit
from deploylint.rubric.facts import and_list, blast_radius, rollback_unit
from deploylint.rubric.model import Rule


class TemplateError(Exception):
    """A rubric template that can't render; the message names the rule and column."""


def show(value: Any) -> str:
    """A doc value as a reader would write it: text bare, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))


@cache
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    environment.filters["show"] = show
    environment.filters["and_list"] = and_list
    return environment


@cache
def _template(text: str) -> Any:
    return _environment().from_string(text)


NOT_RENDERED = "could not be rendered from this doc"  # tests: never on a rule's examples


def render_text(rule: Rule, column: str, text: str, context: Mapping[str, Any]) -> str:
    """Render one template; collapse the whitespace YAML folding and jinja blocks leave.

    A template that can't even compile is a broken rubric (TemplateError, exit 2). One that
    fails on this doc's data (a list where text was expected, say) still gives the finding,
    at its place, saying its text couldn't be rendered: hostile data never loses the file.
    """
    from jinja2 import TemplateSyntaxError

    try:
        template = _template(text)
    except TemplateSyntaxError as error:
        raise TemplateError(f"rule {rule.id}: {column} template: {error}") from None
    try:
        return " ".join(template.render(context).split())
    except Exception as error:
        return (
            f"{rule.title}: the {column.replace('_', ' ')} {NOT_RENDERED} ({type(error).__name__})"
        )


def _agent_index(path: KeyPath) -> int | None:
    if len(path) >= 2 and path[0] == "agents" and isinstance(path[1], int):
        return path[1]
    return None


def context(doc: LoadedDoc, hit: Hit, today: date) -> dict[str, Any]:
    """The variables a rule's templates see for one hit."""
    data: Mapping[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    raw_agents = data.get("agents")
    listed: list[Any] = raw_agents if isinstance(raw_agents, list) else []
    agents = [a for a in listed if isinstance(a, dict)]
    index = _agent_index(hit.path)
    agent = listed[index] if index is not None and isinstance(listed[index], dict) else None
    action = None
    if agent is not None and len(hit.path) >= 4 and isinstance(hit.path[3], int):
        action = agent["actions"][hit.path[3]] if hit.path[2] == "actions" else None
    concerned = [agent] if agent is not None else agents
    return {
        **hit.values,
        "value": hit.value,
        "node": hit.node,
        "path": format_path(hit.path),
        "key": next((k for k in reversed(hit.path) if isinstance(k, str)), ""),
        "agent": agent,
        "action": action,
        "blast": blast_radius(concerned),
        "rollback": rollback_unit(data),
        "queues": sorted(human_queues(data)),
        "agent_ids": sorted(agent_ids(data)),
        "doc": data,
        "today": today.isoformat(),
    }


def finding(doc: LoadedDoc, hit: Hit, *, file: str, today: date) -> Finding:
    """Turn a hit into the finding record, with all three columns filled."""
    where = hit.where or doc.locate(hit.path)
    return build_finding(
        hit.rule,
        missing=hit.missing,
        variables=context(doc, hit, today),
        file=file,
        document=doc.index,
        where=where,
        path=hit.path,
    )


def build_finding(
    rule: Rule,
    *,
    missing: bool,
    variables: Mapping[str, Any],
    file: str,
    document: int,
    where: Position,
    path: KeyPath,
) -> Finding:
    """A finding at a place, its three columns rendered from the rule's templates."""
    gap_template = rule.gap.missing if missing else rule.gap.failing
    gap_template = gap_template or rule.gap.missing or rule.gap.failing or rule.title
    return Finding(
        rule=rule.id,
        area=rule.area,
        severity=rule.severity,
        title=rule.title,
        file=file,
        document=document,
        line=where.line,
        column=where.column,
        path=format_path(path),
        gap=render_text(rule, "gap", gap_template, variables),
        blast_radius=render_text(rule, "blast_radius", rule.blast_radius, variables),
        rollback_unit=render_text(rule, "rollback_unit", rule.rollback_unit, variables),
        remediation=rule.remediation,
    )
