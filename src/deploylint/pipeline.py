"""Run `check` and `fleet`: settings from the config, grade, leave out known findings, render."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple, TextIO

from deploylint.fleet.context import Context, context_facts, fleet_facts
from deploylint.gate.baseline import (
    BaselineError,
    Key,
    keys,
    read_baseline,
    suppress,
    write_baseline,
)
from deploylint.gate.config import Config, ConfigError
from deploylint.gate.shaping import shaping
from deploylint.input.gitbase import GitError, GitRef
from deploylint.input.renames import BaseRenames, baseline_followed
from deploylint.input.sources import Filter, discover
from deploylint.messages import say
from deploylint.report import RenderOptions, render_rich, reporter, write_report
from deploylint.report.findings import Severity
from deploylint.report.outcome import ExitCode, Report, Shaping
from deploylint.report.text import summary_line
from deploylint.rubric.collect import Graded, Selection, grade_paths, settings_for
from deploylint.rubric.grade import FileResult, Settings, grade_file, with_fleet
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


class RunError(Exception):
    """Anything that stops a run before it starts: a one-line message, exit 2."""


def _gate(options: Options) -> Severity | None:
    if options.never_fail or (options.fail_on is None and options.config.fail_on == "none"):
        return None
    if options.fail_on is not None:
        return options.fail_on
    return Severity.parse(options.config.fail_on) if options.config.fail_on else Severity.HIGH


@dataclass(frozen=True, slots=True)
class Prepared:
    settings: Settings
    graded: Graded
    context: Context = field(default_factory=Context)  # --fleet-context docs, decoded lazily


def _prepare(options: Options, err: TextIO) -> Prepared:
    try:
        settings = settings_for(
            options.config, options.today, options.selection, use_cache=options.use_cache
        )
    except (ConfigError, RubricError) as error:
        raise RunError(str(error)) from None
    config = options.config
    only = Filter(config.root, config.include, config.exclude)
    context, unread = (
        context_facts(
            options.fleet_context,
            graded=options.paths,
            limits=settings.limits,
            only=only,
            err=err,
            jobs=options.jobs,
        )
        if options.fleet_context
        else (Context(), [])
    )
    for message in unread:
        say(err, message)
    graded = grade_paths(
        options.paths,
        settings,
        err=err,
        only=only,
        only_docs=options.only_docs,
        jobs=options.jobs,
        context=context,
    )
    graded.errors[:0] = unread
    return Prepared(settings, graded, context)


class Baseline(NamedTuple):
    path: Path
    shown: str  # as written: on the command line, or in the config
    named: str  # where it was named, for its errors


def _baseline(options: Options) -> Baseline | None:
    """The baseline file the run leaves findings out by: --baseline, else the config's
    `baseline:` unless the run records one or compares with a git ref."""
    if options.baseline is not None:
        return Baseline(options.baseline, str(options.baseline), "--baseline")
    config = options.config
    if config.baseline is None or options.write_baseline or options.diff_base:
        return None
    where = f"{config.where('baseline')}: baseline"
    return Baseline(config.root / config.baseline, config.baseline, where)


def _known(options: Options, prepared: Prepared) -> tuple[Counter[Key], Path | None, str]:
    """The findings to leave out: from the baseline file, or the same docs at --diff-base."""
    baseline = _baseline(options)
    if baseline is not None:
        named = f"{baseline.named} {baseline.shown}"
        known = read_baseline(baseline.path, options.gate, named=named)
        folder = baseline.path.parent
        known = baseline_followed(known, folder, baseline.path, options.gate)
        return known, folder, f"baseline {baseline.shown}"
    assert options.diff_base is not None
    settings = prepared.settings
    ref = GitRef(options.diff_base, Path.cwd(), max_bytes=settings.limits.max_bytes)
    only = Filter(options.config.root, options.config.include, options.config.exclude)
    results: list[FileResult] = []
    at_base = BaseRenames(ref)
    for source in discover(options.paths, only).sources:
        content = at_base.content(source)
        if content is not None:
            results.append(
                grade_file(content, file=source.name, settings=settings, sniff=source.found)
            )
    base = with_fleet(results, settings, prepared.context)
    return keys(f for r in base for f in r.findings), None, f"--diff-base {options.diff_base}"


def _shaped(options: Options, settings: Settings) -> Shaping:
    selection = options.selection
    return shaping(
        options.config,
        settings.rubric,
        settings.ignored,
        extra=selection.rubric,
        replace_default=selection.rubric_only,
    )


def run(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint check``: grade every file and render the report; return the exit code."""
    try:
        prepared = _prepare(options, err)
        settings, graded = prepared.settings, prepared.graded
        results, left_out = graded.results, 0
        if options.write_baseline is not None:
            written = write_baseline(options.write_baseline, results)
            say(err, f"wrote {written} finding(s) to the baseline {options.write_baseline}", None)
        if _baseline(options) is not None or options.diff_base is not None:
            known, folder, what = _known(options, prepared)
            trimmed = suppress(results, known, folder)
            results, left_out = trimmed.results, trimmed.count
            for rule, file, key_path in trimmed.stale if folder is not None else ():
                say(err, f"stale baseline entry {rule} {file} {key_path}", "warning")
            if left_out:
                say(err, f"{left_out} finding(s) left out: known in the {what}", None)
    except (RunError, BaselineError, GitError) as error:
        say(err, str(error))
        return ExitCode.ERROR
    facts = [d.facts for r in results for d in r.documents if d.facts is not None]
    facts += prepared.context.relevant(facts) if facts else []  # the fleet that meets them
    from deploylint.fleet.map import fleet_map  # only needed when a run has a fleet

    report = Report(
        tuple(results),
        tuple(graded.errors),
        _gate(options),
        options.today,
        fleet=tuple(fleet_map(facts)) if len(facts) > 1 else (),
        rubric=settings.rubric,
        left_out=left_out,
        shaped=_shaped(options, settings),
        baseline_written=str(options.write_baseline) if options.write_baseline else None,
    )
    write_report(reporter(options.format), report, options.render, out)
    if options.report_file is not None:  # a CI log shows why the job failed, in one line
        say(err, f"{summary_line(report)} (report: {options.report_file})", None)
    return report.exit_code


