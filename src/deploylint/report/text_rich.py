"""The text report on a terminal (rich): a table per doc when the terminal is wide enough,
else a block per finding; severities coloured. Cells are rich Text, never markup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, TextIO

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.table import Table
from rich.text import Text

from deploylint.gate.verdict import Gate, run_gate
from deploylint.report import RenderOptions, console
from deploylint.report.escape import printable
from deploylint.report.findings import Finding, Severity
from deploylint.report.outcome import Report
from deploylint.report.text import (
    DOC_BLAST,
    header,
    listed,
    severity_label,
    summary_line,
    three_columns,
)

WIDE: Final = 110  # below this many columns, six columns can't be read: stack each finding

SEVERITY_STYLE: Final = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
GATE_STYLE: Final = {
    Gate.PASS: "bold green",
    Gate.FAIL: "bold red",
    Gate.INCOMPLETE: "bold red",
    Gate.BASELINE_WRITTEN: "bold",
}


def cell(text: str, style: str = "") -> Text:
    """A table cell holding doc-derived text literally (no markup is ever parsed)."""
    return Text(printable(text), style=style)


def write_rich(report: Report, options: RenderOptions, out: TextIO) -> None:
    printer = console(out, options)
    for renderable in _renderables(report, options, (options.width or 100) >= WIDE):
        printer.print(renderable)


def _renderables(report: Report, options: RenderOptions, wide: bool) -> Iterator[Any]:
    layout = _table if wide else stacked
    for result in listed(report):
        for doc in result.documents:
            if options.quiet and not doc.findings:
                continue
            heading = Text(header(result.file, doc, len(result.documents)), style="bold")
            yield heading
            if doc.findings and doc.blast_radius:  # once per doc, above its findings
                said = Text(DOC_BLAST, style="dim").append_text(cell(doc.blast_radius))
                yield Hanging(said, len(DOC_BLAST))
                yield Text("")
            yield layout(doc.findings) if doc.findings else Text("  no findings", style="green")
    if not options.quiet:
        yield _summary(report)
    if report.shaped.sentence():  # even with --quiet: a weakened gate is never silent
        yield Text(printable(f"Shaped by: {report.shaped.sentence()}."), style="dim")


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
        table.add_row(
            _severity(found),
            cell(found.location),
            cell(found.rule),
            cell(found.gap),
            cell(found.blast_radius),
            cell(found.rollback_unit),
            style="dim" if found.waived else "",
        )
    return table


def _severity(found: Finding) -> Text:
    label = severity_label(found)
    text = cell(found.severity.label, SEVERITY_STYLE[found.severity])
    return text.append(label[len(found.severity.label) :], style="dim")


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
        for label, value in three_columns(found):
            grid.add_row("  " + label, cell(value))
        blocks += [Hanging(heading, 4), grid, Text("")]
    return Group(*blocks)


class Hanging:
    """Text whose lines after the first continue under an indent, as a finding's heading
    does off a terminal: a rule title wrapped on a narrow terminal stays inside its block."""

    def __init__(self, text: Text, indent: int) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = options.max_width
        first, *rest = self.text.wrap(console, width, overflow="fold") or [Text("")]
        yield first
        if rest:
            remainder = self.text[len(first.plain) :]
            remainder = remainder[len(remainder.plain) - len(remainder.plain.lstrip()) :]
            for line in remainder.wrap(console, max(1, width - self.indent), overflow="fold"):
                yield Text(" " * self.indent).append_text(line)


def _summary(report: Report) -> Text:
    line = summary_line(report)
    gate = run_gate(report)
    if line.endswith(gate.value) and gate in GATE_STYLE:
        head = line[: -len(gate.value)]
        return Text(head).append(gate.value, style=GATE_STYLE[gate])
    return Text(line)
