"""The README's promises: two quick-start commands, the JSON fields it documents, and sample
output that is what the code prints. Regenerate the samples (after reading the diff) with
DEPLOYLINT_UPDATE_README=1 pytest tests/test_readme.py"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

import pytest

from deploylint.report.outcome import ExitCode
from tests.conftest import FAILING, REPO, TODAY, check_json, deploylint

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


def _shortened(report: str) -> list[str]:
    """The first doc's blast radius and first finding whole, every other doc's heading and
    its first finding's first line, ``...`` where something was left out, then the summary."""
    *body, summary = report.rstrip("\n").split("\n")
    sections: list[list[str]] = []
    for line in body:
        if line and not line.startswith(" "):  # a doc's heading
            sections.append([line])
        else:
            sections[-1].append(line)
    kept: list[str] = []
    for number, (heading, *rest) in enumerate(sections):
        blocks = "\n".join(rest).split("\n\n")  # the doc's blast radius, then each finding
        said = blocks[: 2 if blocks[0].startswith("  blast radius") else 1]
        shown = "\n\n".join(said).split("\n") if number == 0 else said[-1].split("\n")[:1]
        more = len("\n".join(shown)) < len("\n".join(rest).strip("\n"))
        kept += [heading, *shown, *(["  ..."] if more else [])]
    return [*kept, summary]


def _sample_output() -> str:
    command = ["check", "examples/", "--today", TODAY]
    run = deploylint(*command, env={"COLUMNS": "100"})  # off a terminal: plain blocks
    return "\n".join([f"$ deploylint {' '.join(command)}", *_shortened(run.stdout)])


def _sample_fleet() -> str:
    report = deploylint("check", "examples/fleet-0217", "--format", "json").json()
    command = "deploylint check examples/fleet-0217 --format json | jq -r '.findings[].gap'"
    return f"$ {command} | head -1\n{report['findings'][0]['gap']}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sample_json() -> str:
    report = deploylint("check", "examples/", "--format", "json", "--today", TODAY).json()
    lines = []
    for key, value in report.items():
        if key in ("findings", "fleet") and value:
            shown = "[ ... ]"
        elif key == "files":
            shown = f"[{_compact(value[0])}, ... ]"
        elif key == "summary":
            shown = json.dumps(value, indent=2).replace("\n", "\n  ")
        else:
            shown = _compact(value)
        lines.append(f"  {_compact(key)}: {shown}")
    return "{\n" + ",\n".join(lines) + "\n}"


SAMPLES: dict[str, tuple[str, Callable[[], str]]] = {
    "sample-output": ("text", _sample_output),
    "sample-fleet": ("text", _sample_fleet),
    "sample-json": ("json", _sample_json),
}


@pytest.mark.parametrize("marker", sorted(SAMPLES))
def test_readme_sample_output_is_what_the_code_prints(monkeypatch, marker: str) -> None:
    monkeypatch.chdir(REPO)
    language, sample = SAMPLES[marker]
    pattern = re.compile(
        rf"(<!-- {marker} -->\n```{language}\n)(.*?)(```\n<!-- /{marker} -->)", re.S
    )
    current = (REPO / "README.md").read_text()
    block = pattern.search(current)
    assert block, f"README.md has no {marker} block"
    expected = sample() + "\n"
    if os.environ.get("DEPLOYLINT_UPDATE_README"):
        updated = pattern.sub(lambda m: m.group(1) + expected + m.group(3), current)
        (REPO / "README.md").write_text(updated)
        block = pattern.search(updated)
        assert block
    assert block.group(2) == expected, (
        f"README.md's {marker} is stale: DEPLOYLINT_UPDATE_README=1 pytest tests/test_readme.py"
    )


def test_the_check_options_table_lists_every_option_and_format() -> None:
    from typer.main import get_command

    from deploylint.cli import app
    from deploylint.report import REPORTERS

    table = README.split("`check` options:", 1)[1].split("\n\n", 2)[1]
    check = get_command(app).commands["check"]  # type: ignore[attr-defined]
    options = [max(p.opts, key=len) for p in check.params if p.param_type_name == "option"]
    missing = [o for o in options if o != "--help" and not re.search(f"`{o}[` ]", table)]
    assert not missing
    [formats] = [row for row in table.splitlines() if row.startswith("| `--format`")]
    assert formats.count("\\|") == len(REPORTERS) - 1
    assert all(name in formats for name in REPORTERS)
