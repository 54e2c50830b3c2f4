"""Terminal output: per doc a header and a table (severity, file:line:col, rule, the three
columns), then a summary line. Doc content is printed literally: cells are rich Text, never
markup, and control characters are shown escaped instead of reaching the terminal."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any, Final, TextIO

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from deploylint.escape import printable
from deploylint.findings import Finding, Severity
from deploylint.grade import DocResult
from deploylint.report import Report
from deploylint.reporters import RenderOptions, console

WIDE: Final = 110  # below this many columns, six columns can't be read: stack each finding

SEVERITY_STYLE: Final = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def cell(text: str, style: str = "") -> Text:
    """A table cell holding doc-derived text literally (no markup is ever parsed)."""
    return Text(printable(text), style=style)


class TextReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        text = StringIO()
        self.write(report, options, text)
        return text.getvalue()

    def write(self, report: Report, options: RenderOptions, out: TextIO) -> None:
        wide = (options.width or 100) >= WIDE
        printer = console(out, options)
        for renderable in self._renderables(report, options, wide):
            printer.print(renderable)

    def _renderables(self, report: Report, options: RenderOptions, wide: bool) -> Iterator[Any]:
        layout = _table if wide else stacked
        for result in report.files:
            for doc in result.documents:
                if options.quiet and not doc.findings:
                    continue
                yield _header(result.file, doc, len(result.documents))
                yield layout(doc.findings) if doc.findings else Text("  no findings", style="green")
        if not options.quiet:
            yield _summary(report)
        if report.shaped.sentence():  # even with --quiet: a weakened gate is never silent
            yield Text(printable(f"Shaped by: {report.shaped.sentence()}."), style="dim")


def _header(file: str, doc: DocResult, documents: int) -> Text:
    header = Text()
    header.append(printable(file), style="bold")
    if doc.name:
        header.append(" · " + printable(doc.name))
    if documents > 1:
        header.append(f" (document {doc.index} of {documents})", style="dim")
    return header


def _table(findings: tuple[Finding, ...]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Location", no_wrap=True)  # file:line:col stays whole: editors link it
    table.add_column("Rule", no_wrap=True)
    # fold, never ellipsize: a truncated route or key holder is a wrong one
    table.add_column("Gap", ratio=3, overflow="fold")
    table.add_column("Blast radius", ratio=3, overflow="fold")
    table.add_column("Rollback unit", ratio=2, overflow="fold")
    for found in findings:
        row_style = "dim" if found.waived else ""
        table.add_row(
            _severity(found),
            cell(found.location),
            cell(found.rule),
            cell(found.gap),
            cell(found.blast_radius),
            cell(found.rollback_unit),
            style=row_style,
        )
    return table


def _severity(found: Finding) -> Text:
    severity = cell(found.severity.label, SEVERITY_STYLE[found.severity])
    if found.waived:
        severity.append(" waived", style="dim")
    return severity


def stacked(findings: tuple[Finding, ...]) -> RenderableType:
    """One block per finding, for terminals too narrow for the table."""
    blocks: list[RenderableType] = []
    for found in findings:
        heading = Text("  ").append_text(_severity(found))
        heading.append("  ").append_text(cell(found.location)).append("  ")
        heading.append_text(cell(f"{found.rule} {found.title}", "bold"))
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(overflow="fold")
        for label, value in (
            ("gap", found.gap),
            ("blast radius", found.blast_radius),
            ("rollback unit", found.rollback_unit),
        ):
            grid.add_row("  " + label, cell(value))
        blocks += [heading, grid, Text("")]
    return Group(*blocks)


def _summary(report: Report) -> Text:
    findings = report.findings
    counts = ", ".join(f"{n} {label}" for label, n in report.by_severity().items() if n)
    files = f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
    docs = f"{report.documents} document{'s' if report.documents != 1 else ''}"
    active = len(findings) - sum(f.waived for f in findings)
    text = Text(f"{files}, {docs}: {active} finding{'s' if active != 1 else ''}")
    if counts:
        text.append(f" ({counts})")
    waived = sum(f.waived for f in findings)
    if waived:
        text.append(f", {waived} waived as accepted risk")
    if report.left_out:
        text.append(f", {report.left_out} known finding(s) left out (baseline or --diff-base)")
    if report.skipped:
        text.append(f", {report.skipped} YAML document(s) skipped: not deploylint docs")
    if report.fail_on is None:
        return text.append(". Not gating (--fail-on none).")
    verdict = f"{len(report.failing)} at or above {report.fail_on.label}"
    text.append(f". {verdict}: ")
    text.append(
        "FAIL" if report.failing else "PASS", style="bold red" if report.failing else "bold green"
    )
    return text
