"""`deploylint diff` (what a change does to agents' authority) and `deploylint inventory`
(the register of agents)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Final

import typer

from deploylint.authority import DIFF_FORMATS, INVENTORY_FORMATS
from deploylint.cli import (
    ConfigOption,
    NoConfigOption,
    OutputOption,
    Paths,
    app,
    choice_value,
    command_config,
    render_options,
    text_writer,
    write_output,
)
from deploylint.messages import say

if TYPE_CHECKING:  # typer needs enums for choices; to mypy they are the strings they carry
    DiffFormat = str
    InventoryFormat = str
else:
    DiffFormat = StrEnum("DiffFormat", [(name, name) for name in DIFF_FORMATS])
    InventoryFormat = StrEnum("InventoryFormat", [(name, name) for name in INVENTORY_FORMATS])


class DiffFailOn(StrEnum):
    widened = "widened"
    none = "none"


DIFF_EXIT_CODES: Final = (
    "Exit codes: 0 = compared (nothing widened, or no --fail-on); 1 = --fail-on widened and "
    "an agent's authority widened; 2 = usage or git error, or a changed file that could not "
    "be read."
)


@app.command(epilog=DIFF_EXIT_CODES)
def diff(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or folders whose docs to compare. Default: the current folder.",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="The git ref to compare with. Default: the merge base of HEAD and the "
            "default branch (origin/HEAD, else origin/main, origin/master, main, master).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="text; json; markdown (a pull-request comment or job summary); github "
            "(an annotation at each change).",
        ),
    ] = "text",
    fail_on: Annotated[
        DiffFailOn,
        typer.Option("--fail-on", help="widened: exit 1 when any authority widens."),
    ] = DiffFailOn.none,
    output: OutputOption = None,
) -> None:
    """What this change does to agents' authority: each change widened, narrowed or neutral."""
    from deploylint.authority.diff import DiffOptions, run_diff

    chosen = choice_value(output_format)
    options = DiffOptions(
        paths=tuple(paths or ["."]),
        base=base,
        format=chosen,
        fail_on_widened=choice_value(fail_on) == "widened",
        render=render_options(chosen, to_file=output is not None),
    )
    try:
        code = write_output(
            output, lambda out: run_diff(options, out=out, err=sys.stderr), chosen=chosen
        )
    except KeyboardInterrupt:
        say(sys.stderr, "interrupted", None)
        code = 130
    raise typer.Exit(code)


@app.command(
    epilog="Exit codes: 0 = the inventory was written; 2 = usage error, or a path or doc "
    "that could not be read (its agents are missing)."
)
def inventory(
    paths: Paths = None,
    output_format: Annotated[
        InventoryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = "markdown",
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    output: OutputOption = None,
) -> None:
    """One row per agent across the fleet: the register of agents in production."""
    from deploylint.authority.inventory import FORMATS, inventory
    from deploylint.input.sources import Filter
    from deploylint.load.loader import Limits

    chosen = choice_value(output_format)
    found = command_config(config, no_config)
    limits = Limits(max_bytes=found.max_file_bytes) if found.max_file_bytes else Limits()
    only = Filter(found.root, found.include, found.exclude)
    rows, errors = inventory(tuple(paths or ["."]), only, limits)
    for error in errors:
        say(sys.stderr, error)
    code = write_output(output, text_writer(FORMATS[chosen](rows)), chosen=chosen)
    raise typer.Exit(code or (2 if errors else 0))
