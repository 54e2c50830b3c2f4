"""Everything a run needs before rendering: settings from the config, and the graded files."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TextIO

from deploylint.cache.results import grade_cached
from deploylint.fleet.facts import DocFacts
from deploylint.gate.config import Config
from deploylint.gate.configure import ignored_rules, rubric_for, unwaivable_rules
from deploylint.input.sources import (
    Filter,
    Source,
    Unreadable,
    discover,
    read,
    with_stdin_read,
)
from deploylint.load.loader import Limits
from deploylint.messages import say
from deploylint.pool import ordered, workers_for
from deploylint.rubric.budget import OverBudget
from deploylint.rubric.grade import ContextFleet, FileResult, Settings, grade_file, with_fleet

PROGRESS_FROM = 50  # files; a progress bar for fewer only flickers


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules and rubrics a run uses, from the command line (the config adds its own)."""

    rubric: tuple[Path, ...] = ()
    rubric_only: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def settings_for(
    config: Config, today: date, selection: Selection = Selection(), *, use_cache: bool = True
) -> Settings:
    """The rubric (customized), rule selection and limits a run grades with."""
    rubric = rubric_for(config, selection.rubric, replace_default=selection.rubric_only)
    limits = Limits(max_bytes=config.max_file_bytes) if config.max_file_bytes else Limits()
    return Settings(
        rubric=rubric,
        today=today,
        limits=limits,
        ignored=ignored_rules(rubric, config, selection.select, selection.ignore),
        unwaivable=unwaivable_rules(rubric, config),
        use_cache=use_cache,
    )


@dataclass(frozen=True, slots=True)
class Graded:
    """Every file of a run graded (fleet findings included), and the one-line errors."""

    results: list[FileResult]
    errors: list[str] = field(default_factory=list)

    def facts(self) -> list[DocFacts]:
        return [d.facts for r in self.results for d in r.documents if d.facts is not None]


def grade_paths(
    paths: Sequence[str],
    settings: Settings,
    *,
    err: TextIO,
    only: Filter | None = None,
    only_docs: bool = False,
    jobs: int | None = None,
    context: Sequence[DocFacts] | ContextFleet = (),
) -> Graded:
    """Find the files, grade each (a failure in one doesn't stop the others), add the fleet.

    ``only_docs`` (pre-commit passes every staged YAML file by name): files that aren't
    deploylint docs are skipped even when named, and finding no doc at all is fine.
    """
    discovery = discover(paths, only)
    for warning in discovery.warnings:
        say(err, warning, "warning")
    for note in discovery.notes:
        say(err, note, "note")
    errors = list(discovery.errors)
    sources = [replace(s, found=True) if only_docs else s for s in discovery.sources]
    sources = with_stdin_read(sources, settings.limits.max_bytes)
    results: list[FileResult] = []
    for result in _with_progress(sources, settings, err, jobs):
        if isinstance(result, str):
            errors.append(result)
        else:
            results.append(result)
    results = with_fleet(results, settings, context)
    if not errors and not only_docs and not any(r.documents for r in results):
        skipped = sum(r.skipped for r in results)
        note = f" ({skipped} YAML document(s) skipped: not deploylint docs)" if skipped else ""
        errors.append(f"no deploylint docs found in {' '.join(paths)}{note}")
    for message in errors:
        say(err, message)
    return Graded(results, errors)


def _with_progress(
    sources: list[Source], settings: Settings, err: TextIO, jobs: int | None
) -> list[FileResult | str]:
    """Grade every source, in order; a progress bar on stderr for long runs on a terminal."""
    graded = _shared(ordered(grade_source, sources, settings, workers_for(len(sources), jobs)))
    if len(sources) < PROGRESS_FROM or not err.isatty() or err is not sys.stderr:
        return list(graded)
    from rich.console import Console
    from rich.progress import Progress

    results = []
    with Progress(transient=True, console=Console(file=err)) as progress:
        task = progress.add_task("grading", total=len(sources))
        for result in graded:
            results.append(result)
            progress.advance(task)
    return results


def _shared(results: Iterator[FileResult | str]) -> Iterator[FileResult | str]:
    """The results, equal sets of applied rules made one object: most docs meet the same
    hundred-odd rules, and 10,000 copies of that set (more once unpickled from a worker,
    each id its own string) were most of a large run's memory."""
    seen: dict[frozenset[str], frozenset[str]] = {}
    for result in results:
        if isinstance(result, FileResult):
            documents = tuple(
                replace(doc, applied=seen.setdefault(doc.applied, doc.applied))
                for doc in result.documents
            )
            result = replace(result, documents=documents)
        yield result


def grade_source(source: Source, settings: Settings) -> FileResult | str:
    """The file's result, or a one-line error naming the file."""
    try:
        content = read(source, settings.limits.max_bytes)
    except Unreadable as error:
        return str(error)
    try:
        if isinstance(content, int):  # only its size: over the limit, nothing to look up
            return grade_file(content, file=source.name, settings=settings, sniff=source.found)
        return grade_cached(content, file=source.name, settings=settings, sniff=source.found)
    except OverBudget as error:  # a custom rule ran past its time or memory: say which
        return f"{source.name}: {error}"
    except Exception as error:  # one file's internal error must not stop the others
        return f"{source.name}: internal error while grading: {type(error).__name__}: {error}"


def graded_at(
    ref_name: str,
    paths: Sequence[str],
    settings: Settings,
    *,
    only: Filter,
    context: Sequence[DocFacts] | ContextFleet = (),
) -> list[FileResult]:
    """The same docs graded as they are at the git ref (--diff-base), a renamed doc by its
    name there, with their fleet: what that ref already reported is known."""
    from deploylint.input.gitbase import GitRef
    from deploylint.input.renames import BaseRenames

    ref = GitRef(ref_name, Path.cwd(), max_bytes=settings.limits.max_bytes)
    at_base = BaseRenames(ref)
    results: list[FileResult] = []
    for source in discover(paths, only).sources:
        content = at_base.content(source)
        if content is not None:
            results.append(
                grade_file(content, file=source.name, settings=settings, sniff=source.found)
            )
    return with_fleet(results, settings, context)
