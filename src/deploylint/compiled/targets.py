"""The schemas the generated code covers: the doc schema and the shipped rubrics' predicates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from deploylint.compiled import schema_digest
from deploylint.load.docschema import doc_schema
from deploylint.load.inline import inline_refs
from deploylint.rubric.engine import rule_schema
from deploylint.rubric.load import load_default
from deploylint.rubric.model import Rule

PREDICATES = ("when", "require")


class Target(NamedTuple):
    """One schema to compile, named for the generated code's comments."""

    name: str
    digest: str
    schema: Mapping[str, Any]


def predicate_schema(rule: Rule, which: str) -> dict[str, Any]:
    """A rule's ``when`` or ``require`` exactly as deploylint.rubric.engine._validator builds it
    (tests/test_compiled.py checks that every shipped predicate reaches the generated code)."""
    return inline_refs(rule_schema(rule, which))


def doc_target() -> Target:
    return _target("deployment-doc.v1 schema", inline_refs(doc_schema()))


def rule_targets() -> Iterator[Target]:
    """Each predicate of the shipped rubrics, in rubric order."""
    for rule in load_default().rules.values():
        for which in PREDICATES:
            if getattr(rule, which) is not None:
                yield _target(f"{rule.id} {which}", predicate_schema(rule, which))


def targets() -> list[Target]:
    """Every schema to compile, once each (rules may share a predicate)."""
    unique: dict[str, Target] = {}
    for target in (doc_target(), *rule_targets()):
        unique.setdefault(target.digest, target)
    return list(unique.values())


def template_texts() -> list[str]:
    """Every column template of the shipped rubrics that deploylint.rubric.render compiles,
    once each, in rubric order."""
    texts: dict[str, None] = {}
    for rule in load_default().rules.values():
        gap = (rule.gap.missing, rule.gap.failing)
        fallback = (rule.title,) if gap == (None, None) else ()
        for text in (*gap, *fallback, rule.blast_radius, rule.rollback_unit):
            if text is not None:
                texts.setdefault(text)
    return list(texts)


def _target(name: str, schema: Mapping[str, Any]) -> Target:
    digest = schema_digest(schema)
    if digest is None:
        raise ValueError(f"{name}: not plain JSON data")
    return Target(name, digest, schema)
