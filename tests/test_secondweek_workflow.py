"""Issue 21, the second week's workflow: a report written to a file still says why the job
failed, writing a baseline says so, renames keep their known findings, workers die with
their parent, and `audit` speaks the CI formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAILING, TODAY, deploylint


def test_a_report_written_to_a_file_says_its_summary_on_stderr(tmp_path: Path) -> None:
    """The GitLab job writes JUnit to a file: a failed job must still show a reason."""
    report = tmp_path / "report.xml"
    run = deploylint("check", str(FAILING), "-f", "junit", "-o", str(report), "--today", TODAY)
    assert run.code == 1 and run.stdout == "" and report.read_text().startswith("<?xml")
    [line] = run.stderr.splitlines()
    assert line.startswith("deploylint: 1 file, 1 document: 38 findings (")
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


def _children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:  # a zombie nobody reaps (a container's init may not) is dead all the same
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree in /proc")
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path, signal_name: str) -> None:
    """A CI cancellation or the OOM killer kills the parent only: its workers must not live on,
    re-parented and blocked on a pipe, as they did."""
    import os
    import signal
    import subprocess
    import sys
    import time

    for n in range(600):
        (tmp_path / f"doc-{n:03}.yaml").write_bytes(FAILING.read_bytes())
    command = [sys.executable, "-m", "deploylint", "check", str(tmp_path), "--jobs", "2"]
    env = {**os.environ, "DEPLOYLINT_NO_CACHE": "1"}
    parent = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
            workers = _children(parent.pid)
            time.sleep(0.002)
        assert len(workers) == 2, "the run ended before its workers were seen"
        os.kill(parent.pid, getattr(signal, signal_name))
        parent.wait()
        deadline = time.monotonic() + 20  # generous: they go at once; without the fix, never
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:  # nothing outlives the test, whatever happened
        parent.kill()
        for pid in filter(_alive, workers):
            os.kill(pid, signal.SIGKILL)


ROWS = (
    '{"timestamp": "2026-11-02T02:17:00Z", "agent_id": "db-cost-agent", '
    '"resource": "orders-db/cluster", "rollback_allowed": true}\n'
)


def test_audit_writes_github_annotations(write) -> None:
    rows = write("audit.jsonl", ROWS)
    run = deploylint("audit", str(rows), "-f", "github")
    lines = run.stdout.splitlines()
    assert run.code == 1 and lines[-1] == (
        "deploylint: 1 row: 5 findings (1 critical, 4 high). 5 at or above high: FAIL"
    )
    assert lines[0].startswith(f"::error file={rows},line=1,col=1,title=AR002 ")
    assert lines[-2].startswith(f"::error file={rows},line=1,col=1,title=AR004 ")


def test_audit_writes_sarif_with_the_audit_row_rules(write) -> None:
    from tests.test_report_sarif import assert_valid

    rows = write("audit.jsonl", ROWS)
    run = deploylint("audit", str(rows), "-f", "sarif")
    assert run.code == 1
    log = run.json()
    assert_valid(log)
    [only] = log["runs"]
    assert {rule["id"][:2] for rule in only["tool"]["driver"]["rules"]} == {"AR"}
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in only["results"]]
    assert [r["ruleId"] for r in only["results"]] == ["AR002", "AR003", "AR003", "AR003", "AR004"]
    assert regions[-1] == {"startLine": 1, "startColumn": 1}
