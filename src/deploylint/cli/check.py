"""`deploylint check`: the gate."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deploylint.cli import (
    EXIT_CODES,
    SEVERITIES,
    ConfigOption,
    FailOn,
    Format,
    JobsOption,
    NoCacheOption,
    NoConfigOption,
    Paths,
    RubricOnlyOption,
    RubricOption,
    Today,
    app,
    choice_value,
    comma_list,
    command_config,
    default_format,
    grading_day,
    one_of,
    render_options,
    severity_threshold,
    write_output,
)
from deploylint.messages import say
from deploylint.report import REPORTERS, ReportError

if TYPE_CHECKING:
    from deploylint.cli.runs import Options


@app.command(epilog=EXIT_CODES)
def check(
    paths: Paths = None,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"Output format: {one_of(REPORTERS)}. Default: text (github inside GitHub "
            "Actions).",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            help="Exit 1 when an unwaived finding is at or above this severity "
            f"({one_of(SEVERITIES)}); none never fails. Default: the config's fail_on, else high.",
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
    jobs: JobsOption = None,
    only_docs: Annotated[
        bool,
        typer.Option(
            help="Skip YAML that isn't a deploylint doc even when named (for pre-commit)."
        ),
    ] = False,
    fleet_context: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PATH",
            help="Other docs (files or folders) the fleet rules see beside the graded ones, "
            "so a doc colliding with one of them is caught; they are not graded or reported "
            "(repeatable; the pre-commit hook uses the repository: --fleet-context .).",
            show_default=False,
        ),
    ] = None,
    no_cache: NoCacheOption = False,
    gate_from: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Read what decides the verdict (the config, its rubrics, --rubric and "
            "--baseline) as it is at the git ref REF, e.g. the pull request's base branch, "
            "so a pull request can't weaken its own gate. Only the docs come from the work tree.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Grade deployment docs against the rubric and report every gap."""
    from deploylint.cache import replay
    from deploylint.cli.runs import Options, run_check
    from deploylint.rubric.collect import Selection

    writes = output is not None or write_baseline is not None
    if writes or diff_base is not None or gate_from is not None or template is not None:
        replay.refuse("writes a file, reads git or runs a template: always run again")
    chosen = default_format(output_format)
    if template is not None and chosen not in ("markdown", "html"):
        say(sys.stderr, f"--template renders markdown or html, not {chosen}")
        raise typer.Exit(2)
    if baseline is not None and write_baseline is not None and same_file(baseline, write_baseline):
        say(sys.stderr, f"--baseline and --write-baseline both name {baseline}: the run would "
            "leave out every finding it just recorded")  # fmt: skip
        raise typer.Exit(2)
    render = render_options(chosen, quiet=quiet, to_file=output is not None)
    threshold = choice_value(fail_on) if fail_on is not None else None
    options = Options(
        paths=tuple(paths or ["."]),
        today=grading_day(today),
        format=chosen,
        fail_on=severity_threshold(threshold) if threshold not in (None, "none") else None,
        never_fail=threshold == "none",
        render=replace(render, template=template),
        config=command_config(config, no_config),
        selection=Selection(
            tuple(rubric or ()), rubric_only, comma_list(select), comma_list(ignore)
        ),
        baseline=baseline,
        write_baseline=write_baseline,
        diff_base=diff_base,
        only_docs=only_docs,
        jobs=jobs,
        fleet_context=tuple(fleet_context or ()),
        use_cache=not no_cache,
        report_file=output,
    )
    with ExitStack() as stack:
        if gate_from is not None:  # the gate's files, read from the ref, live here for the run
            from tempfile import TemporaryDirectory

            folder = Path(stack.enter_context(TemporaryDirectory(prefix="deploylint-gate-")))
            options = gated(options, gate_from, folder, config=config, no_config=no_config)
        try:
            code = write_output(
                output, lambda out: run_check(options, out=out, err=sys.stderr), chosen=chosen
            )
        except KeyboardInterrupt:
            say(sys.stderr, "interrupted", None)
            code = 130
        except ReportError as error:  # a --template that can't render: one line, exit 2
            say(sys.stderr, str(error))
            code = 2
    raise typer.Exit(code)


def same_file(one: Path, other: Path) -> bool:
    return Path(os.path.normpath(one.absolute())) == Path(os.path.normpath(other.absolute()))


def gated(
    options: Options, ref: str, into: Path, *, config: Path | None, no_config: bool
) -> Options:
    """The options with the gate read from ``ref`` (--gate-from); exit 2 when it can't be."""
    from deploylint.gate.config import ConfigError
    from deploylint.gate.gate_from import open_gate
    from deploylint.input.gitbase import GitError

    try:
        gate = open_gate(
            ref, into, explicit=config, disabled=no_config, rubric=options.selection.rubric
        )
    except (GitError, ConfigError) as error:
        say(sys.stderr, str(error))
        raise typer.Exit(2) from None
    selection = replace(options.selection, rubric=gate.rubric)
    return replace(options, config=gate.config, selection=selection, gate=gate.ref)
