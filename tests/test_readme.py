"""The README's promises: two quick-start commands, and the JSON fields it documents."""

from __future__ import annotations

import re

from deploylint.report import ExitCode
from tests.conftest import FAILING, REPO, check_json

README = (REPO / "README.md").read_text()


def _command(marker: str) -> str:
    block = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)\n```\n<!-- /{marker} -->", README, re.S)
    assert block, marker
    return block.group(1)


def test_quick_start_has_the_install_run_and_install_test_commands() -> None:
    run = _command("run-command")
    assert "pip install ." in run and "deploylint check examples/" in run
    test = _command("test-command")
    assert "pip install '.[test]'" in test and test.endswith("pytest")
    assert "extract test-command" in (REPO / ".ci" / "run").read_text()


def test_documented_finding_fields_are_exactly_the_json_fields() -> None:
    table = README.split("Each finding carries every field", 1)[1].split("\n\n", 2)[1]
    documented = {
        m for row in re.findall(r"^\| (`.*?`) \|", table, re.M) for m in re.findall(r"`(\w+)`", row)
    }
    _, report = check_json(FAILING)
    assert documented == set(report["findings"][0])


def test_documented_exit_codes() -> None:
    for code in ExitCode:
        assert f"| {int(code)} |" in README
