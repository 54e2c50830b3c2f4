"""JSON output: one stable object per run (fields documented in the README)."""

from __future__ import annotations

import json
from functools import cache
from io import StringIO
from json.encoder import encode_basestring
from typing import Any, Final, TextIO

from deploylint.gate.verdict import run_gate
from deploylint.report import RenderOptions
from deploylint.report.findings import Finding
from deploylint.report.outcome import Report

FORMAT_VERSION: Final = 1


def finding_record(finding: Finding) -> dict[str, Any]:
    """Every field of a finding, in a fixed order."""
    return {
        "rule": finding.rule,
        "title": finding.title,
        "area": finding.area,
        "severity": finding.severity.label,
        "file": finding.file,
        "document": finding.document,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "gap": finding.gap,
        "blast_radius": finding.blast_radius,
        "rollback_unit": finding.rollback_unit,
        "remediation": finding.remediation,
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason,
    }


def report_record(report: Report, *, with_findings: bool = True) -> dict[str, Any]:
    findings = report.findings
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "deploylint", "version": report.version},
        "today": report.today.isoformat(),
        "fail_on": report.fail_on.label if report.fail_on is not None else "none",
        "files": [
            {
                "file": result.file,
                "skipped_documents": result.skipped,
                "documents": [
                    {
                        "document": d.index,
                        "name": d.name,
                        "graded": d.graded,
                        "findings": len(d.findings),
                        "blast_radius": d.blast_radius,
                    }
                    for d in result.documents
                ],
            }
            for result in report.files
        ],
        "findings": [finding_record(f) for f in findings] if with_findings else [],
        "fleet": [row.record() for row in report.fleet],
        "errors": list(report.errors),
        "shaped_by": report.shaped.record(),
        "summary": {
            "files": len(report.files),
            "documents": report.documents,
            "findings": len(findings),
            "waived": sum(f.waived for f in findings),
            "failing": len(report.failing),
            "left_out": report.left_out,
            "by_severity": report.by_severity(),
            "exit_code": int(report.exit_code),
            # pass, fail, incomplete (an error: never pass), not gating (--fail-on none)
            "verdict": run_gate(report).value.lower(),
        },
    }


_FINDINGS: Final = '\n  "findings": []'  # the top-level key: no string can hold a bare `"`


# A finding's fields are all scalars, which json encodes in C; only an indent makes it
# encode in Python (0.6 s of a 2.4 s 1,000-doc run). So each value is encoded alone and the
# indentation written here: the same bytes as json.dumps(record, indent=2) nested once.
@cache
def _key(name: str) -> str:
    return f"{encode_basestring(name)}: "


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return int.__repr__(value)  # what json writes for an int
    return json.dumps(value)


def indented(value: Any, pad: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, with each scalar encoded in C:
    the same text (a property test holds them equal), without json's Python encoder (a
    1,000-doc report's files and fleet map: 0.17 s of a 0.8 s cached run)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = pad + "  "
        fields = (
            inner + _key(k if isinstance(k, str) else _scalar(k)) + indented(v, inner)
            for k, v in value.items()
        )
        return "{\n" + ",\n".join(fields) + "\n" + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + indented(v, inner) for v in value) + "\n" + pad + "]"
    return _scalar(value)


def indented_record(finding: Finding) -> str:
    """One finding as an element of the top-level findings array (indent 2, nested once)."""
    record = finding_record(finding)
    fields = ",\n      ".join(_key(key) + _scalar(value) for key, value in record.items())
    return "{\n      " + fields + "\n    }"


class JsonReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        text = StringIO()
        self.write(report, options, text)
        return text.getvalue()

    def write(self, report: Report, options: RenderOptions, out: TextIO) -> None:
        """The same text as ``json.dumps(report_record(report), indent=2)``, written a
        finding at a time: with an indent, json encodes in Python, as millions of small
        strings held at once (10,000 docs: ~100 MB for a 21 MB report)."""
        record = report_record(report, with_findings=False)
        head, _, tail = indented(record).partition(_FINDINGS)
        if not report.findings:
            out.write(f"{head}{_FINDINGS}{tail}\n")
            return
        out.write(f'{head}\n  "findings": [')
        for number, found in enumerate(report.findings):
            out.write(("\n    " if number == 0 else ",\n    ") + indented_record(found))
        out.write(f"\n  ]{tail}\n")
