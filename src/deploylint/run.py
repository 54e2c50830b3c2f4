"""Run a check: find the files, grade each one, render the report, return the exit code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from deploylint.findings import Severity
from deploylint.fleet.facts import DocFacts
from deploylint.fleet.map import fleet_map
from deploylint.grade import FileResult, Settings, grade_file, with_fleet
from deploylint.report import ExitCode, Report
from deploylint.reporters import RenderOptions, render_rich, reporter
from deploylint.rubric.load import RubricError, load_default
from deploylint.sources import Source, Unreadable, discover, read


@dataclass(frozen=True, slots=True)
class Options:
    """Everything ``deploylint check`` was asked to do, parsed."""

    paths: tuple[str, ...]
    today: date
    format: str = "text"
    fail_on: Severity | None = Severity.HIGH
    render: RenderOptions = field(default_factory=RenderOptions)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Graded:
    """Every file of a run graded (fleet findings included), and the one-line errors."""

    results: list[FileResult]
    errors: list[str]


def grade_paths(paths: tuple[str, ...], settings: Settings, *, err: TextIO) -> Graded:
    """Find the files, grade each (a failure in one doesn't stop the others), add the fleet."""
    discovery = discover(paths)
    for warning in discovery.warnings:
        err.write(f"deploylint: warning: {warning}\n")
    errors = list(discovery.errors)
    results: list[FileResult] = []
    for source in discovery.sources:
        result = _grade(source, settings)
        if isinstance(result, str):
            errors.append(result)
        else:
            results.append(result)
    results = with_fleet(results, settings.rubric)
    if not errors and not any(r.documents for r in results):
        skipped = sum(r.skipped for r in results)
        note = f" ({skipped} YAML document(s) skipped: not deploylint docs)" if skipped else ""
        errors.append(f"no deploylint docs found in {' '.join(paths)}{note}")
    for message in errors:
        err.write(f"deploylint: error: {message}\n")
    return Graded(results, errors)


def run(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint check``: grade every file and render the report; return the exit code."""
    try:
        rubric = load_default()
    except RubricError as error:
        err.write(f"deploylint: error: {error}\n")
        return ExitCode.ERROR
    settings = Settings(rubric, options.today, params=options.params)
    graded = grade_paths(options.paths, settings, err=err)
    facts = _facts(graded.results)
    fleet = tuple(fleet_map(facts)) if len(facts) > 1 else ()
    report = Report(
        tuple(graded.results),
        tuple(graded.errors),
        options.fail_on,
        options.today,
        fleet=fleet,
        rubric=rubric,
    )
    out.write(reporter(options.format).render(report, options.render))
    return report.exit_code


def _grade(source: Source, settings: Settings) -> FileResult | str:
    """The file's result, or a one-line error naming the file."""
    try:
        content = read(source, settings.limits.max_bytes)
    except Unreadable as error:
        return str(error)
    try:
        return grade_file(content, file=source.name, settings=settings, sniff=source.found)
    except Exception as error:  # one file's internal error must not stop the others
        return f"{source.name}: internal error while grading: {type(error).__name__}: {error}"


def run_fleet(options: Options, *, out: TextIO, err: TextIO) -> int:
    """``deploylint fleet``: the map of resources, writers and locks; 0 unless an error."""
    from deploylint.fleet.map import as_markdown, as_table

    try:
        rubric = load_default()
    except RubricError as error:
        err.write(f"deploylint: error: {error}\n")
        return ExitCode.ERROR
    graded = grade_paths(options.paths, Settings(rubric, options.today), err=err)
    rows = fleet_map(_facts(graded.results))
    if options.format == "json":
        out.write(json.dumps([row.record() for row in rows], indent=2, ensure_ascii=False) + "\n")
    elif options.format == "markdown":
        out.write(as_markdown(rows))
    else:
        out.write(render_rich([as_table(rows)], options.render))
    return ExitCode.ERROR if graded.errors else ExitCode.CLEAN


def _facts(results: list[FileResult]) -> list[DocFacts]:
    return [doc.facts for result in results for doc in result.documents if doc.facts is not None]
