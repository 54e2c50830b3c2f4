"""`deploylint fleet`: the map of resources, writers and locks, from each doc's facts.

It needs each doc's facts only, never its grade: they come from the per-folder index the
hook's context uses (deploylint.fleet.context), so an unchanged file isn't read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from deploylint.fleet.context import fleet_facts
from deploylint.fleet.map import as_blocks, as_markdown, as_table, fleet_map
from deploylint.input.sources import Filter
from deploylint.messages import say
from deploylint.report import RenderOptions, render_rich
from deploylint.report.outcome import ExitCode
from deploylint.rubric.grade import Settings, grade_doc


def fleet_view(
    paths: Sequence[str],
    settings: Settings,
    *,
    only: Filter,
    chosen: str,
    render: RenderOptions,
    out: TextIO,
    err: TextIO,
    jobs: int | None = None,
) -> int:
    """Write the map in the ``chosen`` format; 0 unless an error (a doc that couldn't be read
    is named, so the map isn't trusted as whole)."""
    from deploylint.report.text import MIN_WIDTH, PLAIN_WIDTH

    found = fleet_facts(
        paths, limits=settings.limits, only=only, err=err, jobs=jobs, use_cache=settings.use_cache
    )
    errors = found.errors
    if not errors and not found.facts and not found.unread:
        errors.append(f"no deploylint docs found in {' '.join(paths)}")
    for message in errors:
        say(err, message)
    rows = fleet_map(found.facts)
    unread = [
        f"{file}:{first.line}:{first.column}: {first.rule} {first.gap} (this doc's agents "
        "and writes are not in the map)"
        for file, doc in found.unread
        for first in grade_doc(doc, file=file, settings=settings).findings[:1]
    ]
    for message in unread:
        say(err, message)
    if chosen == "json":
        from deploylint.report.json_report import write_indented

        write_indented((row.record() for row in rows), out, depth=1)  # a row at a time
        out.write("\n")
    elif chosen == "markdown":
        out.write(as_markdown(rows))
    elif render.terminal:
        out.write(render_rich([as_table(rows)], render))
    else:  # CI logs, a pipe: plain blocks, as check's
        out.write(as_blocks(rows, max(MIN_WIDTH, render.width or PLAIN_WIDTH)))
    return ExitCode.ERROR if errors or unread else ExitCode.CLEAN
