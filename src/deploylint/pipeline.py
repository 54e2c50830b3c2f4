"""The one pipeline of `deploylint check`, top to bottom:

    sources -> loaded docs -> models -> findings -> fleet -> gate -> report

``check`` is all of it, on one screen. Each stage takes typed values, never the command
line's options (they stop at deploylint.cli): ``Docs`` (input: which files, and the rest of
the fleet), the ``Settings`` the config decided (the rubric as configured, today, limits),
``Known`` (the gate: a baseline, or a git ref to compare with) and ``Output`` (the report:
its format, its gate severity, what shaped the run). Grading a file is load -> model ->
rubric (deploylint.rubric.grade); grading many is deploylint.rubric.collect (workers, the
result cache), which adds the fleet's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from deploylint.fleet.context import Context, context_facts
from deploylint.fleet.map import run_map
from deploylint.gate.baseline import BaselineError
from deploylint.gate.known import Known
from deploylint.input.gitbase import GitError
from deploylint.input.sources import Filter
from deploylint.messages import say
from deploylint.report import RenderOptions, reporter, write_report
from deploylint.report.findings import Severity
from deploylint.report.outcome import ExitCode, Report, Shaping
from deploylint.report.text import summary_line
from deploylint.rubric.collect import grade_paths, graded_at
from deploylint.rubric.grade import Settings


@dataclass(frozen=True, slots=True)
class Docs:
    """Which files a run grades (input), and the other docs its fleet rules see."""

    paths: tuple[str, ...]
    only: Filter = field(default_factory=Filter)  # the config's include, exclude
    only_docs: bool = False  # named files that aren't deploylint docs are skipped (the hook)
    context: tuple[str, ...] = ()  # --fleet-context: seen by the fleet rules, never reported
    jobs: int | None = None  # worker processes; None: one per free core for large runs


@dataclass(frozen=True, slots=True)
class Output:
    """How the report is written, and the severity that fails the run (None: never)."""

    format: str
    render: RenderOptions
    fail_on: Severity | None
    shaped: Shaping
    report_file: Path | None = None  # --output: its one-line summary goes to stderr too


def check(
    docs: Docs, settings: Settings, known: Known, output: Output, *, out: TextIO, err: TextIO
) -> int:
    """Grade the docs, leave out what the gate knows, write the report; the exit code."""
    context, unread = _context(docs, settings, err)  # the rest of the fleet (input)
    graded = grade_paths(  # sources -> loaded docs -> models -> findings -> fleet
        docs.paths, settings, err=err, only=docs.only, only_docs=docs.only_docs,
        jobs=docs.jobs, context=context,
    )  # fmt: skip
    errors = unread + graded.errors
    try:  # the gate: findings already known (a baseline, or the same docs at a git ref)
        at = partial(
            graded_at, paths=docs.paths, settings=settings, only=docs.only, context=context
        )
        results, left_out = known.leave_out(graded.results, at, err)
    except (BaselineError, GitError) as error:
        say(err, str(error))
        return ExitCode.ERROR
    report = Report(
        tuple(results), tuple(errors), output.fail_on, settings.today,
        fleet=run_map(results, context), rubric=settings.rubric, left_out=left_out,
        shaped=output.shaped, baseline_written=str(known.write_to) if known.write_to else None,
    )  # fmt: skip
    write_report(reporter(output.format), report, output.render, out)
    if output.report_file is not None:  # a CI log shows why the job failed, in one line
        say(err, f"{summary_line(report)} (report: {output.report_file})", None)
    return report.exit_code


def _context(docs: Docs, settings: Settings, err: TextIO) -> tuple[Context, list[str]]:
    """The --fleet-context docs' facts (read lazily), and its errors, said now."""
    if not docs.context:
        return Context(), []
    context, unread = context_facts(
        docs.context, graded=docs.paths, limits=settings.limits, only=docs.only, err=err,
        jobs=docs.jobs, use_cache=settings.use_cache,
    )  # fmt: skip
    for message in unread:
        say(err, message)
    return context, unread
