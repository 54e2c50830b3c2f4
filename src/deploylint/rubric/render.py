"""Render a hit's three columns from the rule's templates and the doc's own data.

Templates run in jinja2's sandbox with undefined variables as errors; jinja2 is imported
only when a doc has something to report, so a clean run never pays for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any, Final

from deploylint import compiled
from deploylint.load.keypath import KeyPath, format_path
from deploylint.load.loader import LoadedDoc
from deploylint.model import written
from deploylint.model.doc_model import DocModel, build
from deploylint.model.names import Guess
from deploylint.report.findings import Finding, Position, Severity
from deploylint.rubric import columns
from deploylint.rubric.budget import OverBudget
from deploylint.rubric.engine import Hit
from deploylint.rubric.facts import (
    BlastRadius,
    RollbackUnit,
    and_list,
    blast_radius,
    rollback_unit,
)
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
    """The compiled template: the shipped rubric's were compiled at build time (compiling
    them here cost ~0.6 ms each: 50 ms for the 86 a gappy example needs); others compile now."""
    environment = columns.environment_for(text, _environment())  # a custom one: bounded
    namespace = compiled.template_namespace(text)
    if namespace is None:
        return environment.from_string(text)
    made = namespace(environment)
    return environment.template_class.from_module_dict(
        environment, made, environment.make_globals(None)
    )


NOT_RENDERED = "could not be rendered from this doc"  # tests: never on a rule's examples


Memo = dict[tuple[Any, ...], tuple[tuple[Any, ...], str]]


def render_text(
    rule: Rule, column: str, text: str, context: Mapping[str, Any], memo: Memo | None = None
) -> str:
    """Render one template; collapse the whitespace YAML folding and jinja blocks leave.

    A template that can't even compile is a broken rubric (TemplateError, exit 2). One that
    fails on this doc's data (a list where text was expected, say) still gives the finding,
    at its place, saying its text couldn't be rendered: hostile data never loses the file.
    With ``memo`` (one doc's), a template met again with the same values it reads is not
    rendered again: most rules' rollback column is the doc's one rollback unit.
    """
    if memo is None:
        return _render(rule, column, text, context)
    read = tuple(context.get(name) for name in _reads(text))
    key = (text, *(_same(value) for value in read))
    if key not in memo:
        memo[key] = (read, _render(rule, column, text, context))  # `read` keeps ids unique
    return memo[key][1]


def _same(value: Any) -> Any:
    """What makes a value the same one: itself when hashable and immutable, else its identity
    (the memo holds the value, so no other object takes its id while the memo lives)."""
    return value if isinstance(value, _IMMUTABLE) else ("id", id(value))


_IMMUTABLE: Final = (str, int, float, bool, type(None), BlastRadius, RollbackUnit)


@cache
def _reads(text: str) -> tuple[str, ...]:
    """The variables a template reads (jinja's own analysis of it)."""
    from jinja2 import meta

    return tuple(sorted(meta.find_undeclared_variables(_environment().parse(text))))


def _render(rule: Rule, column: str, text: str, context: Mapping[str, Any]) -> str:
    from jinja2 import TemplateSyntaxError

    try:
        template = _template(text)
    except TemplateSyntaxError as error:
        raise TemplateError(f"rule {rule.id}: {column} template: {error}") from None
    try:
        return _clipped(" ".join(columns.render(template, context, rule, column).split()))
    except OverBudget:  # the custom rubric's fault, not this doc's: the run stops (exit 2)
        raise
    except Exception as error:
        return f"{rule.title}: the {column.replace('_', ' ')} {NOT_RENDERED} ({_why(error)})"


def _why(error: Exception) -> str:
    """What went wrong, for the rubric's author: a name the template misspells is named
    (`'agentt' is undefined`); other failures (this doc's data) by their kind alone."""
    from jinja2 import UndefinedError

    said = f": {str(error)[:200]}" if isinstance(error, UndefinedError) else ""
    return type(error).__name__ + said


MAX_COLUMN: Final = 2_000  # characters of one column: a 1 MB doc value is quoted in part


def _clipped(text: str) -> str:
    if len(text) <= MAX_COLUMN:
        return text
    return f"{text[:MAX_COLUMN]}... ({len(text) - MAX_COLUMN:,} more characters)"


def _agent_index(path: KeyPath) -> int | None:
    if len(path) >= 2 and path[0] == "agents" and isinstance(path[1], int):
        return path[1]
    return None


def _item(items: Any, index: int) -> Any:
    """``items[index]`` if that is a mapping in a list, else None (hostile docs have neither)."""
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        return items[index]
    return None


class DocView:
    """What every finding of one doc shares, worked out once: a doc with thousands of
    findings would otherwise walk all its agents again for each one."""

    def __init__(self, doc: LoadedDoc, today: date, model: DocModel | None = None) -> None:
        self.data: Mapping[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.model = model if model is not None else build(self.data)
        self.agents: Any = written.agents(self.data)  # templates read the agent as written
        self.blast = blast_radius(self.model.agents)
        self.shared = {
            "blast": self.blast,
            "rollback": rollback_unit(self.model),
            "queues": sorted({q.name.text for q in self.model.queues}),
            "agent_ids": sorted({a.id for a in self.model.agents if a.key}),
            "doc": self.data,
            "today": today.isoformat(),
        }
        self._blasts: dict[int, BlastRadius] = {}
        self.memo: Memo = {}  # rendered columns, by template and the values it reads

    def context(self, hit: Hit) -> dict[str, Any]:
        """The variables a rule's templates see for one hit."""
        index = _agent_index(hit.path)
        agent = _item(self.agents, index) if index is not None else None
        action = None
        if agent is not None and len(hit.path) >= 4 and hit.path[2] == "actions":
            number = hit.path[3]
            action = _item(agent.get("actions"), number) if isinstance(number, int) else None
        variables = {
            **hit.values,
            **self.shared,
            "value": hit.value,
            "node": hit.node,
            "path": format_path(hit.path),
            "key": next((k for k in reversed(hit.path) if isinstance(k, str)), ""),
            "agent": agent,
            "action": action,
        }
        if agent is not None and index is not None:
            variables["blast"] = self._blast(index)
        return variables

    def _blast(self, index: int) -> BlastRadius:
        """One agent's blast radius, worked out once however many findings it has."""
        if index not in self._blasts:
            modelled = self.model.agent(index)
            self._blasts[index] = blast_radius([modelled]) if modelled else self.blast
        return self._blasts[index]


def finding(
    doc: LoadedDoc, hit: Hit, *, file: str, today: date, view: DocView | None = None
) -> Finding:
    """Turn a hit into the finding record, with all three columns filled (``view``: the
    doc's shared variables, when the caller renders many findings of one doc)."""
    where = hit.where or doc.locate(hit.path)
    view = view or DocView(doc, today)
    return build_finding(
        hit.rule,
        missing=hit.missing,
        variables=view.context(hit),
        file=file,
        document=doc.index,
        where=where,
        path=hit.path,
        guess=hit.guess,
        memo=view.memo,
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
    guess: Guess | None = None,
    memo: Memo | None = None,
) -> Finding:
    """A finding at a place, its three columns rendered from the rule's templates.

    A finding that rests on a guess (``guess``: what a name suggested) says so in its gap
    and is reported at `info`, whatever the rule's severity: a guess never fails a gate.
    """
    gap_template = rule.gap.missing if missing else rule.gap.failing
    gap_template = gap_template or rule.gap.missing or rule.gap.failing or rule.title
    gap = render_text(rule, "gap", gap_template, variables, memo)
    if guess is not None:
        gap = _clipped(f"{gap} ({guess.says()})")
    return Finding(
        rule=rule.id,
        area=rule.area,
        severity=rule.severity if guess is None else min(rule.severity, Severity.INFO),
        title=rule.title,
        file=file,
        document=document,
        line=where.line,
        column=where.column,
        path=format_path(path),
        gap=gap,
        blast_radius=render_text(rule, "blast_radius", rule.blast_radius, variables, memo),
        rollback_unit=render_text(rule, "rollback_unit", rule.rollback_unit, variables, memo),
        remediation=rule.remediation,
    )
