"""Where deploylint runs: the real pre-commit, `init`, `schema`, `test-rubric`, completion,
and the progress bar on a terminal."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, REPO, TODAY, check_json, deploylint


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
@pytest.mark.skipif(
    not (REPO / ".git").exists(), reason="not a git checkout: pre-commit try-repo needs one"
)
def test_the_pre_commit_hook_with_the_real_pre_commit(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "deploy").mkdir()
    (project / "deploy" / "good.yaml").write_text(PASSING.read_text())
    (project / ".pre-commit-config.yaml").write_text("repos: []\n")  # YAML, not a doc: skipped
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)

    def hook() -> subprocess.CompletedProcess[str]:
        command = ["pre-commit", "try-repo", str(REPO), "deploylint", "--all-files"]
        return subprocess.run(
            command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=600
        )

    passed = hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "deploylint" in passed.stdout and "Passed" in passed.stdout
    (project / "deploy" / "bad.yaml").write_text(FAILING.read_text())
    _git(project, "add", "-A")
    failed = hook()
    assert failed.returncode == 1
    assert "deploy/bad.yaml:41:3" in failed.stdout and "KS002" in failed.stdout
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "require_serial: true" in hooks and "--only-docs" in hooks


def test_init_writes_a_doc_whose_check_lists_what_remains(tmp_path) -> None:
    target = tmp_path / "deploy" / "refunds.yaml"
    target.parent.mkdir()
    run = deploylint(
        "init",
        "-o",
        str(target),
        "--name",
        "refunds",
        "--agent",
        "refund-runner",
        "--agent",
        'odd: "name"',
    )
    assert run.code == 0 and "wrote" in run.stderr
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=deploylint.schema.json\n")
    code, report = check_json(target, extra=("--no-config",))
    assert code == 1
    lines = text.splitlines()
    # The starter doc's only shape problems are its TBDs in typed fields (a boolean, a
    # number, a date the team must decide), each at its line: what remains to fill in.
    shape = [f for f in report["findings"] if f["area"] == "document"]
    assert shape and all(f["rule"] == "DL007" and "TBD" in lines[f["line"] - 1] for f in shape)
    at = {f["rule"]: lines[f["line"] - 1] for f in report["findings"]}
    for rule, key in [
        ("KS002", "owner: TBD"),
        ("KS003", "automatic: TBD"),
        ("RB009", "rollback_key_holder: TBD"),
        ("RV001", "owner: TBD"),
        ("KS004", "manual: TBD"),
    ]:
        assert at[rule].strip().startswith(key), (rule, at[rule])  # points at what to fill in
    assert deploylint("init", "-o", str(target)).code == 2  # never overwrites


def test_init_to_stdout_with_several_agents() -> None:
    run = deploylint("init", "--name", "fleet", "--agents", "3")
    assert [line for line in run.stdout.splitlines() if line.startswith("  - id: ")] == [
        '  - id: "fleet-agent-1"',
        '  - id: "fleet-agent-2"',
        '  - id: "fleet-agent-3"',
    ]


@pytest.mark.parametrize(
    ("kind", "title"),
    [("doc", "AgentDeployment"), ("config", "configuration"), ("rubric", "rubric")],
)
def test_schema_prints_each_json_schema(kind: str, title: str, tmp_path) -> None:
    schema = json.loads(deploylint("schema", kind).stdout)
    assert title in schema["title"]
    deploylint("schema", kind, "-o", str(tmp_path / "s.json"))
    assert json.loads((tmp_path / "s.json").read_text()) == schema


CUSTOM_AREA = """\
area: data_residency
title: Data residency
prefix: DR
rules:
  - id: DR001
    name: agents-declare-reads
    title: Every agent declares what it reads
    severity: medium
    why: Reads decide which data can leave its region.
    remediation: List the agent's reads.
    in: $.agents[*]
    key: reads
    require: {type: array, minItems: 1}
    gap:
      missing: "{{ agent.id }} doesn't say what it reads"
      failing: "{{ agent.id }} reads nothing declared"
    blast_radius: "{{ blast }}"
    rollback_unit: "{{ rollback }}"
    examples:
      good: [{set: "$.agents[0].reads", to: [orders-db/checkout]}]
      bad: [{delete: "$.agents[0].reads"}]
