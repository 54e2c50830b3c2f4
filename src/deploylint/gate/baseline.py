"""Known findings to leave out of a report: a baseline file, or the same docs at a git ref.

Findings are keyed on rule + file + key path (never line numbers, which shift) and counted,
so two identical findings need two entries. Only unwaived findings are matched.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from deploylint import __version__
from deploylint.input.gitbase import GitRef
from deploylint.input.safewrite import write_text
from deploylint.report.findings import Finding
from deploylint.rubric.grade import FileResult

Key = tuple[str, str, str]  # rule, file, key path
FORMAT_VERSION: Final = 1


class BaselineError(Exception):
    """A baseline file that can't be read or written: a one-line message, exit 2."""


def _relative(file: str, folder: Path) -> str:
    """A finding's file relative to the baseline's folder, so cwd doesn't matter."""
    if file.startswith("<"):
        return file
    return Path(os.path.relpath(Path(file).resolve(), folder.resolve())).as_posix()


def keys(findings: Iterable[Finding], folder: Path | None = None) -> Counter[Key]:
    """How many unwaived findings there are of each key."""

    def file_of(f: Finding) -> str:
        return _relative(f.file, folder) if folder is not None else f.file

    return Counter((f.rule, file_of(f), f.path) for f in findings if not f.waived)


def write_baseline(path: Path, results: Iterable[FileResult]) -> int:
    """Write every unwaived finding of a run; return how many."""
    counted = keys((f for r in results for f in r.findings), path.parent)
    entries = [
        {"rule": rule, "file": file, "path": key_path, "count": count}
        for (rule, file, key_path), count in sorted(counted.items())
    ]
    body = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "deploylint", "version": __version__},
    }
    try:
        write_text(path, json.dumps({**body, "entries": entries}, indent=2) + "\n")
    except OSError as error:
        raise BaselineError(f"{path}: {error.strerror or error}") from None
    return sum(counted.values())


def read_baseline(path: Path, ref: GitRef | None = None, *, named: str = "") -> Counter[Key]:
    """The baseline's counted keys; with ``ref`` (--gate-from), the file as it is there.
    ``named``: how the run was given it (``--baseline bl.json``), for its errors."""
    named = named or str(path)
    try:
        data = json.loads(_raw(path, ref, named), parse_constant=_no_constant)
        return Counter(dict(_entry(e) for e in data["entries"]))
    except OSError as error:
        raise BaselineError(f"{named}: {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        raise BaselineError(f"{named}: not a deploylint baseline ({error})") from None


MAX_COUNT: Final = 1_000_000


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _entry(entry: dict[str, object]) -> tuple[Key, int]:
    """One entry's key and count; ValueError or TypeError when it has the wrong shape."""
    rule, file, key_path = entry["rule"], entry["file"], entry["path"]
    count = entry.get("count", 1)
    if not all(isinstance(v, str) for v in (rule, file, key_path)):
        raise TypeError("rule, file and path are text")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count {count!r} is not a whole number from 1 to {MAX_COUNT:,}")
    return (str(rule), str(file), str(key_path)), count


def _raw(path: Path, ref: GitRef | None, named: str) -> bytes:
    if ref is None:
        return path.read_bytes()
    content = ref.read(path)
    if not isinstance(content, bytes):
        raise BaselineError(f"{named}: no such baseline at --gate-from {ref.ref}")
    return content


@dataclass(frozen=True, slots=True)
class Suppressed:
    """What was left out of a report, and the known keys nothing matched any more (stale)."""

    results: list[FileResult]
    count: int
    stale: list[Key]


def suppress(
    results: list[FileResult], known: Counter[Key], folder: Path | None = None
) -> Suppressed:
    """Leave out each unwaived finding whose key is still known; count what was left out."""
    remaining = Counter(known)
    left_out = 0

    def kept(found: Finding) -> bool:
        nonlocal left_out
        key = (found.rule, _relative(found.file, folder) if folder else found.file, found.path)
        if found.waived or remaining[key] <= 0:
            return True
        remaining[key] -= 1
        left_out += 1
        return False

    def trimmed(result: FileResult) -> FileResult:
        documents = [
            replace(doc, findings=tuple(f for f in doc.findings if kept(f)))
            for doc in result.documents
        ]
        return replace(result, documents=tuple(documents))

    kept_results = [trimmed(result) for result in results]
    graded = {_relative(r.file, folder) if folder else r.file for r in results}
    stale = sorted(
        key
        for key, count in remaining.items()
        if count > 0 and _gone_or_graded(key[1], graded, folder)
    )
    return Suppressed(kept_results, left_out, stale)


def _gone_or_graded(file: str, graded: set[str], folder: Path | None) -> bool:
    """Whether an unmatched entry for ``file`` is stale: the file was graded this run (its
    finding is fixed), or is gone. A file the run didn't grade (the pre-commit hook grades
    only what is staged) may still have it."""
    return file in graded or (folder is not None and not (folder / file).exists())
