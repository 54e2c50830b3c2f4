"""`deploylint diff` output: text for people, JSON for scripts, GitHub annotations at each
change's line, and Markdown for a pull-request comment or a job summary (:mod:`.markdown`).
Everything from a doc is escaped for the format it lands in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Final

from deploylint.authority.diff import DiffReport
from deploylint.authority.markdown import as_markdown
from deploylint.authority.rules import NARROWED, NEUTRAL, WIDENED, Direction
from deploylint.load.keypath import format_path
from deploylint.report import RenderOptions
from deploylint.report.escape import json_text, printable, workflow_command, workflow_data

_COLOUR: Final = {WIDENED: "\x1b[1;31m", NARROWED: "\x1b[32m", NEUTRAL: "\x1b[2m"}
_ANNOTATION: Final = {WIDENED: "warning", NARROWED: "notice", NEUTRAL: "notice"}


def counts(report: DiffReport) -> str:
    return ", ".join(f"{report.count(d)} {d.value}" for d in Direction)


def verdict(report: DiffReport) -> str:
    """The last line's end: whether the gate holds, when there is one."""
    if report.errors:
        return ": INCOMPLETE"
    if not report.gating:
        return ""
    return ": FAIL" if report.count(WIDENED) else ": PASS"


def _one_line(text: str) -> str:
    return printable(" ".join(text.split()))


def as_text(report: DiffReport, options: RenderOptions) -> str:
    """A heading per doc, a line per change: direction, file:line:col, summary, [kind path]."""
    colour = options.terminal and options.color_system is not None

    def painted(direction: Direction) -> str:
        word = f"{direction.value:<9}"
        return f"{_COLOUR[direction]}{word}\x1b[0m" if colour else word

    lines: list[str] = []
    for (file, doc), changes in groupby(report.changes, lambda c: (c.file, c.doc)):
        lines.append(f"{_one_line(file)} · {_one_line(doc)}")
        lines += [
            f"  {painted(c.direction)} {_one_line(c.file)}:{c.line}:{c.column}  "
            f"{_one_line(c.summary)}  [{c.kind} {_one_line(format_path(c.path))}]"
            for c in changes
        ]
    if not report.changes:
        lines.append("no change in any agent's authority")
    lines.append(f"against {_one_line(report.against)}: {counts(report)}{verdict(report)}")
    return "\n".join(lines) + "\n"


def as_json(report: DiffReport, options: RenderOptions) -> str:
    """The issue's shape: base, changes (file, doc, agent, kind, direction, path, before,
    after, summary) and the count of each direction."""
    shape = {
        "base": {"ref": report.named, "commit": report.commit, "merge_base": report.merge_base},
        "changes": [change.record() for change in report.changes],
        "summary": {d.value: report.count(d) for d in Direction},
    }
    return json_text(json.dumps(shape, indent=2, ensure_ascii=False)) + "\n"


def _annotations(report: DiffReport) -> Iterator[str]:
    for change in report.changes:
        properties = {
            "file": printable(change.file),
            "line": str(change.line),
            "col": str(change.column),
            "title": f"deploylint diff: {change.direction.value} ({change.kind})",
        }
        message = f"{_one_line(change.summary)} ({_one_line(format_path(change.path))})"
        yield workflow_command(_ANNOTATION[change.direction], properties, message)
    for error in report.errors:
        yield f"::error title=deploylint diff::{workflow_data(_one_line(error))}"


def as_github(report: DiffReport, options: RenderOptions) -> str:
    """An annotation at each change's line (widened: a warning), then the count."""
    lines = [
        *_annotations(report),
        f"deploylint diff against {_one_line(report.against)}: {counts(report)}{verdict(report)}",
    ]
    return "\n".join(lines) + "\n"


RENDERERS: Final[dict[str, Callable[[DiffReport, RenderOptions], str]]] = {
    "text": as_text,
    "json": as_json,
    "markdown": as_markdown,
    "github": as_github,
}
