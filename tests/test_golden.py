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


TERMINAL = {"FORCE_COLOR": "1", "NO_COLOR": "1"}  # a terminal, without the colour codes


@pytest.mark.parametrize(
    ("name", "env"),
    [
        ("160", {"COLUMNS": "160", **TERMINAL}),  # a wide terminal: a table per doc
        ("80", {"COLUMNS": "80", **TERMINAL}),  # a narrow one: a block per finding
        ("plain", {"COLUMNS": "100"}),  # off a terminal (CI, pre-commit): plain blocks
    ],
)
def test_text_output_of_the_failing_example(monkeypatch, name: str, env: dict[str, str]) -> None:
    monkeypatch.chdir(REPO)
    run = deploylint("check", str(FAILING.relative_to(REPO)), "--today", TODAY, env=env)
    assert run.code == 1
    assert_golden(f"infra-autoscaler.{name}.txt", run.stdout)


def test_json_output_of_the_failing_example(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    run = deploylint("check", str(FAILING.relative_to(REPO)), "--format", "json", "--today", TODAY)
    assert_golden("infra-autoscaler.json", run.stdout)
