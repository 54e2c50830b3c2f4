"""JUnit XML for CI test dashboards: a test suite per doc, a test case per rule that applied
to it. A rule with an unwaived finding fails; one whose findings are all waived is skipped
(accepted risk); every other rule that applied passes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Final
from xml.etree import ElementTree as ET

from deploylint.gate.verdict import verdict
from deploylint.report import RenderOptions
from deploylint.report.escape import xml
from deploylint.report.findings import Finding
from deploylint.report.gap import doc_label
from deploylint.report.outcome import Report
from deploylint.rubric.grade import DocResult
from deploylint.rubric.model import Rule

COUNTS: Final = ("tests", "failures", "errors", "skipped")


def _detail(found: Finding) -> str:
    """A finding as lines of text (each value one line: XML-safe, controls shown escaped)."""
    state = f"waived: {found.waiver_reason}" if found.waived else found.severity.label
    lines = [
        f"{found.location} {found.path} ({state})",
        f"  gap: {found.gap}",
        f"  blast radius: {found.blast_radius}",
        f"  rollback unit: {found.rollback_unit}",
        f"  fix: {found.remediation}",
    ]
    return "\n".join(xml(line) for line in lines)


def _ordered(doc: DocResult, rules: Sequence[Rule]) -> list[str]:
    """The rules that applied, in rubric order (any rule outside the rubric last)."""
    known = [rule.id for rule in rules if rule.id in doc.applied]
    return known + sorted(doc.applied - set(known))


def testcase(suite: ET.Element, name: str, file: str, findings: list[Finding]) -> str | None:
    """Add a rule's test case to the suite: failed, skipped (waived) or passed (None)."""
    case = ET.SubElement(
        suite, "testcase", name=xml(name), classname=suite.get("name", ""), file=xml(file), time="0"
    )
    open_ = [f for f in findings if not f.waived]
    body = "\n\n".join(_detail(f) for f in findings)
    if open_:
        worst = max(open_, key=lambda f: f.severity)
        more = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
        failure = ET.SubElement(
            case, "failure", message=xml(worst.gap + more), type=worst.severity.label
        )
        failure.text = body
        return "failures"
    if findings:
        ET.SubElement(case, "skipped", message=xml(f"waived: {findings[0].waiver_reason}"))
        return "skipped"
    return None


def _suite(root: ET.Element, report: Report, file: str, doc: DocResult, of: int) -> dict[str, int]:
    """A doc's test suite: its verdict as a property, a test case per rule that applied."""
    suite = ET.SubElement(root, "testsuite", name=xml(doc_label(file, doc.name, doc.index, of)))
    properties = ET.SubElement(suite, "properties")
    state = str(verdict(doc, report.fail_on))
    ET.SubElement(properties, "property", name="verdict", value=state)
    rules = list(report.rubric.rules.values()) if report.rubric is not None else []
    titled = {rule.id: rule.title for rule in rules}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for found in doc.findings:
        by_rule[found.rule].append(found)
    counts = dict.fromkeys(COUNTS, 0)
    for rule in _ordered(doc, rules):
        findings = by_rule.get(rule, [])
        title = titled.get(rule) or next((f.title for f in findings), "")
        outcome = testcase(suite, f"{rule} {title}".strip(), file, findings)
        counts["tests"] += 1
        if outcome is not None:
            counts[outcome] += 1
    return _count(suite, counts)


def _errors(report: Report, root: ET.Element) -> dict[str, int]:
    """Paths that couldn't be read: a suite of errors, so a dashboard can't show them green."""
    suite = ET.SubElement(root, "testsuite", name="deploylint")
    for error in report.errors:
        case = ET.SubElement(suite, "testcase", name=xml(error), classname="deploylint", time="0")
        ET.SubElement(case, "error", message=xml(error), type="error")
    return _count(suite, {"tests": len(report.errors), "errors": len(report.errors)})


def _count(element: ET.Element, counts: dict[str, int]) -> dict[str, int]:
    for key in COUNTS:
        element.set(key, str(counts.get(key, 0)))
    element.set("time", "0")
    return counts


def junit_xml(report: Report) -> ET.Element:
    root = ET.Element("testsuites", name="deploylint")
    totals = dict.fromkeys(COUNTS, 0)
    suites = [
        _suite(root, report, result.file, doc, len(result.documents))
        for result in report.files
        for doc in result.documents
    ]
    if report.errors:
        suites.append(_errors(report, root))
    for counts in suites:
        for key in COUNTS:
            totals[key] += counts.get(key, 0)
    _count(root, totals)
    return root


class JunitReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        root = junit_xml(report)
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
