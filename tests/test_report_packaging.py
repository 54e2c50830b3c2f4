"""The report templates ship in the wheel, and an installed deploylint renders with them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PASSING, TODAY

TEMPLATES = ("report.md.j2", "report.html.j2")


def test_the_wheel_carries_the_report_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"deploylint/_data/templates/{name}" for name in TEMPLATES} <= names


@pytest.mark.parametrize(("output_format", "marker"), [("markdown", "## "), ("html", "<!DOCTYPE")])
def test_an_unpacked_wheel_renders_the_gap_report(
    wheel: Path,
    tmp_path: Path,
    output_format: str,
    marker: str,
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    run = subprocess.run(
        [sys.executable, "-m", "deploylint", "check", str(PASSING), "-f", output_format,
         "--today", TODAY],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(site)}, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(marker) and "authorized" in run.stdout
