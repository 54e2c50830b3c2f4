"""The command line: parse arguments, call the command, exit with its code. Nothing else."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Final, TextIO, cast

import typer

from deploylint import __version__
from deploylint.findings import Severity
from deploylint.reporters import REPORTERS, ColorSystem, RenderOptions

EXIT_CODES: Final = (
    "Exit codes: 0 = nothing at or above --fail-on (waived findings never count); "
    "1 = at least one finding at or above --fail-on; "
    "2 = usage, configuration or internal error, or a path that could not be read."
)

if TYPE_CHECKING:  # typer needs enums for choices; to mypy they are the strings they carry
    Format = str
    FailOn = str
else:
    Format = StrEnum("Format", [(name, name) for name in REPORTERS])
    FailOn = StrEnum("FailOn", [s.label for s in sorted(Severity, reverse=True)] + ["none"])


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


app = typer.Typer(
    name="deploylint",
    help=(
        "Lint AI-agent deployment authorization docs. Every finding names the gap, "
        "its blast radius and the rollback unit.\n\n" + EXIT_CODES
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deploylint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Lint AI-agent deployment authorization docs."""


def _render_options(stream: TextIO, quiet: bool) -> RenderOptions:
    """Terminal, colour and width as rich detects them (NO_COLOR, FORCE_COLOR, a pipe)."""
    from rich.console import Console

    console = Console(file=stream)
    width = console.width if console.is_terminal or "COLUMNS" in os.environ else 120
    system = None if console.no_color else cast("ColorSystem | None", console.color_system)
    return RenderOptions(
        quiet=quiet, terminal=console.is_terminal, color_system=system, width=width
    )


@app.command(epilog=EXIT_CODES)
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files, folders (searched for *.yaml and *.yml, hidden folders skipped) or - "
            "for standard input. Default: the current folder.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.")
    ] = "text",
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when an unwaived finding is at or above this severity; none never fails.",
        ),
    ] = "high",
    today: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Grade dates (test age, waiver expiry) as of this day. Default: today.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only docs with findings, and no summary.")
    ] = False,
) -> None:
    """Grade deployment docs against the rubric and report every gap."""
    from deploylint.run import Options, run

    chosen = str(output_format.value if hasattr(output_format, "value") else output_format)
    threshold = str(fail_on.value if hasattr(fail_on, "value") else fail_on)
    options = Options(
        paths=tuple(paths or ["."]),
        today=today.date() if today else date.today(),
        format=chosen,
        fail_on=None if threshold == "none" else Severity.parse(threshold),
        render=_render_options(sys.stdout, quiet)
        if chosen == "text"
        else RenderOptions(quiet=quiet),
    )
    try:
        code = run(options, out=sys.stdout, err=sys.stderr)
    except KeyboardInterrupt:
        sys.stderr.write("deploylint: interrupted\n")
        code = 130
    raise typer.Exit(code)


class FleetFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(
    epilog="Exit codes: 0 = the map was shown; 2 = usage error or a path that could not be read."
)
def fleet(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or folders, as for check. Default: the current folder.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        FleetFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FleetFormat.text,
) -> None:
    """Show the fleet map: each resource, who writes it (from which doc), locks and holders.

    `check` on the same paths reports the collisions as findings; this is the picture.
    """
    from deploylint.run import Options, run_fleet

    chosen = output_format.value
    render = _render_options(sys.stdout, quiet=False) if chosen == "text" else RenderOptions()
    options = Options(paths=tuple(paths or ["."]), today=date.today(), format=chosen, render=render)
    raise typer.Exit(run_fleet(options, out=sys.stdout, err=sys.stderr))


class AuditFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_CODES)
def audit(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="Audit rows: JSON Lines (streamed, any size), a JSON array, or - (stdin).",
        ),
    ],
    doc: Annotated[
        str | None,
        typer.Option(
            "--doc",
            metavar="DOC",
            help="A deployment doc: its audit.columns are required and its agent ids can't hold "
            "rollback keys. Default: the brief's columns, and agent-like names.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        AuditFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AuditFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding is at or above this severity; none never fails.",
        ),
    ] = "high",
) -> None:
    """Check real audit rows: contaminated evidence, hostage notes, agent-held keys, booleans."""
    from deploylint.audit.run import AuditOptions, run_audit
    from deploylint.rubric.load import RubricError, load_default

    try:
        rubric = load_default()
    except RubricError as error:
        sys.stderr.write(f"deploylint: error: {error}\n")
        raise typer.Exit(2) from None
    chosen = output_format.value
    threshold = str(fail_on.value if hasattr(fail_on, "value") else fail_on)
    options = AuditOptions(
        file=file,
        doc=doc,
        format=chosen,
        fail_on=None if threshold == "none" else Severity.parse(threshold),
        render=_render_options(sys.stdout, quiet=False) if chosen == "text" else RenderOptions(),
    )
    raise typer.Exit(run_audit(options, rubric, out=sys.stdout, err=sys.stderr))


@app.command()
def rules(
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RulesFormat.text,
) -> None:
    """List every rule: id, severity, area and title."""
    from deploylint.rubric.load import load_default

    rubric = load_default()
    if output_format is not RulesFormat.text:
        from deploylint.catalog import rules_json, rules_markdown

        render = rules_json if output_format is RulesFormat.json else rules_markdown
        sys.stdout.write(render(rubric))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Rule", "Severity", "Area", "Title", box=None, pad_edge=False)
    for rule in rubric.rules.values():
        table.add_row(rule.id, rule.severity.label, rule.area, rule.title)
    Console(markup=False, highlight=False).print(table)


@app.command(epilog="Exit code 2 when the rule id is unknown.")
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="A rule id, e.g. KS001.")],
    today: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Grade the examples as of this day.", show_default=False
        ),
    ] = None,
) -> None:
    """Explain one rule: why it matters, what triggers it, the three columns, how to fix it."""
    from deploylint.catalog import UnknownRule, explain, find_rule
    from deploylint.rubric.load import load_default

    rubric = load_default()
    try:
        rule = find_rule(rubric, rule_id)
    except UnknownRule as error:
        sys.stderr.write(f"deploylint: error: {error}\n")
        raise typer.Exit(2) from None
    sys.stdout.write(explain(rubric, rule, today.date() if today else date.today()))


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    try:
        app(prog_name="deploylint")
    except Exception as error:
        if os.environ.get("DEPLOYLINT_DEBUG"):
            raise
        sys.stderr.write(f"deploylint: internal error: {type(error).__name__}: {error}\n")
        sys.exit(2)
