"""Off a terminal (CI logs, pre-commit, a pipe) the text report is plain blocks: no token of a
finding is split across lines, whatever the width; tables only on a wide terminal."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, TODAY, deploylint, deploylint_process


@pytest.mark.parametrize("columns", ["40", "80", "120", "200"])
def test_off_a_terminal_no_token_is_split_across_lines(columns: str) -> None:
    paths = (str(EXAMPLES), "--today", TODAY, "--no-config")
    findings = deploylint("check", *paths, "--format", "json").json()["findings"]
    text = deploylint_process("check", *paths, env={"COLUMNS": columns})
    assert text.code == 1 and "─" not in text.stdout  # no table rules off a terminal
    lines = set(text.stdout.split())
    for found in findings:
        tokens = " ".join([found["gap"], found["blast_radius"], found["rollback_unit"]])
        location = f"{found['file']}:{found['line']}:{found['column']}"
        for token in [location, *tokens.split()]:
            assert token in lines, (token, columns)


def test_a_wide_terminal_still_gets_a_table() -> None:
    env = {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "160"}
    run = deploylint("check", str(EXAMPLES / "infra-autoscaler.yaml"), "--today", TODAY, env=env)
    assert "Blast radius" in run.stdout and "─" in run.stdout