"""


def test_custom_rubric_adds_rules_and_test_rubric_verifies_them(write) -> None:
    area = write("ours/data_residency.yaml", CUSTOM_AREA)
    run = deploylint("test-rubric", str(area.parent), "--today", TODAY)
    assert run.code == 0 and "ok   DR001" in run.stdout and "1 rule(s), 0 failing" in run.stdout
    doc = write(
        "doc.yaml", PASSING.read_text().replace("    reads: [tickets-db/tier1, kb/articles]\n", "")
    )
    code, report = check_json(
        doc, extra=("--no-config", "--rubric", str(area.parent), "--fail-on", "medium")
    )
    assert code == 1 and {f["rule"] for f in report["findings"]} == {"DR001"}
    assert "DR001" in deploylint("rules", "--rubric", str(area.parent), "--format", "json").stdout
    only = check_json(
        doc, extra=("--no-config", "--rubric", str(area), "--rubric-only", "--select", "DR")
    )[1]
    assert {f["rule"] for f in only["findings"]} == {"DR001"}


def test_test_rubric_reports_examples_that_behave_wrongly(write) -> None:
    wrong = CUSTOM_AREA.replace(
        'bad: [{delete: "$.agents[0].reads"}]', 'bad: [{set: "$.agents[0].reads", to: [x]}]'
    )
    run = deploylint("test-rubric", str(write("ours/dr.yaml", wrong)), "--today", TODAY)
    assert run.code == 1 and "FAIL DR001: its bad example doesn't fire it" in run.stdout


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("area: x\n", "dr.yaml:1:1: $: 'title' is a required property"),
        (
            CUSTOM_AREA.replace("prefix: DR", "prefix: XX"),
            "rule DR001 does not start with its area prefix XX",
        ),
        (
            CUSTOM_AREA.replace("    in: $.agents[*]\n", "    engine: true\n    in: $.agents[*]\n"),
            "dr.yaml:5:5: $.rules[0]: a rule needs exactly one predicate",
        ),
        (
            CUSTOM_AREA.replace("    require: {type: array, minItems: 1}\n", "    engine: true\n"),
            "give the rule a predicate",
        ),
        (
            CUSTOM_AREA.replace(
                "    require: {type: array, minItems: 1}\n", "    check: no_such_check\n"
            ),
            "unknown check 'no_such_check'",
        ),
        ("rules: [\n", "dr.yaml:2:1: YAML syntax error"),
    ],
)
def test_a_broken_custom_rubric_is_a_one_line_error(write, area: str, message: str) -> None:
    path = write("ours/dr.yaml", area)
    for command in (
        ["check", str(PASSING), "--rubric", str(path)],
        ["test-rubric", str(path)],
        ["rules", "--rubric", str(path)],
    ):
        run = deploylint(*command)
        assert run.code == 2, command
        assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F"),
        ("zsh", "#compdef deploylint"),
        ("fish", "complete --command"),
    ],
)
def test_shell_completion_script(shell: str, marker: str) -> None:
    # the shell is the one named, never guessed from the parent process (pytest may have none)
    run = subprocess.run(
        [sys.executable, "-m", "deploylint", "--show-completion", shell],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "SHELL": "/bin/bash"},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert run.returncode == 0 and marker in run.stdout and "deploylint" in run.stdout


def test_completion_completes_a_command() -> None:
    env = {
        "PATH": os.environ["PATH"],
        "_DEPLOYLINT_COMPLETE": "complete_bash",
        "COMP_WORDS": "deploylint ch",
        "COMP_CWORD": "1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "deploylint"], capture_output=True, text=True, env=env, check=False
    )
    assert run.stdout.split() == ["check"], run.stdout + run.stderr


def test_progress_bar_on_a_terminal_only(tmp_path) -> None:
    for n in range(60):
        (tmp_path / f"doc{n:02}.yaml").write_text(
            PASSING.read_text().replace("support-reply-agent", f"agent-{n}")
        )
    leader, follower = pty.openpty()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "deploylint",
            "check",
            str(tmp_path),
            "--format",
            "json",
            "--today",
            TODAY,
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
        timeout=120,
    )
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    assert run.returncode in (0, 1)
    assert b"grading" in terminal
    assert json.loads(run.stdout)["summary"]["files"] == 60  # stdout stays clean
    piped = subprocess.run(
        [sys.executable, "-m", "deploylint", "check", str(tmp_path), "-q", "--today", TODAY],
        capture_output=True,
        check=False,
    )
    assert b"grading" not in piped.stderr
