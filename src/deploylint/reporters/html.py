"""The gap report as one self-contained HTML page (templates/report.html.j2): inline CSS, no
script, no external assets, readable on screen and in print. jinja2's autoescape is on, so
doc content can never become markup; control and bidi characters are shown escaped."""

from __future__ import annotations

from typing import Final

from deploylint.escape import printable
from deploylint.report import Report
from deploylint.reporters import RenderOptions
from deploylint.reporters.gap import gap_report, load_template
from deploylint.verdict import Grade

SIGN: Final = {Grade.MET: "✓", Grade.GAP: "✗", Grade.WAIVED: "!", Grade.NOT_APPLICABLE: "\u2013"}


def slug(value: object) -> str:
    """A CSS class for a verdict, grade or status: ``not authorized`` -> ``not-authorized``."""
    return "-".join(str(value).split())


class HtmlReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        template = load_template(
            "report.html.j2", options, html=True, filters={"text": printable, "slug": slug}
        )
        rendered: str = template.render(gap=gap_report(report), report=report, SIGN=SIGN)
        return rendered
