"""The rubric as records: areas, rules, and their good/bad examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deploylint.load.keypath import KeyPath, Selector
from deploylint.report.findings import Severity


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the base doc: set ``path`` to ``value``, or delete it."""

    path: KeyPath
    value: Any = None
    delete: bool = False


@dataclass(frozen=True, slots=True)
class Example:
    """A rule's good or bad example: edits to the rubric's base doc, or a whole file."""

    edits: tuple[Edit, ...] = ()
    text: str | None = None
    config: Mapping[str, Any] | None = None  # settings the example runs with


@dataclass(frozen=True, slots=True)
class Gap:
    """Gap templates: for a control that is not declared, and for one declared badly."""

    missing: str | None = None
    failing: str | None = None


@dataclass(frozen=True, eq=False)  # identity equality: rules key caches of compiled schemas
class Rule:
    """One rubric rule: what it checks, how bad it is, and how its finding reads."""

    id: str
    name: str
    title: str
    area: str
    severity: Severity
    why: str
    remediation: str
    gap: Gap
    blast_radius: str
    rollback_unit: str
    good: Example
    bad: Example
    scope: str = "$"
    selector: Selector = ()
    key: tuple[str, ...] = ()
    when: Mapping[str, Any] | None = None
    unless: tuple[str, ...] = ()  # doc-model facts under which the rule doesn't apply
    require: Mapping[str, Any] | None = None
    check: str | None = None
    engine: bool = False
    params: Mapping[str, Any] = field(default_factory=dict)
    trigger: str | None = None
    precision: str = "high"  # very-high | high | medium | low: measured on others' docs
    severity_why: str | None = None  # what a finding can damage: low and medium rules say
    guess: str | None = None  # how the rule guesses where the doc is silent, and how to settle
    references: tuple[Reference, ...] = ()
    defs: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def subject(self) -> str:
        """The key path the rule looks at, as people write it."""
        return ".".join((self.scope, *self.key)) if self.key else self.scope


@dataclass(frozen=True, slots=True)
class SpecBullet:
    """A bullet of the product brief and the rules that cover it."""

    bullet: str
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    title: str
    prefix: str
    summary: str
    spec: tuple[SpecBullet, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Rubric:
    """Every rule by id (in rubric order), the areas, and the base doc examples edit."""

    rules: Mapping[str, Rule]
    areas: Mapping[str, Area]
    base_text: str

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]
