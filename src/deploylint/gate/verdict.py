"""What a reviewer reads first: a verdict per doc, and a grade per area with its coverage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from deploylint.report.findings import Severity
from deploylint.rubric.grade import DocResult
from deploylint.rubric.model import Rubric

if TYPE_CHECKING:
    from deploylint.report.outcome import Report

# Areas that aren't controls of a single doc: audit rows are graded by `deploylint audit`.
NOT_GRADED: Final = frozenset({"audit_rows"})


class Verdict(StrEnum):
    AUTHORIZED = "authorized"
    ACCEPTED_RISK = "authorized with accepted risk"
    NOT_AUTHORIZED = "not authorized"
    INCOMPLETE = "incomplete"  # the run: something could not be graded (exit 2)


class Gate(StrEnum):
    """The run's outcome as the exit code states it, in the words every report uses."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCOMPLETE = "INCOMPLETE"  # an error: not everything was graded, so never PASS
    NOT_GATING = "NOT GATING"  # --fail-on none
    BASELINE_WRITTEN = "BASELINE WRITTEN"  # --write-baseline: recorded, not gated


def run_gate(report: Report) -> Gate:
    """INCOMPLETE whenever the run had an error (exit 2), whatever was or wasn't found."""
    if report.errors:
        return Gate.INCOMPLETE
    if report.baseline_written is not None:
        return Gate.BASELINE_WRITTEN
    if report.fail_on is None:
        return Gate.NOT_GATING
    return Gate.FAIL if report.failing else Gate.PASS


def gate_sentence(report: Report) -> str:
    """What the exit code says, as the last words of a summary (no doc content)."""
    errors = len(report.errors)
    if errors:
        return f"{errors} error{'s' if errors != 1 else ''}, not everything was graded: INCOMPLETE"
    if report.baseline_written is not None:
        recorded = sum(not f.waived for f in report.findings)
        return f"{recorded} recorded in {report.baseline_written}: {Gate.BASELINE_WRITTEN}"
    if report.fail_on is None:
        return "Not gating (--fail-on none)"
    return f"{len(report.failing)} at or above {report.fail_on.label}: {run_gate(report)}"


class Grade(StrEnum):
    MET = "met"
    GAP = "gap"
    WAIVED = "waived"
    NOT_APPLICABLE = "not applicable"


def verdict(doc: DocResult, fail_on: Severity | None) -> Verdict:
    """Not authorized: an unwaived finding at or above the gate (or `high`, when not gating).
    Accepted risk: only waived findings, or findings below the gate. Else authorized."""
    gate = fail_on if fail_on is not None else Severity.HIGH
    if any(not f.waived and f.severity >= gate for f in doc.findings):
        return Verdict.NOT_AUTHORIZED
    return Verdict.ACCEPTED_RISK if doc.findings else Verdict.AUTHORIZED


@dataclass(frozen=True, slots=True)
class AreaGrade:
    """One area for one doc: its grade, and which of its rules are met, open or waived."""

    area: str
    title: str
    grade: Grade
    met: tuple[str, ...]
    gaps: tuple[str, ...]
    waived: tuple[str, ...]


def area_grades(doc: DocResult, rubric: Rubric) -> list[AreaGrade]:
    """Every area of the rubric, in rubric order, graded for this doc."""
    open_rules = {f.rule for f in doc.findings if not f.waived}
    waived_rules = {f.rule for f in doc.findings if f.waived} - open_rules
    grades = []
    # The rubric's own areas first (the brief's order), then deploylint's (document, ...).
    areas = sorted(rubric.areas.values(), key=lambda a: rubric.rules[a.rules[0]].engine)
    for area in areas:
        if area.name in NOT_GRADED:
            continue
        applied = [r for r in area.rules if r in doc.applied]
        gaps = tuple(r for r in applied if r in open_rules)
        waived = tuple(r for r in applied if r in waived_rules)
        met = tuple(r for r in applied if r not in open_rules and r not in waived_rules)
        if gaps:
            grade = Grade.GAP
        elif waived:
            grade = Grade.WAIVED
        else:
            grade = Grade.MET if met else Grade.NOT_APPLICABLE
        grades.append(AreaGrade(area.name, area.title, grade, met, gaps, waived))
    return grades
