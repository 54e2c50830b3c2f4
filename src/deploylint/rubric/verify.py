"""`deploylint test-rubric`: run every rule's good and bad example, report the wrong ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from deploylint.examples import example_text
from deploylint.grade import grade_file, with_fleet
from deploylint.rubric.model import Example, Rubric, Rule


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    ok: bool
    problem: str = ""


def _fires(rubric: Rubric, rule: Rule, example: Example, today: date) -> bool:
    from deploylint.catalog import example_settings

    settings = example_settings(rubric, example, today)
    raw = example_text(rubric, example).encode("utf-8")
    result = with_fleet([grade_file(raw, file="example.yaml", settings=settings)], settings)[0]
    return any(f.rule == rule.id for f in result.findings)


def _problems(rubric: Rubric, rule: Rule, today: date) -> list[str]:
    problems = []
    if not _fires(rubric, rule, rule.bad, today):
        problems.append("its bad example doesn't fire it")
    if _fires(rubric, rule, rule.good, today):
        problems.append("its good example fires it")
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
