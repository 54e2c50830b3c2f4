"""JSON output: one stable object per run (fields documented in the README)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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


def write_indented(
    value: Any, out: TextIO, pad: str = "", *, depth: int, clean: Callable[[str], str] = str
) -> None:
    """``indented(value, pad)`` written a piece at a time: containers down to ``depth``
    levels a key or an element at a time (an iterator as a list), what is below them
    rendered whole, each piece through ``clean``: a 10,000-doc report is never held whole
    (built up level by level, it was most of a large run's peak memory)."""
    if depth <= 0 or not isinstance(value, dict | list | tuple | Iterator):
        plain = list(value) if isinstance(value, Iterator) else value
        out.write(clean(indented(plain, pad)))
        return
    inner = pad + "  "
    opened = False
    if isinstance(value, dict):
        for key, item in value.items():
            name = _key(key if isinstance(key, str) else _scalar(key))
            out.write(("{\n" if not opened else ",\n") + inner + clean(name))
            write_indented(item, out, inner, depth=depth - 1, clean=clean)
            opened = True
        out.write("\n" + pad + "}" if opened else "{}")
        return
    for item in value:
        out.write(("[\n" if not opened else ",\n") + inner)
        write_indented(item, out, inner, depth=depth - 1, clean=clean)
        opened = True
    out.write("\n" + pad + "]" if opened else "[]")


class JsonReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        text = StringIO()
        self.write(report, options, text)
        return text.getvalue()

    def write(self, report: Report, options: RenderOptions, out: TextIO) -> None:
        """The same text as ``json.dumps(report_record(report), indent=2)``, written a
        finding, a file and a fleet row at a time."""
        record = report_record(report, with_findings=False)
        record["findings"] = (finding_record(found) for found in report.findings)
        write_indented(record, out, depth=2)
        out.write("\n")
