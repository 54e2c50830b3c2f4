"""The data folders are found from a source checkout and from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from tests.conftest import PASSING, REPO, TODAY

DATA = [
    "deploylint/_data/schemas/deployment-doc.v1.schema.json",
    "deploylint/_data/schemas/rubric.schema.json",
    "deploylint/_data/rubrics/default/_base.yaml",
    "deploylint/_data/rubrics/default/kill_switch.yaml",
    "deploylint/_data/rubrics/engine/document.yaml",
    "deploylint/_data/templates/README.md",
]


def _python(code: str, pythonpath: Path, cwd: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, cwd=cwd, env={"PYTHONPATH": str(pythonpath)}, check=True,
    )  # fmt: skip
    return run.stdout.strip()


def test_source_checkout_finds_the_top_level_folders(tmp_path) -> None:
    found = _python(
        "from deploylint.resources import data_dir; print(data_dir('rubrics'))",
        REPO / "src",
        tmp_path,
    )
    assert Path(found) == REPO / "rubrics"


def test_the_sdist_builds_a_wheel_on_its_own(dist: Path, tmp_path) -> None:
    [sdist] = dist.glob("deploylint-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    for folder in (
        "schemas",
        "rubrics/default",
        "templates",
        "src/deploylint",
        "tests",
        "README.md",
    ):
        assert any(name.split("/", 1)[1].startswith(folder) for name in names if "/" in name), (
            folder
        )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(sdist),
        ],
        check=True,
        capture_output=True,
    )
    [rebuilt] = tmp_path.glob("deploylint-*.whl")
    assert set(zipfile.ZipFile(rebuilt).namelist()) >= set(DATA)


def test_one_version_everywhere(wheel: Path) -> None:
    from deploylint import __version__

    assert f"deploylint-{__version__}-" in wheel.name
    assert deploylint_version() == f"deploylint {__version__}"
    assert f"## {__version__}" in (REPO / "CHANGELOG.md").read_text()


def deploylint_version() -> str:
    run = subprocess.run(
        [sys.executable, "-m", "deploylint", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


def test_the_wheel_carries_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in DATA if name not in names]
    assert not missing


def test_an_unpacked_wheel_runs_from_its_own_data(wheel: Path, tmp_path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    found = _python(
        "from deploylint.resources import data_dir; print(data_dir('rubrics'))", site, tmp_path
    )
    assert Path(found) == site / "deploylint" / "_data" / "rubrics"
    run = subprocess.run(
        [sys.executable, "-m", "deploylint", "check", str(PASSING), "--today", TODAY],
        capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "COLUMNS": "120"}, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "PASS" in run.stdout
