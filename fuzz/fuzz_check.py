"""Coverage-guided fuzzing of the whole pipeline (read, load, grade, fleet, report) with atheris.

    pip install atheris
    mkdir -p /tmp/corpus && cp -r examples tests/hostile /tmp/corpus/
    python fuzz/fuzz_check.py /tmp/corpus -max_total_time=300 -rss_limit_mb=500 -timeout=10

Each input is written to a file and run the way the CLI runs it: ``check`` with JSON and with
text output, then ``audit`` on the same bytes as rows. A failure is any
exception, an "internal error" line, output that can't be written as UTF-8, JSON that doesn't
parse (NaN and Infinity included), or an exit code outside {0, 1, 2}.

With ``DEPLOYLINT_FUZZ_KEEP_GOING=1`` a failure is recorded in ``./fuzz-failures/`` (or
``$DEPLOYLINT_FUZZ_FAILURES``: one file per kind of failure, with its first input) instead
of stopping the run, and ``summary.txt`` there keeps the figures: inputs tried, failing
inputs, and each kind with its count. (libFuzzer ends the process without running Python's
exit handlers, so the summary is rewritten as the run goes rather than printed at the end.)
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import traceback
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import ruamel.yaml  # noqa: F401

    from deploylint.audit.run import AuditOptions, run_audit
    from deploylint.cli.runs import Options, run_check
    from deploylint.report import RenderOptions
    from deploylint.rubric.grade import Settings, grade_file
    from deploylint.rubric.load import load_default

KEEP_GOING = os.environ.get("DEPLOYLINT_FUZZ_KEEP_GOING") == "1"
FAILURES = Path(os.environ.get("DEPLOYLINT_FUZZ_FAILURES", "fuzz-failures"))
WORK = Path(tempfile.mkdtemp(prefix="deploylint-fuzz-"))
DOC = WORK / "doc.yaml"
TODAY = date(2026, 11, 22)
counts: Counter[str] = Counter()
tried = Counter[str]()


class Failure(Exception):
    """A promise deploylint broke on this input; the message is the kind of failure."""


def _strict_json(text: str) -> None:
    def refuse(constant: str) -> None:
        raise Failure(f"JSON output holds {constant}")

    try:
        json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        raise Failure(f"JSON output doesn't parse: {error.msg}") from None


def _check(out: StringIO, err: StringIO, code: int, *, as_json: bool) -> None:
    if code not in (0, 1, 2):
        raise Failure(f"exit code {code}")
    for line in err.getvalue().splitlines():
        if "internal error" in line:
            # one kind per exception and message shape, whatever the numbers in it
            raise Failure(re.sub(r"\d+", "N", line[line.index("internal error") :]))
    try:
        text = out.getvalue()
        text.encode("utf-8")
        err.getvalue().encode("utf-8")
    except UnicodeEncodeError as error:
        raise Failure(f"output can't be written as UTF-8: {error.reason}") from None
    if as_json:
        _strict_json(text)


def one_input(data: bytes) -> None:
    """The bytes as a doc (JSON and text reports), then as audit rows."""
    DOC.write_bytes(data)
    for chosen in ("json", "text"):
        out, err = StringIO(), StringIO()
        code = run_check(Options((str(DOC),), TODAY, format=chosen), out=out, err=err)
        _check(out, err, code, as_json=chosen == "json")
    out, err = StringIO(), StringIO()
    options = AuditOptions(str(DOC), None, "json", None, RenderOptions())
    _check(out, err, run_audit(options, load_default(), out=out, err=err), as_json=True)


def test_one_input(data: bytes) -> None:
    tried["inputs"] += 1
    try:
        one_input(data)
    except Exception as error:
        if not KEEP_GOING:
            raise
        kind = str(error) if isinstance(error, Failure) else f"{type(error).__name__}: {error}"
        kind = f"{kind[:100]} at {_origin(data)}"
        if not counts[kind]:
            FAILURES.mkdir(exist_ok=True)
            name = f"failure-{len(counts) + 1}"
            (FAILURES / f"{name}.txt").write_text(kind + "\n")
            (FAILURES / f"{name}.input").write_bytes(data)
        counts[kind] += 1
        _summary()
    if KEEP_GOING and tried["inputs"] % 500 == 0:
        _summary()


def _origin(data: bytes) -> str:
    """Where grading these bytes raises (file:line of the deepest frame), so that two bugs
    with the same message count as two kinds; "-" when grading alone doesn't raise."""
    try:
        grade_file(data, file="doc.yaml", settings=Settings(load_default(), TODAY))
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return f"{Path(frame.filename).name}:{frame.lineno}"
    return "-"


def _summary() -> None:
    failing = sum(counts.values())
    lines = [f"{tried['inputs']} inputs tried, {failing} failing, {len(counts)} kinds of failure"]
    lines += [f"{n:8d}  {kind}" for kind, n in counts.most_common()]
    FAILURES.mkdir(exist_ok=True)
    (FAILURES / "summary.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
