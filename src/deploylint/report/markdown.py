"""The gap report as GitHub-flavoured Markdown (templates/report.md.j2), safe to post as a PR
comment: every doc-derived string is escaped, and the whole comment stays under GitHub's
65,536-character limit, cut with a note when it must be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from deploylint.fleet.map import as_markdown
from deploylint.gate.verdict import Grade, Verdict
from deploylint.report import RenderOptions
from deploylint.report.escape import markdown
from deploylint.report.gap import FULL_REPORT, GapReport, gap_report, load_template
from deploylint.report.outcome import Report

# GitHub refuses a comment body over 65,536 characters; counted here in UTF-16 code units,
# the stricter of the two ways to count, so it fits however GitHub counts.
LIMIT: Final = 65_536

VERDICT: Final = {
    Verdict.AUTHORIZED: "✅ authorized",
    Verdict.ACCEPTED_RISK: "⚠️ authorized with accepted risk",
    Verdict.NOT_AUTHORIZED: "❌ not authorized",
    Verdict.INCOMPLETE: "🛑 incomplete: not everything was graded",
}
SIGN: Final = {Grade.MET: "✅", Grade.GAP: "❌", Grade.WAIVED: "⚠️", Grade.NOT_APPLICABLE: "⚪"}
CUT_NOTE: Final = (
    "\n\n> [!WARNING]\n> **Truncated** here to stay under GitHub's 65,536-character comment "
    f"limit — see the full report: `{FULL_REPORT}`\n"
)


def size(text: str) -> int:
    """Length in UTF-16 code units (never less than the count of code points)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class MarkdownReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        template = load_template(
            "report.md.j2",
            options,
            html=False,
            filters={"md": markdown, "verdict": VERDICT.__getitem__, "sign": SIGN.__getitem__},
        )

        def render(gap: GapReport) -> str:
            text: str = template.render(gap=gap, report=report, fleet_markdown=as_markdown)
            return text

        return fit(report, render)


def fit(report: Report, render: Callable[[GapReport], str]) -> str:
    """The whole report when it fits. Else, in turn: without the rule lists per area (the grade
    matrix stays); with only the most severe findings that fit; with fewer doc sections; cut
    at a line. A cut report says what was cut, at the top."""
    for area_detail in (True, False):
        text = render(gap_report(report, area_detail=area_detail))
        if size(text) <= LIMIT:
            return text
    fewer_findings = _largest(
        lambda n: render(gap_report(report, area_detail=False, findings=n)), len(report.findings)
    )
    if fewer_findings is not None:
        return fewer_findings
    fewer_sections = _largest(
        lambda n: render(gap_report(report, area_detail=False, findings=0, detailed=n)),
        report.documents,
    )
    if fewer_sections is not None:
        return fewer_sections
    return _cut(render(gap_report(report, area_detail=False, findings=0, detailed=0)))


def _largest(render: Callable[[int], str], high: int) -> str | None:
    """The render of the largest n below ``high`` that fits, by bisection (size grows with n)."""
    best, low = None, 0
    while low < high:
        middle = (low + high) // 2
        text = render(middle)
        if size(text) <= LIMIT:
            best, low = text, middle + 1
        else:
            high = middle
    return best


def _cut(text: str) -> str:
    """The last resort (thousands of docs): whole lines up to the limit, and the note."""
    room = LIMIT - size(CUT_NOTE)
    end = len(text)
    while size(text[:end]) > room:
        end = max(text.rfind("\n", 0, min(end, room)), 0)
    return text[:end] + CUT_NOTE
