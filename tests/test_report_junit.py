"""JUnit XML: a suite per doc, a case per rule that applied (failed, skipped when waived,
passed), counts that add up, and unreadable paths as errors."""

from __future__ import annotations

from collections import Counter
from xml.etree import ElementTree as ET

from deploylint.report.junit import COUNTS
from tests.conftest import EXAMPLES, FAILING, PASSING, TODAY, check_json, deploylint


def junit(*args: str) -> ET.Element:
    run = deploylint("check", *args, "-f", "junit", "--today", TODAY)
    assert run.stdout.startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites")
    return ET.fromstring(run.stdout)


def outcome(case: ET.Element) -> str:
    children = [child.tag for child in case]
    assert len(children) <= 1
    return children[0] if children else "passed"


def test_a_suite_per_doc_with_a_case_per_rule_and_its_outcome() -> None:
    root = junit(str(FAILING))
    [suite] = root.findall("testsuite")
    _, report = check_json(FAILING)
    open_rules = {f["rule"] for f in report["findings"] if not f["waived"]}
    waived_only = {f["rule"] for f in report["findings"] if f["waived"]} - open_rules
    outcomes = {
        case.get("name", "").split()[0]: outcome(case) for case in suite.findall("testcase")
    }
    assert {r for r, o in outcomes.items() if o == "failure"} == open_rules
    assert {r for r, o in outcomes.items() if o == "skipped"} == waived_only == {"KS003"}
    assert outcomes["KS001"] == "passed"  # a rule the doc meets is a passing case
    assert suite.find("properties/property[@name='verdict']").get("value") == "not authorized"
    failure = suite.find("testcase/failure")
    assert failure is not None and "blast radius: " in (failure.text or "")
    assert "rollback unit: " in (failure.text or "")


def test_counts_add_up_in_every_suite_and_overall() -> None:
    root = junit(str(EXAMPLES))
    totals: Counter[str] = Counter()
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        found = Counter(outcome(case) for case in cases)
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == found["failure"]
        assert int(suite.get("skipped", "")) == found["skipped"]
        totals.update({key: int(suite.get(key, "")) for key in COUNTS})
    assert {key: int(root.get(key, "")) for key in COUNTS} == dict(totals)
    assert len(root.findall("testsuite")) == 5


def test_a_sound_doc_passes_every_case() -> None:
    [suite] = junit(str(PASSING)).findall("testsuite")
    assert suite.get("failures") == suite.get("skipped") == "0"
    assert int(suite.get("tests", "")) > 100


def test_an_unreadable_path_is_an_error_case(tmp_path) -> None:
    root = junit(str(PASSING), str(tmp_path / "missing.yaml"))
    [errors] = [s for s in root.findall("testsuite") if s.get("name") == "deploylint"]
    assert errors.get("errors") == root.get("errors") == "1"
    assert "no such file" in errors.find("testcase/error").get("message", "")
