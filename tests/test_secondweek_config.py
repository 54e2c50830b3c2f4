"""Issue 21, the second week: a config error names its line and the closest fit, a rule
parameter of the wrong kind is the config's error (not every doc's), and `baseline:` in the
config is the adoption baseline the pre-commit hook can share."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, TODAY, deploylint


def _repository(tmp_path: Path, config: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".deploylint.yaml").write_text(config)
    return tmp_path


LINE = ".deploylint.yaml:"
MISFITS = [
    # did-you-mean, as a doc's unknown keys and values have it
    ("fail_on: high\nfailon: high\n", f"{LINE}2: unknown key `failon` (did you mean `fail_on`?)"),
    (
        "fail_on: hihg\n",
        f"{LINE}1: `fail_on` must be one of critical, high, medium, low, info, none, "
        'not "hihg" (did you mean high?)',
    ),
    # a rule reference that matches nothing: its own line, and the closest id or area
    (
        "fail_on: high\nignore:\n  - KS\n  - CP999\n",
        f"{LINE}4: ignore: 'CP999' matches no rule (did you mean CP009?)",
    ),
    ("select: [kil_switch]\n", "select: 'kil_switch' matches no rule (did you mean kill_switch?)"),
    ("rules:\n  KS099: {}\n", f"{LINE}2: rules: unknown rule 'KS099' (did you mean KS009?)"),
    ("rules:\n  KS09: {}\n", f"{LINE}2: `KS09` is not a rule id such as KS001"),
    # a parameter of the wrong kind, at its line
    (
        "rules:\n  KS009:\n    max_age_days: thirty\n",
        f"{LINE}3: rules.KS009: max_age_days: 'thirty' is not a number",
    ),
    (
        "rules:\n  KS009:\n    max_age_days: -5\n",
        f"{LINE}3: rules.KS009: max_age_days: -5 is negative",
    ),
    (
        "rules:\n  PM004:\n    kinds: {shell: 1}\n",
        f"{LINE}3: rules.PM004: kinds: {{'shell': 1}} is not a mapping of text",
    ),
    ("rules:\n  RB008:\n    routes: ['(a']\n", f"{LINE}3: rules.RB008: routes: regex '(a': not a"),
]


@pytest.mark.parametrize(("config", "message"), MISFITS)
def test_a_config_error_names_its_line_and_the_closest_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, message: str
) -> None:
    monkeypatch.chdir(_repository(tmp_path, config))
    (tmp_path / "doc.yaml").write_bytes(FAILING.read_bytes())
    run = deploylint("check", "doc.yaml", "--today", TODAY)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("deploylint: error: ") and message in run.stderr
    assert len(run.stderr.splitlines()) == 1 and "internal error" not in run.stderr


def test_a_command_line_rule_reference_names_its_option(write) -> None:
    run = deploylint("check", "--no-config", "--ignore", "CP999", str(PASSING))
    assert run.code == 2
    assert run.stderr.startswith("deploylint: error: --ignore: 'CP999' matches no rule (did you")


def test_an_unknown_doc_key_hints_at_extensions(write) -> None:
    doc = write("doc.yaml", PASSING.read_text() + "model: gpt-x\n")
    run = deploylint("check", str(doc), "--format", "json", "--today", TODAY)
    [gap] = [f["gap"] for f in run.json()["findings"] if f["rule"] == "DL005"]
    assert "a key of your own starts with `x-`, as in `x-model`" in gap


def test_a_missing_baseline_names_the_option(tmp_path: Path) -> None:
    run = deploylint("check", str(PASSING), "--baseline", str(tmp_path / "nope.json"))
    assert run.code == 2
    assert (
        run.stderr
        == f"deploylint: error: --baseline {tmp_path / 'nope.json'}: No such file or directory\n"
    )


# The pre-commit hook's entry, as .pre-commit-hooks.yaml has it: options only from the config.
TOOL = '      - {name: files.delete, scopes: ["files:admin"]}\n'  # PM003: an admin scope
HOOK = ("check", "--format", "json", "--only-docs", "--fleet-context", ".", "--")


def test_the_config_baseline_is_the_hooks_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A legacy doc with 37 known findings can be edited once `baseline:` is in the config:
    the hook reports only what the edit adds, and nothing stale about docs it didn't grade."""
    repo = _repository(tmp_path, "baseline: deploy/baseline.json\n")
    monkeypatch.chdir(repo)
    (repo / "deploy").mkdir()
    (repo / "deploy" / "legacy.yaml").write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "other.yaml").write_bytes(
        FAILING.read_bytes()
        .replace(b"db-autoscaler", b"db-other")
        .replace(b"reporting-db-scaler", b"other-scaler")
    )
    recorded = deploylint("check", "deploy", "--write-baseline", "deploy/baseline.json")
    assert recorded.code == 0 and (repo / "deploy" / "baseline.json").exists()
    assert deploylint(*HOOK, "deploy/legacy.yaml").code == 0  # known: the hook lets it through
    shell = '      - {name: shell.exec, scopes: ["*"]}\n'
    edited = FAILING.read_text().replace(shell, shell + TOOL)
    (repo / "deploy" / "legacy.yaml").write_text(edited)
    run = deploylint(*HOOK, "deploy/legacy.yaml")
    new = [(f["rule"], f["path"]) for f in run.json()["findings"] if not f["waived"]]
    assert run.code == 1 and new == [("PM003", "$.agents[0].tools[2].scopes[0]")]
    assert "stale" not in run.stderr  # other.yaml's entries weren't graded, so aren't stale


def test_the_config_baseline_stands_aside_when_the_run_records_or_compares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repository(tmp_path, "baseline: baseline.json\n")
    monkeypatch.chdir(repo)
    (repo / "doc.yaml").write_bytes(FAILING.read_bytes())
    missing = deploylint("check", "doc.yaml")
    assert missing.code == 2
    message = "baseline baseline.json: No such file or directory"
    assert missing.stderr == f"deploylint: error: {LINE}1: {message}\n"
    assert deploylint("check", "doc.yaml", "--write-baseline", "baseline.json").code == 0
    assert deploylint("check", "doc.yaml").code == 0
    assert deploylint("check", "doc.yaml", "--no-config").code == 1
    named = json.loads((repo / "baseline.json").read_text())["entries"]
    assert named and all(entry["file"] == "doc.yaml" for entry in named)


def test_the_config_baseline_at_the_gate_ref_is_the_bases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --gate-from, `baseline:` is read as the base branch has it: a pull request
    that adds entries to it leaves nothing more out."""
    repo = _repository(tmp_path, "baseline: baseline.json\n")
    (repo / ".git").rmdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    (repo / "doc.yaml").write_bytes(PASSING.read_bytes())
    (repo / "baseline.json").write_text('{"entries": []}\n')
    subprocess.run([*git, "add", "."], check=True, cwd=repo)
    subprocess.run([*git, "commit", "-qm", "base"], check=True, cwd=repo)
    (repo / "doc.yaml").write_bytes(FAILING.read_bytes())
    assert deploylint("check", "doc.yaml", "--write-baseline", "baseline.json").code == 0
    assert deploylint("check", "doc.yaml").code == 0  # the PR's own baseline
    assert deploylint("check", "doc.yaml", "--gate-from", "HEAD").code == 1  # the base's
