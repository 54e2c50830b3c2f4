"""Apply rubric rules to a doc's data and collect hits (which rule fired, where, and why)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from deploylint import compiled
from deploylint.load.inline import closed_registry, inline_refs
from deploylint.load.keypath import KeyPath, Selector, lookup, select
from deploylint.model.doc_model import DocModel, build, exempt
from deploylint.model.names import Guess
from deploylint.report.findings import Position
from deploylint.rubric.bounded import Budgeted, validator_class
from deploylint.rubric.checks import CHECKS, CheckInput
from deploylint.rubric.model import Rule


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fired at ``path``: absent (``missing``) or present but failing."""

    rule: Rule
    path: KeyPath
    missing: bool
    node: Any = None
    value: Any = None
    values: Mapping[str, Any] = field(default_factory=dict)
    where: Position | None = None  # set when the position is known better than the path's
    guess: Guess | None = None  # the hit rests on a name, not on the doc's data


def rule_schema(rule: Rule, which: str) -> dict[str, Any]:
    """The rule's ``when`` or ``require`` schema with the rubric's defs beside it."""
    schema = dict(getattr(rule, which))
    if rule.defs:
        schema["$defs"] = {**rule.defs, **schema.get("$defs", {})}
    return schema


@cache
def _validator(rule: Rule, which: str) -> Any:
    """The rule's ``when`` or ``require`` schema, compiled once per process: to the code
    generated at build time when it is a shipped one (deploylint.compiled), else by jsonschema."""
    schema = inline_refs(rule_schema(rule, which))

    def reference() -> Any:
        bounded = validator_class()  # a custom rule's regexes see a bounded slice of text
        made = bounded(schema, registry=closed_registry(), format_checker=bounded.FORMAT_CHECKER)
        return Budgeted(made, f"{rule.source}: rule {rule.id}: its `{which}` schema")

    return compiled.validator(schema, reference)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the rubric found on one doc, and which rules applied to it at all.

    A rule applies when its selector reaches a node that passes its `when`; a rule that
    applied and has no hit is a control the doc meets (the report's coverage).
    """

    hits: list[Hit]
    applied: frozenset[str]


def evaluate(
    data: Mapping[str, Any],
    rules: Iterable[Rule],
    *,
    today: date,
    skip: frozenset[str] = frozenset(),
    model: DocModel | None = None,
) -> Evaluation:
    """Every hit of every predicate rule (but those in ``skip``) on one doc, in rule order
    (``model``: the doc's model, when the caller built it already)."""
    hits: list[Hit] = []
    applied: set[str] = set()
    model = model if model is not None else build(data)
    reached: dict[Selector, list[tuple[KeyPath, Any]]] = {}  # 109 rules share 17 selectors
    for rule in rules:
        if rule.engine or rule.id in skip:
            continue
        settings = rule.params
        looks_inside = bool(rule.key) or rule.check is not None
        if rule.selector not in reached:
            reached[rule.selector] = list(select(data, rule.selector))
        for path, node in reached[rule.selector]:
            # A key is looked up, and a check reads, inside a mapping: a section of another
            # type is the schema's finding (DL007), not "not declared" for every rule in it.
            if looks_inside and not isinstance(node, dict):
                continue
            if rule.when is not None and not _validator(rule, "when").is_valid(node):
                continue
            if rule.unless and exempt(model, rule.unless, path):
                continue  # the doc says this node owes nothing here (a read-only agent...)
            applied.add(rule.id)
            hits.extend(_apply(rule, path, node, data, settings, today, model))
    return Evaluation(hits, frozenset(applied))


def _apply(
    rule: Rule,
    path: KeyPath,
    node: Any,
    data: Mapping[str, Any],
    params: Mapping[str, Any],
    today: date,
    model: DocModel,
) -> Iterator[Hit]:
    if rule.check is not None:
        for fact in CHECKS[rule.check](CheckInput(node, path, data, params, today, model)):
            values = {**fact.values, "params": params}
            yield Hit(rule, fact.path, fact.missing, node, None, values, guess=fact.guess)
        return
    found, value = lookup(node, rule.key)
    subject = (*path, *rule.key)
    if not found or value is None:
        if rule.gap.missing is not None:
            yield Hit(rule, subject, True, node, None, {"params": params})
    elif rule.require is not None and not _validator(rule, "require").is_valid(value):
        yield Hit(rule, subject, False, node, value, {"params": params})
