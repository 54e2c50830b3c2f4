"""`deploylint audit FILE`: check real audit rows, streaming findings as they are found."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from deploylint.audit.check import DEFAULT_COLUMNS, AuditSpec, RowHit, check_row
from deploylint.audit.rows import Row, read_rows
from deploylint.audit.streams import stream_for
from deploylint.input.sources import Source, Unreadable, read
from deploylint.load.loader import Limits, load_bytes
from deploylint.messages import say
from deploylint.model import written
from deploylint.model.doc_model import build
from deploylint.report import RenderOptions
from deploylint.report.findings import Finding, Position, Severity
from deploylint.report.outcome import ExitCode
from deploylint.rubric.model import Rubric
from deploylint.rubric.render import build_finding


@dataclass(frozen=True, slots=True)
class AuditOptions:
    file: str
    doc: str | None
    format: str
    fail_on: Severity | None
    render: RenderOptions


class AuditError(Exception):
    """A file or doc that can't be used: a one-line message, exit code 2."""


def spec_from_doc(path: str | None, rubric: Rubric) -> AuditSpec:
    """Required columns and agent ids from a deployment doc, or the brief's defaults."""
    # AR005 reads rollback paths exactly as RB008 reads a doc's: with RB008's parameters.
    params = {rule_id: rubric.rule(rule_id).params for rule_id in ("RB008", "AR006")}
    if path is None:
        return AuditSpec(params=params)
    limit = Limits().max_bytes
    try:
        raw = read(Source(path, Path(path)), limit)
    except Unreadable as error:
        raise AuditError(str(error)) from None
    if isinstance(raw, int):
        raise AuditError(f"{path}: {raw:,} bytes, over the {limit:,}-byte limit for a doc")
    docs = [d for d in load_bytes(raw) if d.gradable]
    if not docs:
        raise AuditError(f"{path}: no deployment doc could be read (run deploylint check on it)")
    columns = written.audit_columns(docs[0].data)
    agents = {agent.key for d in docs for agent in build(d.data).agents if agent.key}
    chosen = (
        tuple(str(c) for c in columns) if isinstance(columns, list) and columns else DEFAULT_COLUMNS
    )
    return AuditSpec(chosen, frozenset(agents), params)


def _where(row: Row, name: str | None) -> Position:
    """The field's own line and column where the row has it, else the row's start."""
    offset = row.text.find(json.dumps(name)) if name else -1
    if offset < 0:
        return Position(row.line, row.column)
    before = row.text[:offset]
    newlines = before.count("\n")
    column = offset - before.rfind("\n") if newlines else row.column + offset
    return Position(row.line + newlines, column)


def _variables(row: Row, hit: RowHit) -> dict[str, Any]:
    data = row.data or {}
    path, holder = data.get("rollback_path"), data.get("rollback_key_holder")
    route = f"via {path}" if path else "no rollback route recorded"
    return {
        **hit.values,
        "row": data,
        "who": str(data.get("agent_id") or "an unrecorded agent"),
        "resource": str(data.get("resource") or "an unrecorded resource"),
        "route": f"{route} (key: {holder or 'nobody recorded'})",
    }


def findings(rows: Iterator[Row], spec: AuditSpec, rubric: Rubric, file: str) -> Iterator[Finding]:
    for row in rows:
        for hit in check_row(row, spec):
            path = (row.index, hit.field) if hit.field else (row.index,)
            yield build_finding(
                rubric.rule(hit.rule),
                missing=hit.missing,
                variables=_variables(row, hit),
                file=file,
                document=1,
                where=_where(row, hit.field),
                path=path,
                guess=hit.guess,
            )


def open_rows(file: str) -> IO[bytes]:
    if file == "-":
        return sys.stdin.buffer
    try:
        return Path(file).open("rb")
    except OSError as error:
        raise AuditError(f"{file}: {error.strerror or error}") from None


def run_audit(options: AuditOptions, rubric: Rubric, *, out: TextIO, err: TextIO) -> int:
    """Check every row; return 1 when a finding is at or above --fail-on, 2 on an error."""
    try:
        spec = spec_from_doc(options.doc, rubric)
        stream = open_rows(options.file)
    except AuditError as error:
        say(err, str(error))
        return ExitCode.ERROR
    writer = stream_for(options.format, out, options.file, options.render, rubric)
    counts: Counter[Severity] = Counter()
    rows = Counter[str]()

    def counted(source: Iterator[Row]) -> Iterator[Row]:
        for row in source:
            rows["read"] += 1
            yield row

    with stream:
        for found in findings(counted(read_rows(stream)), spec, rubric, options.file):
            counts[found.severity] += 1
            writer.write(found)
    failing = sum(
        n for s, n in counts.items() if options.fail_on is not None and s >= options.fail_on
    )
    writer.close(
        {
            "rows": rows["read"],
            "findings": sum(counts.values()),
            "by_severity": {s.label: counts.get(s, 0) for s in sorted(Severity, reverse=True)},
            "fail_on": options.fail_on.label if options.fail_on is not None else "none",
            "failing": failing,
            "exit_code": int(ExitCode.FINDINGS if failing else ExitCode.CLEAN),
        }
    )
    return ExitCode.FINDINGS if failing else ExitCode.CLEAN
