"""The command line: parse arguments, call the command, exit with its code. Nothing else.

Shared option types and helpers live here; the commands are in the modules imported at
the end (check; fleet, rules, explain, schema; audit; init, test-rubric).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, TextIO, cast

import typer

from deploylint import __version__
from deploylint.cli import completion
from deploylint.cli.usage import OneLineErrors
from deploylint.messages import say
from deploylint.report import REPORTERS, ColorSystem, RenderOptions
from deploylint.report.findings import Severity
from deploylint.report.terminal import plainly_not_a_terminal

if TYPE_CHECKING:
    from deploylint.gate.config import Config
    from deploylint.rubric.model import Rubric

EXIT_CODES: Final = (  # \b: help keeps these lines as written (one code a line)
    "\b\nExit codes:\n"
    "0 = nothing at or above --fail-on (waived findings never count)\n"
    "1 = at least one finding at or above --fail-on\n"
    "2 = usage, configuration or internal error, or a path that could not be read"
)


def one_of(choices: Any) -> str:
    """Choices as help text: `a, b or c`. A narrow help column splits a `<a|b|c>` metavar
    mid-word (`<text|json|markd` / `own|…`); the options show FORMAT or SEVERITY instead."""
    names = [str(getattr(choice, "value", choice)) for choice in choices]
    return ", ".join(names[:-1]) + " or " + names[-1]


SEVERITIES: Final = (*(s.label for s in sorted(Severity, reverse=True)), "none")


if TYPE_CHECKING:  # typer needs enums for choices; to mypy they are the strings they carry
    Format = str
    FailOn = str
else:
    Format = StrEnum("Format", [(name, name) for name in REPORTERS])
    FailOn = StrEnum("FailOn", list(SEVERITIES))


class ViewFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class RowsFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


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
        metavar="SEVERITY",
        help="Exit 1 when an unwaived finding is at or above this severity "
        f"({one_of(SEVERITIES)}); none never fails.",
    ),
]
Today = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        # the environment variable pins the day for a whole session (tests, CI replays)
        envvar="DEPLOYLINT_TODAY",
        help="Grade dates (test age, waiver expiry) as of this day. Default: "
        "$DEPLOYLINT_TODAY, else today.",
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
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes. Default: from 200 files, one per free core (at most one "
        "per 100 files, and 8).",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every file again: don't read or write cached results "
        "(also DEPLOYLINT_NO_CACHE=1; in CI the cache is off unless DEPLOYLINT_CACHE=1).",
    ),
]
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
    cls=OneLineErrors,
    help=(
        "Lint AI-agent deployment authorization docs. Every finding names the gap, "
        "its blast radius and the rollback unit.\n\n" + EXIT_CODES
    ),
    no_args_is_help=True,
    add_completion=False,  # ours (cli/completion.py) honours the shell named
    pretty_exceptions_enable=False,
    # click's plain help: prose wraps at spaces and an option's metavar is never cut in two
    # (rich's help panel folded `<text|json|markd` / `own|…>` in a narrow column)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deploylint {__version__}")
        raise typer.Exit()


def _shell_option(callback: Callable[[completion.Shell | None], None], help: str) -> Any:
    return typer.Option(
        metavar="SHELL", callback=callback, is_eager=True, help=help, show_default=False
    )


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    install_completion: Annotated[
        completion.Shell | None,
        _shell_option(completion.install, "Install completion for SHELL (bash, zsh, fish, ...)."),
    ] = None,
    show_completion: Annotated[
        completion.Shell | None,
        _shell_option(completion.show, "Print the completion script for SHELL."),
    ] = None,
) -> None:
    """Lint AI-agent deployment authorization docs."""


def choice_value(choice: Any) -> str:
    """An enum choice's value (typer may also hand over the default as a plain string)."""
    return str(choice.value if hasattr(choice, "value") else choice)


