"""`deploylint diff` in CI (issue #20): the Action writes the report to the job summary, fails
on a widening when asked, and keeps one pull-request comment, updated in place and never one
a pull request's author planted; the GitLab job does the same with a merge-request note.
Each script runs as the runner runs it, with `gh` and `curl` faked by recording scripts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploylint.authority.markdown import MARKER
from tests.conftest import REPO
from tests.test_authority_diff import REFUNDS, repo_with, widened
from tests.test_ci_gate import _yaml
from tests.test_security_gate import _git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
ACTION = _yaml((REPO / "action.yml").read_text())
STEPS = {step.get("name", ""): step for step in ACTION["runs"]["steps"]}
DIFF_STEP = STEPS["What the change does to agents' authority (job summary)"]
COMMENT_STEP = STEPS["Comment on the pull request (one comment, updated in place)"]
FAKE_GH = """#!/bin/bash
echo "$*" >> "$FAKE_LOG"
case "$*" in
  *--paginate*) [ -n "${FAKE_FAIL:-}" ] && exit 1; cat "$FAKE_STATE" 2>/dev/null; true ;;
  *"--method POST"*) echo 4242 > "$FAKE_STATE" ;;
esac
"""
FAKE_CURL = """#!/bin/bash
echo "$*" >> "$FAKE_LOG"
case "$*" in
  */user) echo '{"id": 7}' ;;
  *"-X POST"*) touch "$FAKE_STATE"; echo '{}' ;;
  *"-X PUT"*) echo '{}' ;;
  *notes*)
    planted='{"id": 99, "author": {"id": 8}, "body": "<!-- deploylint:diff --> all fine"}'
    ours='{"id": 555, "author": {"id": 7}, "body": "<!-- deploylint:diff -->\\nold"}'
    if [ -e "$FAKE_STATE" ]; then echo "[$planted, $ours]"; else echo "[$planted]"; fi ;;
esac
"""


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = f"{env.pop('FAKES', '')}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
        env={**os.environ, **env, "PATH": path + os.environ["PATH"]}, capture_output=True,
        text=True, check=False, timeout=120,
    )  # fmt: skip


def _fake(tmp_path: Path, name: str, text: str) -> dict[str, str]:
    fakes = tmp_path / "fakes"
    fakes.mkdir(exist_ok=True)
    (fakes / name).write_text(text)
    (fakes / name).chmod(0o755)
    return {"FAKES": str(fakes), "FAKE_LOG": str(tmp_path / "calls"),
            "FAKE_STATE": str(tmp_path / "state")}  # fmt: skip


def _runner(tmp_path: Path) -> dict[str, str]:
    for name in ("summary", "output"):
        (tmp_path / name).write_text("")
    return {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
            "GITHUB_OUTPUT": str(tmp_path / "output"), "RUNNER_TEMP": str(tmp_path)}  # fmt: skip


@pytest.mark.parametrize("fail_on, code", [("widened", 1), ("none", 0)])
def test_the_action_writes_the_report_to_the_job_summary(
    tmp_path: Path, fail_on: str, code: int
) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    base = _git(repo, "rev-parse", "main")
    env = {**_runner(tmp_path), "PATHS": "deploy/", "DIFF_FAIL_ON": fail_on, "BASE_SHA": base}
    run = _bash(DIFF_STEP["run"], repo, env)
    assert run.returncode == code, run.stderr
    summary = (tmp_path / "summary").read_text()
    assert summary.startswith(MARKER) and "**2 widened:**" in summary
    assert f"file={tmp_path}/deploylint-diff.md" in (tmp_path / "output").read_text()
    assert "${{" not in DIFF_STEP["run"]  # inputs reach the shell only through env


def test_one_comment_updated_in_place_never_one_per_push(tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text(f"{MARKER}\nreport\n")
    env = {**_fake(tmp_path, "gh", FAKE_GH), **_runner(tmp_path), "REPOSITORY": "o/r",
           "PULL_REQUEST": "7", "AUTHOR": "github-actions[bot]", "MARKER": MARKER,
           "COMMENT": str(tmp_path / "comment.md")}  # fmt: skip
    for _push in range(3):
        run = _bash(COMMENT_STEP["run"], tmp_path, dict(env))
        assert run.returncode == 0, run.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    posts = [c for c in calls if "--method POST" in c]
    patches = [c for c in calls if "--method PATCH" in c]
    assert posts == [f"api --method POST repos/o/r/issues/7/comments -F body=@{env['COMMENT']}"]
    assert len(patches) == 2 and all("repos/o/r/issues/comments/4242 " in c for c in patches)
    # ours is the token's own comment that opens with the marker, the runner's env decides
    selected = re.search(r"mine='(.*?)'", COMMENT_STEP["run"])
    assert selected and "env.AUTHOR" in selected.group(1) and "env.MARKER" in selected.group(1)
    assert COMMENT_STEP["env"]["MARKER"] == MARKER


def test_a_comment_that_cannot_be_read_posts_nothing_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "comment.md").write_text(f"{MARKER}\nreport\n")
    env = {**_fake(tmp_path, "gh", FAKE_GH), **_runner(tmp_path), "REPOSITORY": "o/r",
           "PULL_REQUEST": "7", "AUTHOR": "a", "MARKER": MARKER, "FAKE_FAIL": "1",
           "COMMENT": str(tmp_path / "comment.md")}  # fmt: skip
    run = _bash(COMMENT_STEP["run"], tmp_path, env)
    assert run.returncode == 0
    assert run.stdout.startswith("::warning title=deploylint comment::")
    assert "--method" not in (tmp_path / "calls").read_text()
    assert "no comment posted" in (tmp_path / "summary").read_text()


def _gitlab_authority_job() -> dict:
    text = (REPO / "docs" / "ci.md").read_text()
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if ".gitlab-ci.yml" in b]
    job: dict = _yaml(block)["deploylint-authority"]
    return job


def test_the_gitlab_job_keeps_one_note_and_fails_on_a_widening(tmp_path: Path) -> None:
    job = _gitlab_authority_job()
    assert "merge_request_event" in job["rules"][0]["if"]
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    origin = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    _git(repo, "remote", "add", "origin", str(origin))
    env = {**_fake(tmp_path, "curl", FAKE_CURL), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_MERGE_REQUEST_DIFF_BASE_SHA": _git(repo, "rev-parse", "main"),
           "DEPLOYLINT_NOTE_TOKEN": "t", "CI_API_V4_URL": "https://gitlab.example/api/v4",
           "CI_PROJECT_ID": "3", "CI_MERGE_REQUEST_IID": "5"}  # fmt: skip
    script = "\n".join(job["script"])
    for _push in range(2):
        run = _bash(script, repo, dict(env))
        assert run.returncode == 1, run.stderr  # it widened
    assert (repo / "deploylint-diff.md").read_text().startswith(MARKER)
    calls = (tmp_path / "calls").read_text().splitlines()
    writes = [c for c in calls if " -X " in c]
    assert len(writes) == 2 and "-X POST" in writes[0] and "-X PUT" in writes[1]
    assert writes[1].endswith("/merge_requests/5/notes/555")  # ours, never the planted 99
