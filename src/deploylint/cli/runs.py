"""`check` and `fleet` as the command line asked for them: ``Options`` stop here.

The options become the pipeline's typed stage values (deploylint.pipeline): which docs
(``Docs``), the settings the config decides, what the gate already knows (``Known``) and
how the report is written (``Output``). A config or rubric that can't be used is a
one-line error, exit 2, before any doc is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from deploylint.gate.config import Config, ConfigError
from deploylint.gate.known import Known, chosen_baseline
from deploylint.gate.shaping import shaping
from deploylint.input.gitbase import GitRef
from deploylint.input.sources import Filter
from deploylint.messages import say
from deploylint.report import RenderOptions
from deploylint.report.findings import Severity
from deploylint.report.outcome import ExitCode
from deploylint.rubric.collect import Selection, settings_for
from deploylint.rubric.grade import Settings
from deploylint.rubric.load import RubricError


@dataclass(frozen=True, slots=True)
class Options:
    """Everything ``deploylint check`` (or ``fleet``) was asked to do, parsed."""

    paths: tuple[str, ...]
    today: date
    format: str = "text"
    fail_on: Severity | None = None  # None: the config's, else high
    never_fail: bool = False  # --fail-on none
    render: RenderOptions = field(default_factory=RenderOptions)
    config: Config = field(default_factory=Config)
    selection: Selection = field(default_factory=Selection)
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff_base: str | None = None
    only_docs: bool = False
    jobs: int | None = None  # worker processes; None: one per core for large runs
    fleet_context: tuple[str, ...] = ()  # other docs the fleet rules see, never reported on
    gate: GitRef | None = None  # --gate-from: the baseline is read as it is at this ref
    use_cache: bool = True  # --no-cache: grade every file, read and write no results
    report_file: Path | None = None  # --output: the report's file (its summary goes to stderr)


def run_check(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint check``: the pipeline on the options' stage values; the exit code."""
    from deploylint.pipeline import Docs, Output, check

    settings = _settings(options, err)
    if settings is None:
        return ExitCode.ERROR
    config, selection = options.config, options.selection
    docs = Docs(
        options.paths, _only(config), options.only_docs, options.fleet_context, options.jobs
    )
    writes = options.write_baseline is not None
    known = Known(
        chosen_baseline(options.baseline, config, writes=writes, diff_base=options.diff_base),
        options.diff_base,
        options.gate,
        options.write_baseline,
    )
    shaped = shaping(
        config,
        settings.rubric,
        settings.ignored,
        extra=selection.rubric,
        replace_default=selection.rubric_only,
    )
    output = Output(options.format, options.render, _gate(options), shaped, options.report_file)
    return check(docs, settings, known, output, out=out, err=err)


def run_fleet(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint fleet``: the map of resources, writers and locks; 0 unless an error."""
    from deploylint.fleet.view import fleet_view

    settings = _settings(options, err)
    if settings is None:
        return ExitCode.ERROR
    only = _only(options.config)
    return fleet_view(
        options.paths,
        settings,
        only=only,
        chosen=options.format,
        render=options.render,
        out=out,
        err=err,
        jobs=options.jobs,
    )


def _settings(options: Options, err: TextIO) -> Settings | None:
    try:
        return settings_for(
            options.config, options.today, options.selection, use_cache=options.use_cache
        )
    except (ConfigError, RubricError) as error:
        say(err, str(error))
        return None


def _only(config: Config) -> Filter:
    return Filter(config.root, config.include, config.exclude)


def _gate(options: Options) -> Severity | None:
    """The severity that fails the run: --fail-on, else the config's, else high."""
    if options.never_fail or (options.fail_on is None and options.config.fail_on == "none"):
        return None
    if options.fail_on is not None:
        return options.fail_on
    return Severity.parse(options.config.fail_on) if options.config.fail_on else Severity.HIGH
