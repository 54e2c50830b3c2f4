"""What decides the verdict can come from the protected branch (--gate-from, the Action's
default on pull requests), and file names are never read as options (issue #12, item 2)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from deploylint.load.loader import load_text
from tests.conftest import FAILING, PASSING, REPO, TODAY, deploylint_process
from tests.test_security_refs import rule

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    """main: a failing doc, a strict config with a custom rubric and a baseline-free gate;
    the branch `pr` (checked out) relaxes the config and deletes the rubric."""
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "ours").mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "deploy" / "doc.yaml").write_bytes(FAILING.read_bytes())
    (repo / ".deploylint.yaml").write_text("fail_on: high\nrubric: [ours]\nunwaivable: [KS]\n")
    (repo / "ours" / "payments.yaml").write_text(rule('{$ref: "#/$defs/declared_text"}'))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "pr")
    (repo / ".deploylint.yaml").write_text(
        "fail_on: none\nignore: [kill_switch, rollback]\nrules: {KS001: {severity: info}}\n"
    )
    shutil.rmtree(repo / "ours")
    _git(repo, "commit", "-qam", "relax the gate")
    return repo


def _check(repo: Path, *args: str) -> tuple[int, set[str], str]:
    run = deploylint_process(
        "check", "deploy", "-f", "json", "--today", TODAY, *args, cwd=repo, timeout=120
    )
    assert "Traceback" not in run.stderr
    rules = {f["rule"] for f in run.json()["findings"]} if run.stdout else set()
    return run.code, rules, run.stderr


def test_the_gate_from_the_base_branch_ignores_the_pr_config(pr_repo: Path) -> None:
    code, rules, _ = _check(pr_repo)
    assert code == 0 and not any(r.startswith(("KS", "RB", "PY")) for r in rules)
    code, rules, stderr = _check(pr_repo, "--gate-from", "main")
    assert code == 1, stderr
    assert {"KS002", "PY001"} <= rules  # the base's rubric, nothing ignored


def test_the_baseline_comes_from_the_base_branch(pr_repo: Path) -> None:
    """main's baseline knows nothing; the PR records every finding in it to pass."""
    _git(pr_repo, "checkout", "-q", "main")
    (pr_repo / "bl.json").write_text('{"format_version": 1, "entries": []}\n')
    _git(pr_repo, "add", "bl.json")
    _git(pr_repo, "commit", "-qm", "an empty baseline")
    _git(pr_repo, "checkout", "-q", "pr")
    _git(pr_repo, "checkout", "-q", "main", "--", "bl.json")
    written = deploylint_process(
        "check",
        "deploy",
        "--no-config",
        "--write-baseline",
        "bl.json",
        "--today",
        TODAY,
        cwd=pr_repo,
    )
    assert written.code == 0  # --write-baseline exits 0 once it has recorded them
    code, rules, _ = _check(pr_repo, "--no-config", "--baseline", "bl.json")
    assert code == 0 and not [r for r in rules if r != "KS003"]  # (KS003: a waived finding)
    code, rules, _ = _check(pr_repo, "--gate-from", "main", "--baseline", "bl.json")
    assert code == 1 and {"KS002", "PY001"} <= rules  # main's baseline and gate decide
    (pr_repo / "bl.json").unlink()
    code, rules, _ = _check(pr_repo, "--gate-from", "main", "--baseline", "bl.json")
    assert code == 1 and "KS002" in rules  # deleting it in the PR changes nothing


def test_gate_from_errors_are_one_line(pr_repo: Path) -> None:
    code, _, stderr = _check(pr_repo, "--gate-from", "no-such-ref")
    assert (
        code == 2
        and stderr == "deploylint: error: --gate-from no-such-ref: no such commit, branch or tag\n"
    )


def _action_steps() -> dict[str, dict]:
    [doc] = load_text((REPO / "action.yml").read_text())
    return {step.get("name", ""): step for step in doc.data["runs"]["steps"]}


