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


def _git(repo: Path, *args: str) -> None:
    import subprocess

    identity = ("-c", "user.name=t", "-c", "user.email=t@example.com")
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


def _legacy_repository(tmp_path: Path, monkeypatch) -> Path:
    """A repository with a legacy doc (37 findings) and its baseline, committed."""
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "legacy.yaml").write_bytes(FAILING.read_bytes())
    recorded = deploylint("check", "deploy", "--write-baseline", "baseline.json", "--today", TODAY)
    assert recorded.code == 0
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "adopt deploylint")
    return tmp_path


def test_a_git_mv_keeps_the_baselines_known_findings(tmp_path: Path, monkeypatch) -> None:
    repo = _legacy_repository(tmp_path, monkeypatch)
    _git(repo, "mv", "deploy/legacy.yaml", "deploy/db-autoscaler.yaml")
    staged = deploylint("check", "deploy", "--baseline", "baseline.json", "--today", TODAY)
    assert staged.code == 0 and "stale" not in staged.stderr, staged.stderr
    assert "37 finding(s) left out" in staged.stderr
    _git(repo, "commit", "-qm", "rename")  # and once the rename is history
    committed = deploylint("check", "deploy", "--baseline", "baseline.json", "--today", TODAY)
    assert committed.code == 0 and "stale" not in committed.stderr


def test_a_git_mv_keeps_the_diff_bases_known_findings(tmp_path: Path, monkeypatch) -> None:
    repo = _legacy_repository(tmp_path, monkeypatch)
    _git(repo, "mv", "deploy/legacy.yaml", "deploy/db-autoscaler.yaml")
    moved = repo / "deploy" / "db-autoscaler.yaml"
    moved.write_text(moved.read_text().replace("owner: TBD", "owner: oncall-db"))  # fixes one
    run = deploylint("check", "deploy", "--diff-base", "HEAD", "-f", "json", "--today", TODAY)
    assert run.code == 0 and run.json()["summary"]["left_out"] == 36


def test_a_rename_is_never_a_copy_or_a_link(tmp_path: Path, monkeypatch) -> None:
    """Only a rename carries known findings: a copy of a grandfathered doc beside it, or a
    link to it, is a new doc, findings and all."""
    repo = _legacy_repository(tmp_path, monkeypatch)
    (repo / "deploy" / "copy.yaml").write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "link.yaml").symlink_to("legacy.yaml")
    _git(repo, "add", ".")
    for known in (("--baseline", "baseline.json"), ("--diff-base", "HEAD")):
        run = deploylint("check", "deploy/copy.yaml", *known, "-f", "json", "--today", TODAY)
        assert run.code == 1 and run.json()["summary"]["left_out"] == 0, known
    _git(repo, "rm", "-q", "deploy/legacy.yaml")  # now a copy's source is gone: a rename...
    (repo / "deploy" / "legacy.yaml").symlink_to("copy.yaml")  # ...but a link took its place
    _git(repo, "add", ".")
    run = deploylint(
        "check", "deploy/copy.yaml", "--diff-base", "HEAD", "-f", "json", "--today", TODAY
    )
    assert run.code == 1 and run.json()["summary"]["left_out"] == 0
