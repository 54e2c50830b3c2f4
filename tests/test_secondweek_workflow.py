"""Issue 21, the second week's workflow: a report written to a file still says why the job
failed, writing a baseline says so, renames keep their known findings, workers die with
their parent, and `audit` speaks the CI formats."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FAILING, TODAY, deploylint


def test_a_report_written_to_a_file_says_its_summary_on_stderr(tmp_path: Path) -> None:
    """The GitLab job writes JUnit to a file: a failed job must still show a reason."""
    report = tmp_path / "report.xml"
    run = deploylint("check", str(FAILING), "-f", "junit", "-o", str(report), "--today", TODAY)
    assert run.code == 1 and run.stdout == "" and report.read_text().startswith("<?xml")
    [line] = run.stderr.splitlines()
    assert line.startswith("deploylint: 1 file, 1 document: 37 findings (")
    assert line.endswith(f"at or above high: FAIL (report: {report})")


def test_a_report_on_stdout_says_no_second_summary() -> None:
    run = deploylint("check", str(FAILING), "-f", "junit", "--today", TODAY)
    assert run.code == 1 and run.stderr == ""


def test_writing_a_baseline_says_baseline_written_not_fail(tmp_path: Path) -> None:
    baseline = tmp_path / "bl.json"
    run = deploylint("check", str(FAILING), "--write-baseline", str(baseline), "--today", TODAY)
    assert run.code == 0
    [summary] = run.stdout.splitlines()  # the findings are in the baseline, not listed again
    assert summary.endswith(f"37 recorded in {baseline}: BASELINE WRITTEN")
    assert "FAIL" not in run.stdout
    as_json = deploylint(
        "check", str(FAILING), "--write-baseline", str(baseline), "-f", "json", "--today", TODAY
    ).json()["summary"]
    assert (as_json["verdict"], as_json["exit_code"]) == ("baseline written", 0)