def _run_step(step: dict, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    resolved = {k: env.get(k, "") for k in step.get("env", {})}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=repo,
        env={**os.environ, **env, **resolved},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_action_gates_from_the_pull_request_base_by_default(
    pr_repo: Path, tmp_path: Path
) -> None:
    steps = _action_steps()
    assert steps["Upload SARIF"]["continue-on-error"] is True
    assert steps["Check (annotations on the pull request)"]["if"] == "${{ always() }}"
    base = _git(pr_repo, "rev-parse", "main")
    output = tmp_path / "github-output"
    output.touch()
    env = {
        "GATE_FROM": "auto",  # the input's default
        "BASE_SHA": base,
        "PATHS": "deploy",
        "FAIL_ON": "high",
        "DIFF_BASE": "",
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path),
    }
    gate = _run_step(steps["The gate (from the pull request's base)"], pr_repo, env)
    assert gate.returncode == 0, gate.stderr
    assert f"ref={base}" in output.read_text()
    env["GATE_REF"] = base
    sarif = _run_step(steps["SARIF for code scanning"], pr_repo, env)
    assert sarif.returncode == 0, sarif.stderr
    checked = _run_step(steps["Check (annotations on the pull request)"], pr_repo, env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "KS002" in checked.stdout
    env["GATE_REF"] = ""  # gate-from: none: the PR's relaxed config decides what is reported
    relaxed = _run_step(steps["Check (annotations on the pull request)"], pr_repo, env)
    assert "KS002" not in relaxed.stdout and "PY001" not in relaxed.stdout


def test_an_option_like_file_name_stays_a_file_name_in_the_action(
    pr_repo: Path, tmp_path: Path
) -> None:
    (pr_repo / "--fail-on=none").write_text("x: 1\n")
    env = {"PATHS": "deploy --fail-on=none", "FAIL_ON": "high", "DIFF_BASE": "", "GATE_REF": ""}
    (pr_repo / ".deploylint.yaml").write_text("fail_on: high\n")
    checked = _run_step(_action_steps()["Check (annotations on the pull request)"], pr_repo, env)
    assert checked.returncode == 1  # `--fail-on=none` is a (non-doc) file, not an option
    assert "KS002" in checked.stdout


def test_an_option_like_file_name_through_the_pre_commit_hook(tmp_path: Path) -> None:
    """The hook's real entry, run by pre-commit on a commit holding `--baseline=bl.yaml`."""
    if shutil.which("pre-commit") is None:
        pytest.skip("needs pre-commit")
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "bad.yaml").write_bytes(FAILING.read_bytes())
    written = deploylint_process("check", "bad.yaml", "--write-baseline", "bl.yaml", cwd=project)
    assert written.code == 0  # --write-baseline exits 0 once it has recorded them
    (project / "--baseline=bl.yaml").write_bytes(PASSING.read_bytes())
    (project / ".pre-commit-config.yaml").write_text("repos: []\n")
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    hook = subprocess.run(
        ["pre-commit", "try-repo", str(REPO), "deploylint", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "bad.yaml:" in hook.stdout and "KS002" in hook.stdout


def test_diff_base_reads_every_file_through_one_git_process(tmp_path: Path, pr_repo: Path) -> None:
    """One `git cat-file` for the run, not one `git show` per file; hardened against the
    repository's own helpers."""
    for n in range(30):
        (pr_repo / "deploy" / f"d{n}.yaml").write_bytes(PASSING.read_bytes())
    _git(pr_repo, "add", "-A")
    _git(pr_repo, "commit", "-qm", "more docs")
    log = tmp_path / "git.log"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real = shutil.which("git")
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    env = {"PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"}
    run = deploylint_process(
        "check", "deploy", "--no-config", "--diff-base", "main", cwd=pr_repo, env=env
    )
    assert run.code in (0, 1) and "Traceback" not in run.stderr, run.stderr
    calls = log.read_text().splitlines()
    assert not [c for c in calls if " show " in f" {c} "], calls
    assert len([c for c in calls if "cat-file" in c]) == 1, calls
    assert all("protocol.allow=never" in c for c in calls), calls


def test_a_huge_blob_at_the_base_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.hostile.bounded import bounded

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    doc = repo / "doc.yaml"
    with doc.open("wb") as handle:  # 300 MB: reading it whole would cost far more than that
        chunk = b"# " + b"x" * (2**20 - 3) + b"\n"
        for _ in range(300):
            handle.write(chunk)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "huge")
    doc.write_bytes(FAILING.read_bytes())
    monkeypatch.chdir(repo)  # the child runs here
    result = bounded("check", str(doc), "--no-config", "--diff-base", "main")
    assert not result.problems(), result.problems()
    assert result.code == 1
