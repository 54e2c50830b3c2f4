"""Usage errors are one line on stderr naming the option, what was given and what is
allowed (or the closest match), exit 2, for every command; never typer's boxed panel."""

from __future__ import annotations

import pytest

from tests.conftest import PASSING, deploylint, deploylint_process

FAIL_ON = "critical, high, medium, low, info, none"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--fromat", "json"], "no such option --fromat (did you mean --format?)"),
        (["check", "--fail-on", "hgh"], f"--fail-on: 'hgh' is not one of {FAIL_ON}"),
        (["check", "--fail-on=hgh"], f"--fail-on: 'hgh' is not one of {FAIL_ON}"),
        (["check", "--today", "2026-13-40"], "--today: '2026-13-40' is not a date (YYYY-MM-DD)"),
        (["check", "-f", "yaml"], "--format: 'yaml' is not one of text, json, markdown, html"),
        (["check", "--jobs", "0"], "--jobs: 0 is not in the range x>=1"),
        (["explain", "KS001", "--today", "tomorrow"], "--today: 'tomorrow' is not a date"),
        (["explain"], "missing argument RULE"),
        (["schema", "nope"], "KIND: 'nope' is not one of doc, config, rubric"),
        (["rules", "--format", "xml"], "--format: 'xml' is not one of text, json, markdown"),
        (["fleet", "--fromat", "json"], "no such option --fromat (did you mean --format?)"),
        (["audit", "x", "--fail-on", "hgh"], f"--fail-on: 'hgh' is not one of {FAIL_ON}"),
        (["init", "--agents", "x"], "--agents: 'x' is not"),
        (["test-rubric"], "missing argument"),
        (["chek"], "no such command 'chek' (did you mean check?)"),
    ],
)
def test_a_usage_error_is_one_line(args: list[str], message: str) -> None:
    run = deploylint(*args, str(PASSING)) if args[0] == "check" else deploylint(*args)
    assert run.code == 2
    assert run.stderr.startswith("deploylint: error: " + message), run.stderr
    assert len(run.stderr.splitlines()) == 1 and not run.stdout, run.stderr
    assert "╭" not in run.stderr and "Usage:" not in run.stderr


def test_a_usage_error_in_a_real_process_is_one_line_too() -> None:
    run = deploylint_process("check", "--fail-on", "hgh", str(PASSING))
    assert run.code == 2
    assert run.stderr == f"deploylint: error: --fail-on: 'hgh' is not one of {FAIL_ON}\n"


def test_help_and_version_still_exit_0() -> None:
    assert deploylint("check", "--help").code == 0
    version = deploylint("--version")
    assert version.code == 0 and version.stdout.startswith("deploylint ")
    bare = deploylint()
    assert bare.code == 2 and "Usage" in bare.stdout  # no command: the help, as before