def run_fleet(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint fleet``: the map of resources, writers and locks; 0 unless an error.
    It needs each doc's facts only, never its grade: they come from the per-folder index
    the hook's context uses, so an unchanged file isn't read again."""
    from deploylint.fleet.map import as_blocks, as_markdown, as_table, fleet_map
    from deploylint.report.text import MIN_WIDTH, PLAIN_WIDTH
    from deploylint.rubric.grade import grade_doc

    try:
        settings = settings_for(options.config, options.today, options.selection)
    except (ConfigError, RubricError) as error:
        say(err, str(error))
        return ExitCode.ERROR
    config = options.config
    only = Filter(config.root, config.include, config.exclude)
    found = fleet_facts(options.paths, limits=settings.limits, only=only, err=err)
    errors = found.errors
    if not errors and not found.facts and not found.unread:
        errors.append(f"no deploylint docs found in {' '.join(options.paths)}")
    for message in errors:
        say(err, message)
    rows = fleet_map(found.facts)
    unread = [
        f"{file}:{found_.line}:{found_.column}: {found_.rule} {found_.gap} (this doc's agents "
        "and writes are not in the map)"
        for file, doc in found.unread
        for found_ in grade_doc(doc, file=file, settings=settings).findings[:1]
    ]
    for message in unread:
        say(err, message)
    if options.format == "json":
        from deploylint.report.json_report import indented

        out.write(indented([row.record() for row in rows]) + "\n")
    elif options.format == "markdown":
        out.write(as_markdown(rows))
    elif options.render.terminal:
        out.write(render_rich([as_table(rows)], options.render))
    else:  # CI logs, a pipe: plain blocks, as check's
        out.write(as_blocks(rows, max(MIN_WIDTH, options.render.width or PLAIN_WIDTH)))
    return ExitCode.ERROR if errors or unread else ExitCode.CLEAN
