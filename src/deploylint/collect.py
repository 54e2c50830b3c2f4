"""Everything a run needs before rendering: settings from the config, and the graded files."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TextIO

from deploylint.budget import OverBudget
from deploylint.config import Config
from deploylint.configure import ignored_rules, rubric_for, unwaivable_rules
from deploylint.fleet.facts import DocFacts
from deploylint.grade import ContextFleet, FileResult, Settings, grade_file, with_fleet
from deploylint.loader import Limits
from deploylint.messages import say
from deploylint.results import grade_cached
from deploylint.sources import Filter, Source, Unreadable, discover, read

PROGRESS_FROM = 50  # files; a progress bar for fewer only flickers
POOL_FROM = 200  # files; below this, starting worker processes costs more than it saves
MAX_WORKERS = 8
PER_WORKER = 100  # files; fewer and starting the worker costs more than it grades
LOAD = "/proc/loadavg"  # Linux: its fourth field is running/all processes


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
    graded = _shared(_graded(sources, settings, jobs))
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


def workers_for(files: int, jobs: int | None) -> int:
    """How many processes grade ``files`` files: --jobs, else as many as pay for themselves.

    A worker pays when it gets at least PER_WORKER files and a core nobody else is using:
    measured on 2 cores, 1,000 docs ran 1.5x faster with 2 workers on a quiet machine and
    no faster with the other core busy, so busy cores don't count.
    """
    if jobs is not None:
        return max(1, jobs)
    if files < POOL_FROM:
        return 1
    return max(1, min(free_cores(), files // PER_WORKER, MAX_WORKERS))


def free_cores() -> int:
    """Cores this process may run on, less the other processes running (anywhere on the
    machine) right now: pinned to a few cores of a busy host, it undercounts."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (usable or 1) - _others_running())


def _others_running() -> int:
    """Other processes running or ready to run right now: Linux says so in /proc/loadavg
    (its fourth field counts this one too); elsewhere the 1-minute load average, which lags."""
    try:
        with open(LOAD, encoding="ascii") as numbers:  # noqa: PTH123
            return max(0, int(numbers.read().split()[3].partition("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return round(os.getloadavg()[0])
    except (AttributeError, OSError):
        return 0


_SETTINGS: list[Settings] = []  # a worker process's settings, set once by its initializer


def _start_worker(settings: Settings, parent: int) -> None:
    from deploylint.orphans import die_with  # in workers only: start-up stays lean

    _SETTINGS.append(settings)
    die_with(parent)  # a CI cancellation or the OOM killer hits the parent only


def _grade_in_worker(source: Source) -> FileResult | str:
    return grade_source(source, _SETTINGS[0])


def _graded(
    sources: list[Source], settings: Settings, jobs: int | None
) -> Iterator[FileResult | str]:
    """Results in the sources' order, whatever the number of workers: output is identical.

    With workers, every file is submitted (and every worker forked) before this returns, so
    no thread (the progress bar's) exists yet when the process forks.
    """
    workers = workers_for(len(sources), jobs)
    if workers == 1:
        return (grade_source(source, settings) for source in sources)
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # fork where the platform has it: workers inherit the loaded rubric instead of unpickling it
    method = "fork" if "fork" in _start_methods() else None
    chunk = max(1, min(64, len(sources) // (workers * 8)))
    pool = ProcessPoolExecutor(workers, get_context(method), _start_worker, (settings, os.getpid()))
    results = pool.map(_grade_in_worker, sources, chunksize=chunk)

    def drained() -> Iterator[FileResult | str]:
        try:
            yield from results
        finally:
            pool.shutdown()

    return drained()


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods

    return get_all_start_methods()


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
