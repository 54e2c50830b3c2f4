"""GitHub Actions workflow commands: one annotation per unwaived finding, on its file, line and
column, then a plain summary line. Chosen by default when GITHUB_ACTIONS=true."""

from __future__ import annotations

from typing import Final

from deploylint.report import RenderOptions
from deploylint.report.escape import printable, workflow_command, workflow_data
from deploylint.report.findings import Finding, Severity
from deploylint.report.gap import gate, summary
from deploylint.report.outcome import Report

COMMAND: Final = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _line(text: str) -> str:
    """Doc text on one line, controls shown as escapes (nothing for the runner to act on)."""
    return printable(" ".join(text.split()))


def annotation(found: Finding) -> str:
    """``::error file=…,line=…,col=…,title=…::message``, every part escaped as GitHub requires."""
    properties = {
        "file": printable(found.file),
        "line": str(found.line),
        "col": str(found.column),
        "title": f"{found.rule} {_line(found.title)} ({found.severity.label})",
    }
    message = "\n".join(
        [
            _line(found.gap),
            f"Blast radius: {_line(found.blast_radius)}",
            f"Rollback unit: {_line(found.rollback_unit)}",
            f"Fix: {_line(found.remediation)}",
        ]
    )
    return workflow_command(COMMAND[found.severity], properties, message)


class GithubReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        lines = [annotation(f) for f in report.findings if not f.waived]
        lines += [
            f"::error title=deploylint::{workflow_data(_line(error))}" for error in report.errors
        ]
        if not options.quiet:
            lines.append(f"deploylint: {summary(report)} {gate(report)}")
        return "".join(line + "\n" for line in lines)
