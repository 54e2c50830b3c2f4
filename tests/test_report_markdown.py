"""The Markdown gap report: tables that hold together, and a comment that always fits GitHub's
65,536-character limit, cut with a note that says what is missing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from deploylint.report.findings import Severity
from deploylint.report.gap import GapReport
from deploylint.report.markdown import CUT_NOTE, LIMIT, fit, size
from deploylint.report.outcome import Report
from deploylint.rubric.grade import FileResult, Settings, grade_file
from deploylint.rubric.load import load_default
from tests.conftest import FAILING, REPO, TODAY, check_json, deploylint

NOTE = "**Truncated — see the full report.**"
RUBRIC = load_default()


def cells(line: str) -> int:
    """How many cells a table row has: pipes not escaped by a backslash, minus one."""
    pipes, escaped = 0, False
    for char in line:
        pipes += char == "|" and not escaped
        escaped = char == "\\" and not escaped
    return pipes - 1


def assert_tables_hold(text: str) -> None:
    """Every row of every table has as many cells as its header."""
    width = None
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        if width is None:
            width = cells(line)
        assert cells(line) == width, line


def markdown(*paths: str | Path) -> str:
    run = deploylint("check", *map(str, paths), "-f", "markdown", "--today", TODAY)
    assert run.code == 1, run.stderr
    return run.stdout


def test_the_examples_fit_whole_with_verdicts_grades_and_the_fleet(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    text = markdown("examples")
    assert NOTE not in text and size(text) < LIMIT
    assert_tables_hold(text)
    assert "## deploylint gap report: ❌ not authorized" in text
    assert "### 2. examples/support-replies.yaml · support-replies: ✅ authorized" in text
    assert "| Kill switch | ✅ met | 10 of 10: KS001, KS002" in text  # what is met, by id
    assert "| KS003 | the whole doc |" in text  # the waiver...
    assert "| ana.p | 2026-12-31 |" in text  # ...its approver and expiry
    assert "### Fleet map" in text and "collision: no shared lock" in text


def test_the_table_check_can_fail() -> None:
    assert cells(r"| a \| b | c |") == 2
    try:
        assert_tables_hold("| a | b |\n|---|---|\n| a | b | c |\n")
    except AssertionError:
        return
    raise AssertionError("a row with an extra cell went unnoticed")


def test_a_thousand_findings_fit_one_comment_most_severe_first(tmp_path) -> None:
    for n in range(26):
        (tmp_path / f"doc{n:02}.yaml").write_text(FAILING.read_text())
    text = markdown(tmp_path)
    assert size(text) <= LIMIT
    head, _, rest = text.partition("| # | document |")
    assert NOTE in head  # said at the top, before anything was left out
    shown = re.search(r"this shows (\d+) of (\d+) findings", head)
    assert shown and int(shown[2]) >= 1000
    rows = re.findall(r"^\| (critical|high|medium|low|info)( · waived)? \|", rest, re.M)
    assert len(rows) == int(shown[1]) > 0
    criticals = check_json(*sorted(tmp_path.glob("*.yaml")))[1]["summary"]["by_severity"]
    assert rows.count(("critical", "")) == criticals["critical"] > 0  # every one made the cut
    assert all(f"doc{n:02}.yaml" in rest for n in range(26))  # every doc keeps its verdict
    assert_tables_hold(text)


def _report(copies: int) -> Report:
    settings = Settings(RUBRIC, date.fromisoformat(TODAY))
    results: list[FileResult] = [
        grade_file(FAILING.read_bytes(), file=f"doc{n}.yaml", settings=settings)
        for n in range(copies)
    ]
    return Report(tuple(results), (), Severity.HIGH, settings.today, rubric=RUBRIC)


def test_when_findings_alone_cant_make_room_doc_sections_go_then_lines() -> None:
    report = _report(3)

    def sections_only(gap: GapReport) -> str:  # the size depends on the sections alone
        return "\n".join(f"section {n}" + "x" * 30_000 for n in range(gap.detailed))

    assert fit(report, sections_only).count("section") == 2

    def always_too_long(gap: GapReport) -> str:
        return "a line of the report\n" * 10_000 + ("cut" if gap.truncated else "")

    text = fit(report, always_too_long)
    assert size(text) <= LIMIT and text.endswith(CUT_NOTE)
    assert set(text.removesuffix(CUT_NOTE).splitlines()) == {"a line of the report"}


def test_size_counts_utf16_code_units_the_stricter_way() -> None:
    assert size("✅") == 1 and size("\U0001f600") == 2
