"""The GitHub Action and the CI examples: well formed, injection-safe, using real formats."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from deploylint.load.loader import load_text
from deploylint.report import REPORTERS
from tests.conftest import FAILING, REPO
from tests.test_security_gate import _git


def _yaml(text: str):
    # GitHub's reader keeps `on:` as text: the readers' check (DL014) is for deploylint docs
    [doc] = load_text(text, readings=False)
    assert not doc.problems, doc.problems
    return doc.data


def test_the_action_is_a_composite_action_that_never_interpolates_inputs_into_shell() -> None:
    action = _yaml((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        script = step.get("run", "")
        assert "${{" not in script, f"inputs reach the shell only through env: {step.get('name')}"
    formats = set(re.findall(r"--format (\w+)", (REPO / "action.yml").read_text()))
    assert formats and formats <= set(REPORTERS) | {"sarif", "github"}  # both arrive with issue 5


def test_every_yaml_example_in_the_ci_docs_parses() -> None:
    text = (REPO / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        if block.lstrip().startswith("- run:"):
            block = "steps:\n" + block
        _yaml(block)


# --- issue #19, item 11: CI recipes that hold ------------------------------------------------

_USES = re.compile(r"^\s*-?\s*uses:\s*(\S+)(.*)$", re.M)
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
_VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(\.\d+)*\b")
UPLOAD_SARIF_V4 = "github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7"


def _recipes() -> dict[str, str]:
    """Every file that names actions: the Action, the CI docs' YAML, this repository's CI."""
    found = {"action.yml": (REPO / "action.yml").read_text()}
    ci_md = (REPO / "docs" / "ci.md").read_text()
    found["docs/ci.md"] = "\n".join(re.findall(r"```yaml\n(.*?)```", ci_md, re.S))
    for workflow in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        found[str(workflow.relative_to(REPO))] = workflow.read_text()
    return found


def test_every_action_used_is_pinned_by_a_full_sha_with_a_version_comment() -> None:
    used = 0
    for name, text in _recipes().items():
        for action, rest in _USES.findall(text):
            if action.startswith("./"):
                continue  # in the same checkout: pinned by the checkout itself
            used += 1
            assert _PINNED.match(action), f"{name}: {action} is not pinned by a full commit SHA"
            assert _VERSION_COMMENT.match(rest), f"{name}: {action} has no `# vX.Y.Z` comment"
    assert used >= 5


def test_sarif_is_uploaded_by_codeql_action_v4_and_a_failed_upload_is_reported() -> None:
    text = (REPO / "action.yml").read_text()
    steps = {step.get("name", ""): step for step in _yaml(text)["runs"]["steps"]}
    upload = steps["Upload SARIF"]
    assert upload["uses"] == UPLOAD_SARIF_V4
    assert re.search(rf"{re.escape(UPLOAD_SARIF_V4)}\s+#\s*v4\.", text)
    reports = [
        step
        for step in steps.values()
        if f"steps.{upload['id']}.outcome == 'failure'" in str(step.get("if", ""))
    ]
    assert len(reports) == 1, "a failed upload must be reported, not only continued past"
    said = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", reports[0]["run"]],
        env={**os.environ, "GITHUB_STEP_SUMMARY": os.devnull},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert said.startswith("::warning title=") and "SARIF upload" in said


def test_merge_group_events_gate_from_their_base() -> None:
    steps = {
        s.get("name", ""): s for s in _yaml((REPO / "action.yml").read_text())["runs"]["steps"]
    }
    base = steps["The gate (from the pull request's base)"]["env"]["BASE_SHA"]
    assert "github.event.pull_request.base.sha" in base
    assert "github.event.merge_group.base_sha" in base


def _gitlab_job() -> dict:
    text = (REPO / "docs" / "ci.md").read_text()
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if ".gitlab-ci.yml" in b]
    job: dict = _yaml(block)["deploylint"]
    return job


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_gitlab_job_gates_merge_requests_from_their_target_branch(tmp_path: Path) -> None:
    """The job's script, run as a merge-request pipeline runs it: the target branch's gate
    decides (the merge request relaxed its own config), and only new findings count."""
    job = _gitlab_job()
    assert any(
        '$CI_PIPELINE_SOURCE == "merge_request_event"' in r.get("if", "") for r in job["rules"]
    )
    origin = tmp_path / "origin"
    (origin / "deploy").mkdir(parents=True)
    _git(origin, "init", "-q", "-b", "main")
    (origin / "deploy" / "old.yaml").write_bytes(FAILING.read_bytes())
    (origin / ".deploylint.yaml").write_text("fail_on: high\n")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "base")
    base = _git(origin, "rev-parse", "HEAD")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--no-local", str(origin), str(clone))
    _git(clone, "checkout", "-qb", "feature")
    (clone / ".deploylint.yaml").write_text("ignore: [KS]\n")  # the MR relaxes its gate
    new = FAILING.read_text().replace("db-autoscaler", "cache-autoscaler")
    (clone / "deploy" / "new.yaml").write_text(new)
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "a new doc")
    script = "\n".join(job["script"])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    merge_request = {
        **env,
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
    }
    run = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=clone, env=merge_request,
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert "left out: known in the --diff-base" in run.stderr  # old.yaml's are history
    failed = _failed(clone / "deploylint.xml")  # the target's gate: KS rules count
    assert ("deploy/new.yaml", "KS002") in failed and ("deploy/old.yaml", "KS002") not in failed
    branch = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=clone,
        env={**env, "CI_PIPELINE_SOURCE": "push"}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert branch.returncode == 1, branch.stderr
    ks = [case for case in _failed(clone / "deploylint.xml") if case[1] == "KS002"]
    assert not ks  # a branch pipeline grades with the branch's own config (KS ignored)


def _failed(junit: Path) -> set[tuple[str | None, str]]:
    """(file, rule) of every failing test case of a JUnit report."""
    return {
        (case.get("file"), case.get("name", "").split()[0])
        for case in ElementTree.parse(junit).iter("testcase")
        if case.find("failure") is not None
    }
