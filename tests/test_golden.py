"""Golden files for rendered output. Regenerate with DEPLOYLINT_UPDATE_GOLDEN=1 after
reading the diff; volatile fields (the version) are normalized."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from deploylint import __version__
from tests.conftest import FAILING, REPO, TODAY, deploylint

GOLDEN = Path(__file__).resolve().parent / "golden"


def _normalize(text: str) -> str:
    return re.sub(re.escape(__version__), "<version>", text)


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    actual = _normalize(actual)
    if os.environ.get("DEPLOYLINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with DEPLOYLINT_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("columns", ["160", "80"])
def test_text_output_of_the_failing_example(monkeypatch, columns: str) -> None:
    monkeypatch.chdir(REPO)
    run = deploylint(
        "check",
        str(FAILING.relative_to(REPO)),
        "--today",
        TODAY,
        env={"COLUMNS": columns, "NO_COLOR": "1"},
    )
    assert run.code == 1
    assert_golden(f"infra-autoscaler.{columns}.txt", run.stdout)


def test_json_output_of_the_failing_example(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    run = deploylint("check", str(FAILING.relative_to(REPO)), "--format", "json", "--today", TODAY)
    assert_golden("infra-autoscaler.json", run.stdout)
