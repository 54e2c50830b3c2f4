"""The text report. On a terminal, rich: a table per doc when it is wide enough, else a block
per finding. Anywhere else (CI logs, pre-commit, a pipe, a file): plain blocks, wrapped only
at spaces, so no token (a key path, a route, a file:line:col) is ever split across lines, and
rich isn't imported at all. Doc content is printed literally, control characters escaped."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from io import StringIO
from typing import Final, TextIO

from deploylint.gate.verdict import gate_sentence
from deploylint.report import RenderOptions
from deploylint.report.escape import printable
from deploylint.report.findings import Finding
from deploylint.report.outcome import Report
from deploylint.rubric.grade import DocResult, FileResult

PLAIN_WIDTH: Final = 100  # off a terminal, unless COLUMNS says otherwise
MIN_WIDTH: Final = 40
COLUMNS: Final = ("gap", "blast radius", "rollback unit")
LABEL: Final = max(len(label) for label in COLUMNS) + 2
INDENT: Final = "    "


class TextReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        text = StringIO()
        self.write(report, options, text)
        return text.getvalue()

    def write(self, report: Report, options: RenderOptions, out: TextIO) -> None:
        if options.terminal:
            from deploylint.report.text_rich import write_rich

            write_rich(report, options, out)
            return
        width = max(MIN_WIDTH, options.width or PLAIN_WIDTH)
        for result in listed(report):
            for doc in result.documents:
                if options.quiet and not doc.findings:
                    continue
                out.write(header(result.file, doc, len(result.documents)) + "\n")
                out.write("".join(line + "\n" for line in doc_blast(doc, width)))
                if not doc.findings:
                    out.write("  no findings\n")
                for found in doc.findings:
                    out.write("".join(line + "\n" for line in plain_block(found, width)))
        if not options.quiet:
            out.write(summary_line(report) + "\n")
        if report.shaped.sentence():  # even with --quiet: a weakened gate is never silent
            out.write(printable(f"Shaped by: {report.shaped.sentence()}.") + "\n")


def listed(report: Report) -> tuple[FileResult, ...]:
    """The files whose findings the text report lists: none when the run wrote a baseline
    (they are in it; the summary says how many)."""
    return report.files if report.baseline_written is None else ()


def header(file: str, doc: DocResult, documents: int) -> str:
    """The doc's heading: its file, its name, and which document of the file."""
    text = printable(file) + (" · " + printable(doc.name) if doc.name else "")
    return text + (f" (document {doc.index} of {documents})" if documents > 1 else "")


DOC_BLAST: Final = "  blast radius  "  # the doc's, once, above its findings


def doc_blast(doc: DocResult, width: int) -> list[str]:
    """The doc's whole blast radius, once, above its findings (each of which names only
    what its own gap exposes); nothing for a doc without findings."""
    if not doc.findings or not doc.blast_radius:
        return []
    text = printable(doc.blast_radius)
    return [*wrapped(DOC_BLAST, text, width, " " * len(DOC_BLAST)), ""]


def three_columns(found: Finding) -> tuple[tuple[str, str], ...]:
    """The finding's gap, blast radius and rollback unit, each with its label."""
    values = (found.gap, found.blast_radius, found.rollback_unit)
    return tuple(zip(COLUMNS, values, strict=True))


def severity_label(found: Finding) -> str:
    return found.severity.label + (" waived" if found.waived else "")


def plain_block(found: Finding, width: int) -> Iterator[str]:
    """One finding: a heading line, then the three columns, wrapped at spaces only."""
    heading = f"  {severity_label(found)}  {printable(found.location)}  "
    yield from wrapped(heading, printable(f"{found.rule} {found.title}"), width, INDENT)
    for label, value in three_columns(found):
        yield from wrapped(
            f"{INDENT}{label:<{LABEL}}", printable(value), width, " " * (len(INDENT) + LABEL)
        )
    yield ""


def wrapped(first: str, text: str, width: int, indent: str) -> list[str]:
    # break_long_words and break_on_hyphens off: a line may run long, a token never splits
    lines = textwrap.wrap(
        text,
        width=max(width, len(first) + 20),
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [first.rstrip()]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def findings_phrase(report: Report) -> str:
    """Every finding, waived ones included (as JSON's `summary.findings` counts them): the
    open ones by severity, then the waived, so the parts add up to the whole."""
    findings = report.findings
    waived = sum(f.waived for f in findings)
    parts = [f"{n} {label}" for label, n in report.by_severity().items() if n]
    parts += [f"{waived} waived as accepted risk"] if waived else []
    return _plural(len(findings), "finding") + (f" ({', '.join(parts)})" if parts else "")


def summary_line(report: Report) -> str:
    """Files, docs, findings by severity, what was left out, then the gate's verdict."""
    files = _plural(len(report.files), "file")
    text = f"{files}, {_plural(report.documents, 'document')}: {findings_phrase(report)}"
    if report.left_out:
        text += f", {report.left_out} known finding(s) left out (baseline or --diff-base)"
    if report.skipped:
        text += f", {report.skipped} YAML document(s) skipped: not deploylint docs"
    return f"{text}. {gate_sentence(report)}"
