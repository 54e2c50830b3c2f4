"""`deploylint test-rubric`: run every rule's good and bad example, report the wrong ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from deploylint.report.findings import Finding
from deploylint.rubric.examples import example_text
from deploylint.rubric.grade import grade_file, with_fleet
from deploylint.rubric.model import Example, Rubric, Rule
from deploylint.rubric.render import NOT_RENDERED

COLUMNS: Final = ("gap", "blast radius", "rollback unit")


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    ok: bool
    problem: str = ""


def _fired(rubric: Rubric, rule: Rule, example: Example, today: date) -> list[Finding]:
    from deploylint.rubric.catalog import example_settings

    settings = example_settings(rubric, example, today)
    raw = example_text(rubric, example).encode("utf-8")
    result = with_fleet([grade_file(raw, file="example.yaml", settings=settings)], settings)[0]
    return [f for f in result.findings if f.rule == rule.id]


def _problems(rubric: Rubric, rule: Rule, today: date) -> list[str]:
    problems = []
    bad = _fired(rubric, rule, rule.bad, today)
    if not bad:
        problems.append("its bad example doesn't fire it")
    if _fired(rubric, rule, rule.good, today):
        problems.append("its good example fires it")
    return problems + _unrendered(bad[:1])


def _unrendered(findings: list[Finding]) -> list[str]:
    """The column templates that don't render on the bad example, and why (what `check`
    would otherwise print in the column)."""
    problems = []
    for found in findings:
        columns = zip(COLUMNS, (found.gap, found.blast_radius, found.rollback_unit), strict=True)
        for column, text in columns:
            if NOT_RENDERED in text:
                why = text[text.index(NOT_RENDERED) + len(NOT_RENDERED) :]
                problems.append(f"its {column} template doesn't render on its bad example{why}")
    return problems


def verify(rubric: Rubric, rule_ids: list[str], today: date) -> list[Verdict]:
    """For each rule: does its bad example fire it, and its good example not?"""
    verdicts = []
    for rule_id in rule_ids:
        rule = rubric.rules[rule_id]
        try:
            problems = _problems(rubric, rule, today)
        except Exception as error:  # a rule that can't be graded is a failing rule, said why
            problems = [f"grading its examples failed: {type(error).__name__}: {error}"]
        verdicts.append(Verdict(rule_id, not problems, "; ".join(problems)))
    return verdicts
