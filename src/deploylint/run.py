"""Run a check: find the files, grade each one, render the report, return the exit code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from deploylint.findings import Severity
from deploylint.grade import FileResult, Settings, grade_file
from deploylint.report import ExitCode, Report
from deploylint.reporters import RenderOptions, reporter
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


def run(options: Options, *, out: TextIO, err: TextIO) -> int:
    """Grade every file; a file that can't be read or graded doesn't stop the others."""
    try:
        rubric = load_default()
    except RubricError as error:
        err.write(f"deploylint: error: {error}\n")
        return ExitCode.ERROR
    settings = Settings(rubric, options.today, params=options.params)
    discovery = discover(options.paths)
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
    if not errors and not any(r.documents for r in results):
        skipped = sum(r.skipped for r in results)
        note = f" ({skipped} YAML document(s) skipped: not deploylint docs)" if skipped else ""
        errors.append(f"no deploylint docs found in {' '.join(options.paths)}{note}")
    for message in errors:
        err.write(f"deploylint: error: {message}\n")
    report = Report(tuple(results), tuple(errors), options.fail_on, options.today)
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
