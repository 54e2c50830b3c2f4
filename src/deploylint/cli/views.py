"""Commands that show things: the fleet map, the rules, one rule, a schema."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated, Final

import typer

from deploylint.cli import (
    ConfigOption,
    JobsOption,
    NoCacheOption,
    NoConfigOption,
    OutputOption,
    Paths,
    RubricOnlyOption,
    RubricOption,
    Today,
    ViewFormat,
    app,
    choice_value,
    command_config,
    command_rubric,
    grading_day,
    one_of,
    render_options,
    text_writer,
    write_output,
)
from deploylint.messages import say


@app.command(
    epilog="Exit codes: 0 = the map was shown; 2 = usage error or a path that could not be read."
)
def fleet(
    paths: Paths = None,
    output_format: Annotated[
        ViewFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help=f"Output format: {one_of(ViewFormat)}."
        ),
    ] = ViewFormat.text,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    jobs: JobsOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Show the fleet map: each resource, who writes it (from which doc), locks and holders.

    `check` on the same paths reports the collisions as findings; this is the picture.
    """
    from deploylint.cli.runs import Options, run_fleet

    chosen = choice_value(output_format)
    options = Options(
        paths=tuple(paths or ["."]),
        today=date.today(),
        format=chosen,
        render=render_options(chosen),
        config=command_config(config, no_config),
        jobs=jobs,
        use_cache=not no_cache,
    )
    raise typer.Exit(
        write_output(None, lambda out: run_fleet(options, out=out, err=sys.stderr), chosen=chosen)
    )


@app.command()
def rules(
    output_format: Annotated[
        ViewFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help=f"Output format: {one_of(ViewFormat)}."
        ),
    ] = ViewFormat.text,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    rubric: RubricOption = None,
    rubric_only: RubricOnlyOption = False,
) -> None:
    """List every rule: id, severity, area and title (markdown: the full rule docs)."""
    from deploylint.report import render_rich
    from deploylint.rubric.catalog import rules_json, rules_markdown, rules_table

    chosen = choice_value(output_format)
    rules_ = command_rubric(config, no_config, rubric, rubric_only)
    if chosen == "text":
        text = render_rich([rules_table(rules_)], render_options(chosen))
    else:
        text = (rules_json if chosen == "json" else rules_markdown)(rules_)
    write_output(None, text_writer(text), chosen=chosen)


@app.command(epilog="Exit code 2 when the rule id is unknown.")
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="A rule id, e.g. KS001.")],
    today: Today = None,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    rubric_paths: RubricOption = None,
) -> None:
    """Explain one rule: why it matters, what triggers it, the three columns, how to fix it."""
    from deploylint.rubric.catalog import UnknownRule, explain, find_rule

    rubric = command_rubric(config, no_config, rubric_paths)
    try:
        rule = find_rule(rubric, rule_id)
    except UnknownRule as error:
        say(sys.stderr, str(error))
        raise typer.Exit(2) from None
    width = render_options("text").width  # the terminal's, or COLUMNS
    text = explain(rubric, rule, grading_day(today), width)
    write_output(None, text_writer(text), chosen="text")


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
    kind: Annotated[
        SchemaKind, typer.Argument(metavar="KIND", help=f"Which schema: {one_of(SchemaKind)}.")
    ] = SchemaKind.doc,
    output: OutputOption = None,
) -> None:
    """Print a JSON Schema: the deployment doc (for editors), the config, or a rubric file."""
    from deploylint.resources import data_dir

    text = (data_dir("schemas") / _SCHEMA_FILES[choice_value(kind)]).read_text("utf-8")
    raise typer.Exit(write_output(output, text_writer(text)))
