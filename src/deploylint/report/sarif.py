"""SARIF 2.1.0 for code-scanning UIs: the rule table from the rubric, one result per finding.

Waived findings are results with an accepted in-source suppression (the waiver lives in the
doc), so code scanning shows them as dismissed rather than dropping them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from io import StringIO
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Final, TextIO
from urllib.parse import quote

from deploylint.report import RenderOptions
from deploylint.report.escape import json_text, printable
from deploylint.report.findings import Finding, Severity
from deploylint.report.json_report import write_indented
from deploylint.report.outcome import Report
from deploylint.rubric.model import Rule

SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT: Final = "deploylint/keyPath/v1"  # versioned: a new recipe must take a new name
LEVEL: Final = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A rubric rule as a SARIF reportingDescriptor."""
    links = [f"- [{r.title}]({r.url})" if r.url else f"- {r.title}" for r in rule.references]
    help_markdown = rule.remediation + ("\n\nReferences:\n" + "\n".join(links) if links else "")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.remediation, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "area": rule.area,
            "severity": rule.severity.label,
            "precision": rule.precision,
            "tags": [rule.area],
        },
    }
    url = next((r.url for r in rule.references if r.url), None)
    if url is not None:  # helpUri must be absolute: the rule's first reference, when it has one
        descriptor["helpUri"] = url
    return descriptor


def artifact_location(file: str) -> dict[str, str]:
    """A file as an artifactLocation: a relative path stays relative to the source root (where
    deploylint ran, in CI the checkout), as code scanning expects; an absolute one a file URI."""
    path: PurePath = PureWindowsPath(file) if "\\" in file else PurePosixPath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    # names that aren't UTF-8 come from the file system with their bytes as surrogates
    uri = quote(path.as_posix(), safe="/", errors="surrogateescape")
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def fingerprint(found: Finding, occurrence: int) -> str:
    """Stable across line shifts: rule, file, document and key path (and which repeat)."""
    parts = [found.rule, found.file, str(found.document), found.path, str(occurrence)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def result(found: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    """One finding as a SARIF result: the gap as the message, the three columns as properties.
    Doc-derived text is shown as code-scanning UIs will display it: controls and bidi escaped."""
    gap, blast_radius, rollback_unit = (
        printable(found.gap),
        printable(found.blast_radius),
        printable(found.rollback_unit),
    )
    message = "\n".join([gap, f"Blast radius: {blast_radius}", f"Rollback unit: {rollback_unit}"])
    record: dict[str, Any] = {
        "ruleId": found.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[found.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(found.file),
                    "region": {"startLine": found.line, "startColumn": found.column},
                },
                "logicalLocations": [{"fullyQualifiedName": printable(found.path)}],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(found, occurrence)},
        "properties": {
            "area": found.area,
            "severity": found.severity.label,
            "document": found.document,
            "path": printable(found.path),
            "blast_radius": blast_radius,
            "rollback_unit": rollback_unit,
            "remediation": printable(found.remediation),
        },
    }
    if found.waived:
        justification = printable(found.waiver_reason or "")
        record["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": justification}
        ]
    return record


def _rules(report: Report) -> list[Rule]:
    return list(report.rubric.rules.values()) if report.rubric is not None else []


def _results(findings: Iterable[Finding], index: dict[str, int]) -> Iterator[dict[str, Any]]:
    """Each finding's result, made as it is written (10,000 docs' results held at once took
    ~600 MB)."""
    seen: Counter[tuple[str, str, int, str]] = Counter()
    for found in findings:
        key = (found.rule, found.file, found.document, found.path)
        yield result(found, index[found.rule], seen[key])
        seen[key] += 1


def sarif_log(report: Report) -> dict[str, Any]:
    rules = _rules(report)
    descriptors = [rule_descriptor(rule) for rule in rules]
    index = {rule.id: i for i, rule in enumerate(rules)}
    for found in report.findings:  # a finding from outside the rubric still gets a descriptor
        if found.rule not in index:
            index[found.rule] = len(descriptors)
            descriptors.append({"id": found.rule, "shortDescription": {"text": found.title}})
    notifications = [
        {"level": "error", "message": {"text": printable(error)}} for error in report.errors
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deploylint",
                        "version": report.version,
                        "semanticVersion": report.version,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "properties": {"shapedBy": report.shaped.record()},
                "results": _results(report.findings, index),
            }
        ],
    }


class SarifReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        text = StringIO()
        self.write(report, options, text)
        return text.getvalue()

    def write(self, report: Report, options: RenderOptions, out: TextIO) -> None:
        """A result at a time: the log's containers down to each result (runs, the run,
        its results) are written piece by piece."""
        write_indented(sarif_log(report), out, depth=4, clean=json_text)
        out.write("\n")
