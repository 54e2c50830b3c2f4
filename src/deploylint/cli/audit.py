"""`deploylint audit`: real audit rows."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deploylint.cli import (
    EXIT_CODES,
    ConfigOption,
    FailOnOption,
    NoConfigOption,
    RowsFormat,
    app,
    choice_value,
    command_rubric,
    one_of,
    render_options,
    severity_threshold,
    write_output,
)


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
        RowsFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help=f"Output format: {one_of(RowsFormat)}."
        ),
    ] = RowsFormat.text,
    fail_on: FailOnOption = "high",
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Check real audit rows: contaminated evidence, hostage notes, agent-held keys, booleans."""
    from deploylint.audit.run import AuditOptions, run_audit

    chosen = choice_value(output_format)
    options = AuditOptions(
        file=file,
        doc=doc,
        format=chosen,
        fail_on=severity_threshold(fail_on),
        render=render_options(chosen),
    )
    rubric = command_rubric(config, no_config)
    raise typer.Exit(
        write_output(
            None, lambda out: run_audit(options, rubric, out=out, err=sys.stderr), chosen=chosen
        )
    )
