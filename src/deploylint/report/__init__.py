"""Report: a run's findings, rendered.

Takes the ``Report`` (``outcome``: every file's findings, the fleet map, errors, what
shaped the run, the exit code) and the render options; gives text, JSON, SARIF, Markdown,
HTML, JUnit or GitHub annotations, with doc content escaped for each (``escape``). Here:
the one registry of reporters, name -> class, from which the CLI's --format choices come.
Classes are named by import path so that a run imports only the reporter it uses (rich
for ``text``, nothing heavy for ``json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TextIO

if TYPE_CHECKING:
    from deploylint.report.outcome import Report

REPORTERS: Final[dict[str, str]] = {
    "text": "deploylint.report.text:TextReporter",
    "json": "deploylint.report.json_report:JsonReporter",
    "markdown": "deploylint.report.markdown:MarkdownReporter",
    "html": "deploylint.report.html:HtmlReporter",
    "sarif": "deploylint.report.sarif:SarifReporter",
    "github": "deploylint.report.github:GithubReporter",
    "junit": "deploylint.report.junit:JunitReporter",
}


# How each format writes text the Actions runner would read as a workflow command
# (escape.workflow_inert): JSON and SARIF escape it, XML and HTML as character references.
INERT_KIND: Final[dict[str, str]] = {
    "text": "text",
    "json": "json",
    "sarif": "json",
    "markdown": "markdown",
    "html": "xml",
    "junit": "xml",
    "github": "github",
}


ColorSystem = Literal["auto", "standard", "256", "truecolor", "windows"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the output will be shown; terminal fields come from rich's own detection."""

    quiet: bool = False
    terminal: bool = False
    color_system: ColorSystem | None = None
    width: int | None = None
    template: Path | None = None  # --template: a jinja2 file replacing a report's own


def console(stream: TextIO, options: RenderOptions) -> Any:
    """A rich console on ``stream`` for the terminal the options describe (never markup)."""
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=options.terminal,
        color_system=options.color_system,
        width=options.width or 100,
        markup=False,
        highlight=False,
        emoji=False,
    )


def render_rich(renderables: Iterable[Any], options: RenderOptions) -> str:
    """Print rich renderables into a string, for the terminal the options describe."""
    console_ = console(StringIO(), options)
    for renderable in renderables:
        console_.print(renderable)
    output: str = console_.file.getvalue()
    return output


class ReportError(Exception):
    """A report that can't be rendered (a --template that fails): one line, exit 2."""


class Reporter(Protocol):
    def render(self, report: Report, options: RenderOptions) -> str: ...


def write_report(chosen: Reporter, report: Report, options: RenderOptions, out: TextIO) -> None:
    """Write the report to ``out``: piece by piece where the reporter can (text and JSON, the
    formats large runs use), so 10,000 docs' report is never held whole; else rendered."""
    stream = getattr(chosen, "write", None)
    if stream is not None:
        stream(report, options, out)
    else:
        out.write(chosen.render(report, options))


def reporter(name: str) -> Reporter:
    """Instantiate the reporter registered as ``name``."""
    module, _, cls = REPORTERS[name].partition(":")
    built: Reporter = getattr(import_module(module), cls)()
    return built
