"""The command line: parse arguments, call the command, exit with its code. Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, TextIO, cast

import typer

from deploylint import __version__
from deploylint.findings import Severity
from deploylint.reporters import REPORTERS, ColorSystem, RenderOptions

if TYPE_CHECKING:
    from deploylint.config import Config
    from deploylint.rubric.model import Rubric

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


class ViewFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class RowsFormat(StrEnum):
    text = "text"
    json = "json"


Paths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[PATH]...",
        help="Files, folders (searched for *.yaml and *.yml, hidden folders skipped) or - "
        "for standard input. Default: the current folder.",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Exit 1 when an unwaived finding is at or above this severity; none never fails.",
    ),
]
Today = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        help="Grade dates (test age, waiver expiry) as of this day. Default: today.",
        show_default=False,
    ),
]

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="A config file (.deploylint.yaml or pyproject.toml). Default: the nearest one "
        "from here up to the repository root.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of stdout.", show_default=False
    ),
]
NoConfigOption = Annotated[bool, typer.Option("--no-config", help="Ignore config files.")]
RubricOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rubric",
        help="An extra rubric folder or area file, added to the default (repeatable).",
        show_default=False,
    ),
]
RubricOnlyOption = Annotated[
    bool,
    typer.Option(
        "--rubric-only",
        help="Use only the --rubric rules (and deploylint's own), not the default rubric.",
    ),
]

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


def _value(choice: Any) -> str:
    """An enum choice's value (typer may also hand over the default as a plain string)."""
    return str(choice.value if hasattr(choice, "value") else choice)


def _threshold(choice: Any) -> Severity | None:
    value = _value(choice)
    return None if value == "none" else Severity.parse(value)


def _day(today: datetime | None) -> date:
    return today.date() if today else date.today()


def _render(chosen: str, *, quiet: bool = False, to_file: bool = False) -> RenderOptions:
    """Terminal, colour and width as rich detects them (NO_COLOR, FORCE_COLOR, a pipe)."""
    if chosen != "text" or to_file:
        return RenderOptions(quiet=quiet, width=120 if to_file else None)
    from rich.console import Console

    console = Console(file=sys.stdout)
    width = console.width if console.is_terminal or "COLUMNS" in os.environ else 120
    system = None if console.no_color else cast("ColorSystem | None", console.color_system)
    return RenderOptions(
        quiet=quiet, terminal=console.is_terminal, color_system=system, width=width
    )


def _rubric(
    config: Path | None = None,
    no_config: bool = False,
    extra: list[Path] | None = None,
    only: bool = False,
) -> Rubric:
    """The rubric a command uses: the default, the config's and --rubric's rules, customized."""
    from deploylint.config import ConfigError
    from deploylint.configure import rubric_for
    from deploylint.rubric.load import RubricError

    try:
        return rubric_for(_config(config, no_config), tuple(extra or ()), replace_default=only)
    except (RubricError, ConfigError) as error:
        sys.stderr.write(f"deploylint: error: {error}\n")
        raise typer.Exit(2) from None


def _format(choice: Any) -> str:
    """The chosen format; without one, GitHub annotations inside GitHub Actions, else text."""
    if choice is not None:
        return _value(choice)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS
    return "github" if in_actions else "text"


