"""No output line is a GitHub workflow command a pull request wrote (issue #12, item 6): the
runner reads `##[command]` anywhere in a line of stdout or stderr, and `::command::` at the
start of one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from deploylint.report import REPORTERS
from tests.conftest import FAILING, TODAY, deploylint

HOSTILE = "##[add-mask]x ##[stop-commands]tok"
_OURS = re.compile(r"^::(error|warning|notice) [^:]*::")


def _doc(write: Callable, tmp_path: Path) -> Path:
    text = FAILING.read_text().replace(
        "kind: AgentDeployment\n",
        f"kind: AgentDeployment\n# {HOSTILE}\n",
        1,
    )
    text = re.sub(r"(\n  name: )[^\n]*", rf'\1"::error::forged {HOSTILE}"', text, count=1)
    text = text.replace(
        "owner: ", f"owner: |-\n      x\n      ::error::forged\n      {HOSTILE}\n      #", 1
    )
    return write(f"{HOSTILE} ::x.yaml", text)


def _live(line: str, *, github: bool = False) -> bool:
    if "##[" in line:
        return True
    stripped = line.strip()
    if github and _OURS.match(line):
        return "::" in _OURS.sub("", line)  # a second command inside our own is the data's
    return stripped.startswith("::")


@pytest.mark.parametrize("chosen", sorted(REPORTERS))
def test_no_format_writes_a_live_workflow_command(
    chosen: str, write: Callable, tmp_path: Path
) -> None:
    doc = _doc(write, tmp_path)
    missing = f"{tmp_path}/##[add-mask]missing.yaml"
    run = deploylint("check", str(doc), missing, "-f", chosen, "--today", TODAY, "-q")
    assert run.stdout, run.stderr
    for line in run.stdout.splitlines():
        assert not _live(line, github=chosen == "github"), (chosen, line)
    for line in run.stderr.splitlines():
        assert not _live(line), line
    if chosen in ("json", "sarif"):  # the data is intact, only written differently
        assert "##[add-mask]missing.yaml" in json.dumps(run.json(), ensure_ascii=False)
    if chosen == "json":
        assert HOSTILE in json.dumps(run.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "command", [("fleet",), ("fleet", "-f", "json"), ("fleet", "-f", "markdown")]
)
def test_the_fleet_map_writes_no_live_command(
    command: tuple[str, ...], write: Callable, tmp_path: Path
) -> None:
    doc = _doc(write, tmp_path)
    other = write("##[stop-commands]b.yaml", FAILING.read_text())
    run = deploylint(*command, str(doc), str(other))
    for line in (run.stdout + run.stderr).splitlines():
        assert not _live(line), line


@pytest.mark.parametrize("chosen", ["text", "json"])
def test_audit_rows_write_no_live_command(chosen: str, write: Callable) -> None:
    from tests.test_audit_rows import GOOD

    row = {**GOOD, "rollback_path": f"vendor portal > {HOSTILE}", "approved_by": None}
    path = write("##[add-mask]audit.jsonl", json.dumps(row) + "\n::error::forged\n")
    run = deploylint("audit", str(path), "-f", chosen)
    assert run.stdout, run.stderr
    for line in (run.stdout + run.stderr).splitlines():
        assert not _live(line), line
