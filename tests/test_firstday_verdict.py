"""A run that didn't grade everything (exit 2) never says PASS: not in text, JSON, the gap
report or the GitHub summary line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSING, TODAY, deploylint


def _incomplete_runs(tmp_path: Path) -> list[list[str]]:
    empty = tmp_path / "empty"
    empty.mkdir()
    fifo = tmp_path / "mixed" / "pipe.yaml"  # a pipe is an error naming it; the doc is graded
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    (tmp_path / "mixed" / "good.yaml").write_text(PASSING.read_text())
    return [
        [str(tmp_path / "missing.yaml")],
        [str(empty)],
        [str(fifo.parent)],
        [str(PASSING), str(tmp_path / "missing.yaml")],
    ]


@pytest.mark.parametrize("fail_on", ["high", "none"])
def test_an_incomplete_run_says_incomplete_in_every_format(tmp_path: Path, fail_on: str) -> None:
    for paths in _incomplete_runs(tmp_path):
        common = ("--today", TODAY, "--no-config", "--fail-on", fail_on)
        text = deploylint("check", *paths, *common)
        assert text.code == 2, (paths, text.stderr)
        assert "PASS" not in text.stdout and text.stdout.rstrip().endswith("INCOMPLETE")
        report = deploylint("check", *paths, *common, "--format", "json").json()
        assert report["summary"]["verdict"] == "incomplete" and report["summary"]["exit_code"] == 2
        for fmt in ("markdown", "html", "github"):
            out = deploylint("check", *paths, *common, "--format", fmt).stdout
            assert "PASS" not in out and "INCOMPLETE" in out, (fmt, paths)
        markdown = deploylint("check", *paths, *common, "--format", "markdown").stdout
        assert markdown.startswith("## deploylint gap report: 🛑 incomplete")


def test_a_complete_run_still_says_pass_or_fail() -> None:
    run = deploylint("check", str(PASSING), "--today", TODAY, "--no-config")
    assert run.code == 0 and run.stdout.rstrip().endswith("0 at or above high: PASS")
    report = deploylint("check", str(PASSING), "--today", TODAY, "--format", "json").json()
    assert report["summary"]["verdict"] == "pass"
    none = deploylint("check", str(PASSING), "--today", TODAY, "--fail-on", "none", "-f", "json")
    assert none.json()["summary"]["verdict"] == "not gating"