@app.command(epilog=EXIT_CODES)
def check(
    paths: Paths = None,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: text (github inside GitHub Actions).",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when an unwaived finding is at or above this severity; none never "
            "fails. Default: the config's fail_on, else high.",
            show_default=False,
        ),
    ] = None,
    today: Today = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only docs with findings, and no summary.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of stdout.",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="A jinja2 template to render the markdown or html report with.",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    select: Annotated[
        str | None,
        typer.Option(
            help="Only these rules: ids, id prefixes or areas, comma-separated.", show_default=False
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            help="Never report these rules: ids, id prefixes or areas, comma-separated.",
            show_default=False,
        ),
    ] = None,
    rubric: RubricOption = None,
    rubric_only: RubricOnlyOption = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Leave out findings recorded in this baseline file (stale entries are reported).",
            show_default=False,
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            help="Record every unwaived finding of this run in a baseline file.", show_default=False
        ),
    ] = None,
    diff_base: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Report only findings new since the git ref REF (the same files, graded as "
            "they were at REF).",
            show_default=False,
        ),
    ] = None,
    only_docs: Annotated[
        bool,
        typer.Option(
            help="Skip YAML that isn't a deploylint doc even when named (for pre-commit)."
        ),
    ] = False,
) -> None:
    """Grade deployment docs against the rubric and report every gap."""
    from deploylint.collect import Selection
    from deploylint.run import Options, run

    chosen = _format(output_format)
    render = _render(chosen, quiet=quiet, to_file=output is not None)
    threshold = _value(fail_on) if fail_on is not None else None
    options = Options(
        paths=tuple(paths or ["."]),
        today=_day(today),
        format=chosen,
        fail_on=_threshold(threshold) if threshold not in (None, "none") else None,
        never_fail=threshold == "none",
        render=replace(render, template=template),
        config=_config(config, no_config),
        selection=Selection(tuple(rubric or ()), rubric_only, _listed(select), _listed(ignore)),
        baseline=baseline,
        write_baseline=write_baseline,
        diff_base=diff_base,
        only_docs=only_docs,
    )
    try:
        code = _to(output, lambda out: run(options, out=out, err=sys.stderr))
    except KeyboardInterrupt:
        sys.stderr.write("deploylint: interrupted\n")
        code = 130
    raise typer.Exit(code)


def _writer(text: str) -> Callable[[TextIO], int]:
    def write(out: TextIO) -> int:
        out.write(text)
        return 0

    return write


def _listed(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _config(path: Path | None, disabled: bool) -> Config:
    from deploylint.config import ConfigError, resolve_config

    try:
        return resolve_config(path, disabled=disabled)
    except ConfigError as error:
        sys.stderr.write(f"deploylint: error: {error}\n")
        raise typer.Exit(2) from None


def _to(output: Path | None, write: Callable[[TextIO], int]) -> int:
    """Run ``write`` on stdout, or on the --output file (a file that can't be written: exit 2)."""
    if output is None:
        return write(sys.stdout)
    try:
        with output.open("w", encoding="utf-8") as stream:
            return write(stream)
    except OSError as error:
        sys.stderr.write(f"deploylint: error: {output}: {error.strerror or error}\n")
        return 2


@app.command(
    epilog="Exit codes: 0 = the map was shown; 2 = usage error or a path that could not be read."
)
def fleet(
    paths: Paths = None,
    output_format: Annotated[
        ViewFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ViewFormat.text,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Show the fleet map: each resource, who writes it (from which doc), locks and holders.

    `check` on the same paths reports the collisions as findings; this is the picture.
    """
    from deploylint.run import Options, run_fleet

    chosen = _value(output_format)
    options = Options(
        paths=tuple(paths or ["."]),
        today=date.today(),
        format=chosen,
        render=_render(chosen),
        config=_config(config, no_config),
    )
    raise typer.Exit(run_fleet(options, out=sys.stdout, err=sys.stderr))


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
        RowsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RowsFormat.text,
    fail_on: FailOnOption = "high",
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Check real audit rows: contaminated evidence, hostage notes, agent-held keys, booleans."""
    from deploylint.audit.run import AuditOptions, run_audit

    chosen = _value(output_format)
    options = AuditOptions(
        file=file, doc=doc, format=chosen, fail_on=_threshold(fail_on), render=_render(chosen)
    )
    raise typer.Exit(run_audit(options, _rubric(config, no_config), out=sys.stdout, err=sys.stderr))


@app.command()
def rules(
    output_format: Annotated[
        ViewFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ViewFormat.text,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    rubric: RubricOption = None,
    rubric_only: RubricOnlyOption = False,
) -> None:
    """List every rule: id, severity, area and title (markdown: the full rule docs)."""
    from deploylint.catalog import rules_json, rules_markdown, rules_table
    from deploylint.reporters import render_rich

    chosen = _value(output_format)
    rules_ = _rubric(config, no_config, rubric, rubric_only)
    if chosen == "text":
        sys.stdout.write(render_rich([rules_table(rules_)], _render(chosen)))
    else:
        sys.stdout.write((rules_json if chosen == "json" else rules_markdown)(rules_))


@app.command(epilog="Exit code 2 when the rule id is unknown.")
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="A rule id, e.g. KS001.")],
    today: Today = None,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    rubric_paths: RubricOption = None,
) -> None:
    """Explain one rule: why it matters, what triggers it, the three columns, how to fix it."""
    from deploylint.catalog import UnknownRule, explain, find_rule

    rubric = _rubric(config, no_config, rubric_paths)
    try:
        rule = find_rule(rubric, rule_id)
    except UnknownRule as error:
        sys.stderr.write(f"deploylint: error: {error}\n")
        raise typer.Exit(2) from None
    sys.stdout.write(explain(rubric, rule, _day(today)))


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    try:
        app(prog_name="deploylint")
    except Exception as error:
        if os.environ.get("DEPLOYLINT_DEBUG"):
            raise
        sys.stderr.write(f"deploylint: internal error: {type(error).__name__}: {error}\n")
        sys.exit(2)


class SchemaKind(StrEnum):
    doc = "doc"
    config = "config"
    rubric = "rubric"


_SCHEMA_FILES: Final = {
    "doc": "deployment-doc.v1.schema.json",
    "config": "config.schema.json",
    "rubric": "rubric.schema.json",
}


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which schema.")] = SchemaKind.doc,
    output: OutputOption = None,
) -> None:
    """Print a JSON Schema: the deployment doc (for editors), the config, or a rubric file."""
    from deploylint.resources import data_dir

    text = (data_dir("schemas") / _SCHEMA_FILES[_value(kind)]).read_text("utf-8")
    raise typer.Exit(_to(output, _writer(text)))


