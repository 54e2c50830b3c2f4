"""Verdict per doc and grade per area, as every report shows them."""

from __future__ import annotations

from datetime import date

from deploylint.gate.verdict import Grade, Verdict, area_grades, verdict
from deploylint.report.findings import Severity
from deploylint.rubric.grade import Settings, grade_file
from deploylint.rubric.load import load_default
from tests.conftest import FAILING, PASSING

RUBRIC = load_default()
SETTINGS = Settings(RUBRIC, date(2026, 11, 22))


def _doc(text: str):
    return grade_file(text.encode(), file="doc.yaml", settings=SETTINGS).documents[0]


def _grades(doc) -> dict[str, Grade]:
    return {g.area: g.grade for g in area_grades(doc, RUBRIC)}


def test_a_sound_doc_is_authorized_and_meets_every_area() -> None:
    doc = _doc(PASSING.read_text())
    assert verdict(doc, Severity.HIGH) is Verdict.AUTHORIZED
    grades = _grades(doc)
    assert grades["waivers"] is Grade.NOT_APPLICABLE and grades["fleet"] is Grade.NOT_APPLICABLE
    assert {g for a, g in grades.items() if a not in ("waivers", "fleet")} == {Grade.MET}
    assert list(grades)[:3] == ["kill_switch", "cost_ceiling", "side_effects"]  # the brief's order


def test_only_waived_findings_is_accepted_risk_and_the_area_is_waived() -> None:
    text = PASSING.read_text().replace("  owner: oncall-support-eng", "  owner: TBD")
    text = text.replace(
        "waivers: []",
        "waivers:\n  - {rule: KS002, reason: named next week, approved_by: tomas.r,"
        " expires: 2027-01-31}",
    )
    doc = _doc(text)
    assert verdict(doc, Severity.HIGH) is Verdict.ACCEPTED_RISK
    [kill_switch] = [g for g in area_grades(doc, RUBRIC) if g.area == "kill_switch"]
    assert kill_switch.grade is Grade.WAIVED and kill_switch.waived == ("KS002",)
    assert "KS001" in kill_switch.met


def test_findings_below_the_gate_are_accepted_risk_above_it_not_authorized() -> None:
    doc = _doc(PASSING.read_text().replace("  halts_in_flight: true\n", ""))  # KS010, medium
    assert verdict(doc, Severity.HIGH) is Verdict.ACCEPTED_RISK
    assert verdict(doc, Severity.MEDIUM) is Verdict.NOT_AUTHORIZED
    assert _grades(doc)["kill_switch"] is Grade.GAP


def test_the_failing_example_is_not_authorized_with_gaps_and_what_it_meets() -> None:
    doc = _doc(FAILING.read_text())
    assert verdict(doc, None) is Verdict.NOT_AUTHORIZED
    grades = {g.area: g for g in area_grades(doc, RUBRIC)}
    assert grades["kill_switch"].grade is Grade.GAP
    assert grades["kill_switch"].waived == ("KS003",)
    assert "KS001" in grades["kill_switch"].met
    assert grades["document"].grade is Grade.MET