def severity_threshold(choice: Any) -> Severity | None:
    value = choice_value(choice)
    return None if value == "none" else Severity.parse(value)


def grading_day(today: datetime | None) -> date:
    return today.date() if today else date.today()


def render_options(chosen: str, *, quiet: bool = False, to_file: bool = False) -> RenderOptions:
    """Terminal, colour and width as rich detects them (NO_COLOR, FORCE_COLOR, a pipe)."""
    columns = os.environ.get("COLUMNS", "")
    plain = RenderOptions(quiet=quiet, width=int(columns) if columns.isdigit() else None)
    if chosen != "text" or to_file:  # -o out.txt is as wide as > out.txt
        return plain
    if plainly_not_a_terminal():  # CI logs, pre-commit, a pipe: no need to import rich
        return plain
    from rich.console import Console

    console = Console(file=sys.stdout)
    width = console.width if console.is_terminal or "COLUMNS" in os.environ else None
    system = None if console.no_color else cast("ColorSystem | None", console.color_system)
    return RenderOptions(
        quiet=quiet, terminal=console.is_terminal, color_system=system, width=width
    )


def command_rubric(
    config: Path | None = None,
    no_config: bool = False,
    extra: list[Path] | None = None,
    only: bool = False,
) -> Rubric:
    """The rubric a command uses: the default, the config's and --rubric's rules, customized."""
    from deploylint.gate.config import ConfigError
    from deploylint.gate.configure import rubric_for
    from deploylint.rubric.load import RubricError

    try:
        return rubric_for(
            command_config(config, no_config), tuple(extra or ()), replace_default=only
        )
    except (RubricError, ConfigError) as error:
        say(sys.stderr, str(error))
        raise typer.Exit(2) from None


def default_format(choice: Any) -> str:
    """The chosen format; without one, GitHub annotations inside GitHub Actions, else text."""
    if choice is not None:
        return choice_value(choice)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS
    return "github" if in_actions else "text"


def text_writer(text: str) -> Callable[[TextIO], int]:
    def write(out: TextIO) -> int:
        out.write(text)
        return 0

    return write


def comma_list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def command_config(path: Path | None, disabled: bool) -> Config:
    from deploylint.gate.config import ConfigError, resolve_config

    try:
        return resolve_config(path, disabled=disabled)
    except ConfigError as error:
        say(sys.stderr, str(error))
        raise typer.Exit(2) from None


def inert(stream: TextIO, chosen: str) -> TextIO:
    """``stream``, writing no GitHub workflow command (``##[add-mask]``) in format ``chosen``."""
    from deploylint.report import INERT_KIND
    from deploylint.report.escape import InertLines

    return cast("TextIO", InertLines(stream, INERT_KIND.get(chosen, "text")))


def write_output(
    output: Path | None,
    write: Callable[[TextIO], int],
    *,
    replace: bool = True,
    chosen: str | None = None,
) -> int:
    """Run ``write`` on stdout, or on the --output file, which appears whole or not at all
    and is never written through a link (a file that can't be written: exit 2). With a
    format (``chosen``), workflow commands in the output are made inert."""
    from deploylint.input.safewrite import atomic_stream

    def written(stream: TextIO) -> int:
        if chosen is None:
            return write(stream)
        guarded = inert(stream, chosen)
        code = write(guarded)
        guarded.flush()
        return code

    if output is None:
        return written(sys.stdout)
    try:
        with atomic_stream(output, replace=replace) as stream:
            return written(stream)
    except OSError as error:
        say(sys.stderr, f"{output}: {error.strerror or error}")
        return 2


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    try:
        app(prog_name="deploylint")
    except Exception as error:
        if os.environ.get("DEPLOYLINT_DEBUG"):
            raise
        say(sys.stderr, f"{type(error).__name__}: {error}", "internal error")
        sys.exit(2)


# The commands register themselves on `app` when imported.
from deploylint.cli import audit, authoring, authority, check, views  # noqa: E402, F401
