"""`deploylint diff --format markdown`: a pull-request comment (or a job summary).

A hidden marker opens it, so a workflow can find its own comment and update it in place; a
headline says what widened, in a reviewer's words; then a table per agent (and one for the
doc's own controls). It always fits GitHub's 65,536-character comment: past it, neutral
changes go first, then narrowed ones, and the comment says how many were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Final

from deploylint.authority.compare import Change
from deploylint.authority.rules import NARROWED, NEUTRAL, WIDENED, Direction
from deploylint.load.keypath import format_path
from deploylint.report import RenderOptions
from deploylint.report.escape import markdown

if TYPE_CHECKING:
    from deploylint.authority.diff import DiffReport

MARKER: Final = "<!-- deploylint:diff -->"
LIMIT: Final = 65_536 - 1_024  # GitHub's comment limit, with room for a workflow's footer
_SHOWN: Final = {WIDENED: "**widened**", NARROWED: "narrowed", NEUTRAL: "neutral"}
_PRIORITY: Final = {WIDENED: 0, NARROWED: 1, NEUTRAL: 2}
_HEADLINE: Final = 3  # widened changes named in the headline


def _headline(report: DiffReport) -> str:
    widened = [c.summary for c in report.changes if c.direction == WIDENED]
    if widened:
        named = "; ".join(markdown(text) for text in widened[:_HEADLINE])
        more = f"; and {len(widened) - _HEADLINE} more" if len(widened) > _HEADLINE else ""
        return f"**{len(widened)} widened:** {named}{more}"
    if report.changes:
        return "**Nothing widened.**"
    return "**No change in any agent's authority.**"


def _counts(report: DiffReport) -> str:
    found = " · ".join(f"{report.count(d)} {d.value}" for d in Direction)
    return f"{found}, against {markdown(report.against)}."


def _row(change: Change) -> str:
    where = f"line {change.line} · {format_path(change.path)}"  # the file is the heading's
    cells = (
        _SHOWN[change.direction],
        markdown(change.summary),
        f"`{change.kind}`",
        markdown(where),
        _value(change.before),
        _value(change.after),
    )
    return "| " + " | ".join(cells) + " |"


def _value(value: object) -> str:
    return (
        "—"
        if value is None
        else markdown(str(value).lower() if isinstance(value, bool) else str(value))
    )


def _tables(changes: Sequence[Change]) -> list[str]:
    lines: list[str] = []
    for (file, doc, agent), rows in groupby(changes, lambda c: (c.file, c.doc, c.agent)):
        who = markdown(agent) if agent else "the doc's own controls"
        lines += [
            "",
            f"#### {who} · {markdown(file)} ({markdown(doc)})",
            "",
            "| | change | kind | where | before | after |",
            "|---|---|---|---|---|---|",
            *(_row(change) for change in rows),
        ]
    return lines


def _render(report: DiffReport, shown: Sequence[Change], left_out: int) -> str:
    lines = [
        MARKER,
        "### deploylint diff: what this change does to agents' authority",
        "",
        _headline(report),
        "",
        _counts(report),
    ]
    if report.errors:
        lines += [
            "",
            f"**Incomplete:** {len(report.errors)} file(s) could not be read: "
            + "; ".join(markdown(e) for e in report.errors[:5]),
        ]
    lines += _tables(shown)
    if left_out:
        lines += [
            "",
            f"{left_out} change(s) left out to fit a comment (neutral first, then "
            "narrowed): run `deploylint diff` to see them all.",
        ]
    return "\n".join(lines) + "\n"


def as_markdown(report: DiffReport, options: RenderOptions) -> str:
    """The comment, cut to fit GitHub's limit when it must be."""
    whole = _render(report, report.changes, 0)
    if len(whole) <= LIMIT:
        return whole
    ranked = sorted(report.changes, key=lambda c: _PRIORITY[c.direction])
    low, high = 0, len(ranked)
    while low < high:  # the most changes that fit, the most telling first
        middle = (low + high + 1) // 2
        kept = set(map(id, ranked[:middle]))
        fits = len(_render(report, [c for c in report.changes if id(c) in kept], 1)) <= LIMIT
        low, high = (middle, high) if fits else (low, middle - 1)
    kept = set(map(id, ranked[:low]))
    return _render(report, [c for c in report.changes if id(c) in kept], len(ranked) - low)