@app.command()
def init(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the doc here (refuses to overwrite).", show_default=False
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="The deployment's name.")] = "my-deployment",
    agent: Annotated[
        list[str] | None,
        typer.Option(
            "--agent",
            help="An agent's id (repeatable). Default: one agent, NAME-agent.",
            show_default=False,
        ),
    ] = None,
    agents: Annotated[
        int, typer.Option(min=1, max=50, help="How many agents, when no --agent is given.")
    ] = 1,
    schema_ref: Annotated[
        str, typer.Option("--schema", help="The $schema path or URL editors validate against.")
    ] = "deploylint.schema.json",
) -> None:
    """Write a commented starter doc; `check` on it lists what remains to fill in."""
    from deploylint.starter import starter_doc

    ids = agent or [
        f"{name}-agent" if agents == 1 else f"{name}-agent-{n}" for n in range(1, agents + 1)
    ]
    text = starter_doc(name, ids, schema=schema_ref, file=str(output or "<this file>"))
    if output is not None and output.exists():
        sys.stderr.write(f"deploylint: error: {output} exists; not overwriting it\n")
        raise typer.Exit(2)
    code = _to(output, _writer(text))
    if output is not None and code == 0:
        sys.stderr.write(
            f"deploylint: wrote {output}; `deploylint check {output}` lists what to fill in\n"
        )
    raise typer.Exit(code)


@app.command(
    "test-rubric",
    epilog="Exit codes: 0 = every example behaves; 1 = some don't; 2 = the rubric can't be read.",
)
def test_rubric(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Rubric folders or area files.")
    ],
    today: Today = None,
) -> None:
    """Run each rule's good and bad example (like `conftest verify`): bad fires, good doesn't."""
    from deploylint.rubric.verify import verify

    rubric = _rubric(None, True, paths)
    sources = {str(p.resolve()) for p in paths}
    own = [r.id for r in rubric.rules.values() if any(r.source.startswith(s) for s in sources)]
    verdicts = verify(rubric, own, _day(today))
    for v in verdicts:
        sys.stdout.write(
            f"{'ok  ' if v.ok else 'FAIL'} {v.rule}{': ' + v.problem if v.problem else ''}\n"
        )
    failed = sum(not v.ok for v in verdicts)
    sys.stdout.write(f"{len(verdicts)} rule(s), {failed} failing\n")
    raise typer.Exit(1 if failed or not verdicts else 0)
