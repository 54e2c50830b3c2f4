"""The gap report as one self-contained HTML page (templates/report.html.j2): inline CSS, no
script, no external assets, readable on screen and in print. jinja2's autoescape is on, so
doc content can never become markup; control and bidi characters are shown escaped."""

from __future__ import annotations

import re
from itertools import cycle
from typing import Final

from markupsafe import Markup, escape

from deploylint.gate.verdict import Grade
from deploylint.report import RenderOptions
from deploylint.report.escape import printable
from deploylint.report.gap import gap_report, load_template
from deploylint.report.outcome import Report

_CODE_SPAN: Final = re.compile(r"`([^`\n]+)`")
SIGN: Final = {Grade.MET: "✓", Grade.GAP: "✗", Grade.WAIVED: "!", Grade.NOT_APPLICABLE: "\u2013"}


def code_spans(value: str) -> Markup:
    """Text with Markdown code spans (`x`) as <code>x</code>; everything escaped."""
    parts = _CODE_SPAN.split(printable(value))  # odd positions: inside backticks
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if odd else escape(part)
        for odd, part in zip(cycle((False, True)), parts, strict=False)
    )


def slug(value: object) -> str:
    """A CSS class for a verdict, grade or status: ``not authorized`` -> ``not-authorized``."""
    return "-".join(str(value).split())


class HtmlReporter:
    def render(self, report: Report, options: RenderOptions) -> str:
        template = load_template(
            "report.html.j2",
            options,
            html=True,
            filters={"text": printable, "slug": slug, "code_spans": code_spans},
        )
        rendered: str = template.render(gap=gap_report(report), report=report, SIGN=SIGN)
        return rendered
