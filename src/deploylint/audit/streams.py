"""How `deploylint audit` writes its findings, one writer per format. Text, JSON and GitHub
annotations are written as findings are found (any number of rows, constant memory); SARIF,
one JSON document with its rule table, holds the findings until the end."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Protocol, TextIO

from deploylint import __version__
from deploylint.report import RenderOptions, console
from deploylint.report.escape import json_text
from deploylint.report.findings import Finding
from deploylint.report.json_report import FORMAT_VERSION, finding_record, indented
from deploylint.rubric.model import Rubric


class RowStream(Protocol):
    def write(self, found: Finding) -> None: ...
    def close(self, summary: dict[str, Any]) -> None: ...


def summary_line(summary: dict[str, Any]) -> str:
    """Rows, findings by severity, then the gate's verdict (as `check`'s summary ends)."""
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    rows, found = summary["rows"], summary["findings"]
    line = f"{rows} row{'' if rows == 1 else 's'}: {found} finding{'' if found == 1 else 's'}"
    line += f" ({counts})" if counts else ""
    if summary["fail_on"] != "none":
        gate = "FAIL" if summary["failing"] else "PASS"
        line += f". {summary['failing']} at or above {summary['fail_on']}: {gate}"
    return line


class _JsonStream:
    """One JSON object, written as findings arrive: header, findings array, summary."""

    def __init__(self, out: TextIO, file: str) -> None:
        self.out, self.first = out, True
        head = {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "deploylint", "version": __version__},
        }
        out.write(
            json.dumps(head, indent=2)[:-2] + f',\n  "file": {json.dumps(file)},\n  "findings": ['
        )

    def write(self, found: Finding) -> None:
        record = json_text(indented(finding_record(found), "    "))
        self.out.write(("\n    " if self.first else ",\n    ") + record)
        self.first = False

    def close(self, summary: dict[str, Any]) -> None:
        body = json.dumps(summary, indent=2).replace("\n", "\n  ")
        self.out.write(("\n  " if not self.first else "") + f'],\n  "summary": {body}\n}}\n')


class _TextStream:
    """A block per finding (location, rule, the three columns), then a summary line: rich on
    a terminal, plain blocks (no token split across lines) anywhere else."""

    def __init__(self, out: TextIO, render: RenderOptions) -> None:
        self.out, self.render = out, render
        self.console = console(out, render) if render.terminal else None

    def write(self, found: Finding) -> None:
        if self.console is not None:
            from deploylint.report.text_rich import stacked

            self.console.print(stacked((found,)))
            return
        from deploylint.report.text import PLAIN_WIDTH, plain_block

        width = self.render.width or PLAIN_WIDTH
        self.out.write("".join(line + "\n" for line in plain_block(found, width)))

    def close(self, summary: dict[str, Any]) -> None:
        line = summary_line(summary)
        gate = "FAIL" if summary["failing"] else "PASS"
        if self.console is None:
            self.out.write(line + "\n")
            return
        from rich.text import Text

        styled = Text(line)
        if line.endswith(gate):
            styled.stylize("bold red" if gate == "FAIL" else "bold green", len(line) - len(gate))
        self.console.print(styled)


class _GithubStream:
    """An annotation per finding, on the audit file's line and column, then the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, found: Finding) -> None:
        from deploylint.report.github import annotation

        self.out.write(annotation(found) + "\n")

    def close(self, summary: dict[str, Any]) -> None:
        self.out.write(f"deploylint: {summary_line(summary)}\n")


class _SarifStream:
    """SARIF 2.1.0 as `check` writes it: the audit-row rules as the rule table, a result per
    finding (held until the end: SARIF is one document)."""

    def __init__(self, out: TextIO, file: str, rubric: Rubric) -> None:
        self.out, self.file, self.rubric = out, file, rubric
        self.found: list[Finding] = []

    def write(self, found: Finding) -> None:
        self.found.append(found)

    def close(self, summary: dict[str, Any]) -> None:
        from dataclasses import replace

        from deploylint.report.outcome import Report
        from deploylint.report.sarif import SarifReporter
        from deploylint.rubric.grade import DocResult, FileResult

        rules = {key: r for key, r in self.rubric.rules.items() if r.area == "audit_rows"}
        rows = FileResult(self.file, (DocResult(1, None, True, tuple(self.found)),))
        run = Report((rows,), (), None, date.today(), rubric=replace(self.rubric, rules=rules))
        self.out.write(SarifReporter().render(run, RenderOptions()))


def stream_for(
    chosen: str, out: TextIO, file: str, render: RenderOptions, rubric: Rubric
) -> RowStream:
    """The writer for format ``chosen``."""
    if chosen == "json":
        return _JsonStream(out, file)
    if chosen == "github":
        return _GithubStream(out)
    if chosen == "sarif":
        return _SarifStream(out, file, rubric)
    return _TextStream(out, render)
