"""--fleet-context: the fleet rules see the repository's other docs beside the graded ones,
so a staged doc colliding with a committed one is caught; only the graded docs are reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FAILING, PASSING, TODAY, check_json, deploylint, settled

FLEET = EXAMPLES / "fleet-0217"
# The hook entry this needs (.pre-commit-hooks.yaml): the repository is the fleet context.
HOOK_ENTRY = "deploylint check --only-docs --fleet-context . --"


def _repo(tmp_path: Path) -> Path:
    deploy = tmp_path / "repo" / "deploy"
    deploy.mkdir(parents=True)
    shutil.copy(FLEET / "db-cost.yaml", deploy)
    shutil.copy(FLEET / "db-perf.yaml", deploy)
    shutil.copy(FAILING, deploy / "autoscaler.yaml")  # gaps of its own: never reported here
    return deploy


def test_a_doc_colliding_with_a_context_doc_is_reported_alone(tmp_path: Path) -> None:
    deploy = _repo(tmp_path)
    alone_code, alone = check_json(deploy / "db-perf.yaml", extra=("--no-config",))
    assert alone_code == 0 and not alone["findings"]
    code, report = check_json(
        deploy / "db-perf.yaml", extra=("--no-config", "--fleet-context", str(deploy))
    )
    assert code == 1
    assert [f["file"] for f in report["files"]] == [str(deploy / "db-perf.yaml")]
    assert {f["file"] for f in report["findings"]} == {str(deploy / "db-perf.yaml")}
    [collision] = [f for f in report["findings"] if f["rule"] == "FL001"]
    assert (
        "db-cost-agent" in collision["gap"]
        and str(deploy / "db-cost.yaml") in (collision["blast_radius"])
    )
    assert report["summary"]["documents"] == 1  # context docs are not graded
    again = check_json(
        deploy / "db-perf.yaml", extra=("--no-config", "--fleet-context", str(deploy))
    )
    assert again == (code, report)  # the second run reads the context's facts from the cache


def test_the_graded_file_inside_the_context_is_not_its_own_neighbour(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(PASSING, deploy / "good.yaml")
    code, report = check_json(
        deploy / "good.yaml", extra=("--no-config", "--fleet-context", str(tmp_path))
    )
    assert code == 0 and not report["findings"]  # no FL006: one agent id declared twice


def test_a_missing_context_path_makes_the_run_incomplete() -> None:
    run = deploylint("check", str(PASSING), "--fleet-context", "no/such/folder", "--today", TODAY)
    assert run.code == 2 and run.stdout.rstrip().endswith("INCOMPLETE")
    assert "deploylint: error: --fleet-context: no/such/folder: no such file" in run.stderr


def _git(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    identity = ["-c", "user.email=dev@example.com", "-c", "user.name=dev"]
    return subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_real_pre_commit_blocks_a_staged_doc_colliding_with_a_committed_one(tmp_path) -> None:
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    bin_folder = str(Path(sys.executable).parent)  # this venv's deploylint, as a system hook
    env = {
        **os.environ,
        "PATH": bin_folder + os.pathsep + os.environ["PATH"],
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
    }
    env.pop("FORCE_COLOR", None)
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: deploylint\n"
        f"        name: deploylint\n        entry: {HOOK_ENTRY}\n        language: system\n"
        "        types: [yaml]\n        require_serial: true\n"
    )
    assert _git(project, "init", "-q", env=env).returncode == 0
    assert (
        subprocess.run(["pre-commit", "install"], cwd=project, env=env, check=False).returncode == 0
    )
    shutil.copy(FLEET / "db-cost.yaml", project / "deploy")
    shutil.copy(PASSING, project / "deploy" / "support.yaml")
    _git(project, "add", "-A", env=env)
    first = _git(project, "commit", "-m", "two docs that don't collide", env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    shutil.copy(FLEET / "db-perf.yaml", project / "deploy")
    _git(project, "add", "deploy/db-perf.yaml", env=env)
    second = _git(project, "commit", "-m", "a doc that collides with a committed one", env=env)
    output = second.stdout + second.stderr
    assert second.returncode != 0, output
    assert "deploy/db-perf.yaml:25:9" in output and "FL001" in output
    assert "deploy/db-cost.yaml" in output  # names the committed doc it collides with
    assert "support.yaml" not in output  # only the staged doc is reported on
    assert "db-perf.yaml" not in _git(project, "log", "--stat", env=env).stdout


def test_a_warm_run_reads_no_unchanged_context_doc(tmp_path: Path, monkeypatch) -> None:
    """Each folder's context docs are indexed by stat: a second run opens none of the docs
    it indexed, yet a doc edited since is read again (and its new collision seen)."""
    import deploylint.fleet.context as fleet_context

    deploy = _repo(tmp_path)
    shutil.copy(PASSING, deploy / "support.yaml")
    settled(deploy)
    args = (deploy / "db-perf.yaml",)
    extra = ("--no-config", "--fleet-context", str(deploy))
    first = check_json(*args, extra=extra)
    opened: list[str] = []
    real_read = fleet_context.read

    def counting(source, limit):  # type: ignore[no-untyped-def]
        opened.append(source.name)
        return real_read(source, limit)

    monkeypatch.setattr(fleet_context, "read", counting)
    assert check_json(*args, extra=extra) == first and opened == []
    # an edit (a new collision with the graded doc) is seen at the next run
    text = (deploy / "support.yaml").read_text().replace("tickets-db/tier1", "orders-db/cluster")
    (deploy / "support.yaml").write_text(text)
    _, report = check_json(*args, extra=extra)
    assert opened == [str(deploy / "support.yaml")]
    collisions = [f["gap"] for f in report["findings"] if f["rule"] == "FL001"]
    assert any("support-reply-agent" in gap for gap in collisions)


def test_a_doc_written_as_the_run_starts_is_read_again_next_run(tmp_path: Path, monkeypatch):
    """A file written within two seconds of a run may be written again in the same tick of
    a coarse clock (1 s on HFS+ and some ext4 mounts) with the same size: its stat can't
    vouch for what was read, so the index doesn't keep it (git's racily clean entries)."""
    import deploylint.fleet.context as fleet_context

    deploy = _repo(tmp_path)
    settled(deploy)
    (deploy / "support.yaml").write_text(PASSING.read_text())  # just now
    args, extra = (deploy / "db-perf.yaml",), ("--no-config", "--fleet-context", str(deploy))
    opened: list[str] = []
    real_read = fleet_context.read

    def counting(source, limit):  # type: ignore[no-untyped-def]
        opened.append(Path(source.name).name)
        return real_read(source, limit)

    monkeypatch.setattr(fleet_context, "read", counting)
    for _ in range(2):
        check_json(*args, extra=extra)
    assert opened.count("support.yaml") == 2 and opened.count("db-cost.yaml") == 1
    settled(deploy)  # two seconds on: now its stat says it is the file that was read
    check_json(*args, extra=extra)
    opened.clear()
    check_json(*args, extra=extra)
    assert opened == []


def test_only_context_docs_that_meet_the_graded_ones_reach_the_map(tmp_path: Path) -> None:
    deploy = _repo(tmp_path)
    shutil.copy(PASSING, deploy / "support.yaml")  # writes nothing the graded doc writes
    _, report = check_json(
        deploy / "db-perf.yaml", extra=("--no-config", "--fleet-context", str(deploy))
    )
    resources = {row["resource"] for row in report["fleet"]}
    assert "orders-db/cluster" in resources and "tickets-db/tier1" not in resources
