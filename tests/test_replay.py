"""Replaying an unchanged `check` (deploylint.replay): a hit prints exactly what a run
prints, without importing the command line; anything that changed is graded again."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from deploylint import replay

from .conftest import FAILING, PASSING, REPO, Run, deploylint_process
from .test_integrations import CUSTOM_AREA

SRC = REPO / "src" / "deploylint"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two docs and its own cache folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(PASSING, tmp_path / "docs" / "passing.yaml")
    shutil.copy(FAILING, tmp_path / "docs" / "failing.yaml")
    return tmp_path


def run(repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    cache = {"DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
    return deploylint_process("check", *args, cwd=repo, env={**cache, **(env or {})})


def broken_cli(repo: Path) -> dict[str, str]:
    """An environment in which the command line can't start: only a replay can answer."""
    shadow = repo / "shadow"
    shadow.mkdir(exist_ok=True)
    (shadow / "typer.py").write_text("raise ImportError('the command line was started')\n")
    return {"PYTHONPATH": str(shadow)}


def entries(repo: Path) -> list[Path]:
    return sorted((repo / "cache" / "replay").glob("*.json"))


@pytest.mark.parametrize("chosen", ["text", "json", "sarif", "github", "markdown", "junit"])
def test_an_unchanged_run_is_replayed_byte_for_byte_without_the_command_line(repo, chosen):
    first = run(repo, "docs", "--format", chosen)
    assert first.code == 1 and first.stdout
    assert len(entries(repo)) == 1
    again = run(repo, "docs", "--format", chosen, env=broken_cli(repo))
    assert again == first


def test_the_broken_command_line_does_fail_a_run_that_is_not_replayed(repo):
    failed = run(repo, "docs", env=broken_cli(repo))
    assert failed.code != 0 and "the command line was started" in failed.stderr


def test_warnings_and_a_clean_exit_are_replayed_too(repo):
    (repo / "docs" / "empty").mkdir()
    first = run(repo, "docs/passing.yaml", "docs/empty", "-q")
    assert first.code == 0 and "no *.yaml or *.yml files" in first.stderr
    assert run(repo, "docs/passing.yaml", "docs/empty", "-q", env=broken_cli(repo)) == first


def fresh(repo: Path, *args: str) -> Run:
    return run(repo, *args, "--no-cache")


@pytest.mark.parametrize(
    "change",
    [
        "edit a doc",
        "add a doc",
        "remove a doc",
        "add a config",
        "edit the config",
        "link a doc elsewhere",
    ],
)
def test_a_change_the_run_depends_on_is_graded_again(repo, change):
    config = repo / ".deploylint.yaml"
    if change == "edit the config":
        config.write_text("fail_on: critical\n")
    first = run(repo, "docs", "--format", "json")
    doc = repo / "docs" / "failing.yaml"
    if change == "edit a doc":
        doc.write_text(PASSING.read_text())
    elif change == "add a doc":
        shutil.copy(FAILING, repo / "docs" / "another.yaml")
    elif change == "remove a doc":
        doc.unlink()
    elif change == "add a config":
        config.write_text("fail_on: critical\n")
    elif change == "edit the config":
        config.write_text("ignore: [KS]\n")
    else:
        (repo / "elsewhere.yaml").write_text(PASSING.read_text())
        doc.unlink()
        doc.symlink_to(repo / "elsewhere.yaml")
    again = run(repo, "docs", "--format", "json")
    assert again == fresh(repo, "docs", "--format", "json")
    assert again != first


def test_a_named_file_that_became_a_fifo_is_graded_again_without_hanging(repo):
    first = run(repo, "docs/passing.yaml")
    (repo / "docs" / "passing.yaml").unlink()
    os.mkfifo(repo / "docs" / "passing.yaml")
    again = run(repo, "docs/passing.yaml")  # deploylint_process's timeout would fail the test
    assert again.code == 2 and "not a regular file" in again.stderr and first.code == 0


def test_the_environment_and_the_day_are_part_of_the_run(repo):
    first = run(repo, "docs", "--format", "json")
    later = run(repo, "docs", "--format", "json", env={"DEPLOYLINT_TODAY": "2031-01-01"})
    assert later.json()["today"] == "2031-01-01" != first.json()["today"]
    in_actions = run(repo, "docs", env={"GITHUB_ACTIONS": "true"})
    assert in_actions.stdout.startswith("::")


def test_an_edited_custom_rubric_is_read_again(repo):
    rubric = repo / "rubric"
    rubric.mkdir()
    area = rubric / "data_residency.yaml"
    area.write_text(CUSTOM_AREA)
    first = run(repo, "docs", "--rubric", str(rubric), "--format", "json")
    area.write_text(CUSTOM_AREA.replace("minItems: 1", "minItems: 9"))
    again = run(repo, "docs", "--rubric", str(rubric), "--format", "json")
    assert again == fresh(repo, "docs", "--rubric", str(rubric), "--format", "json")
    assert again != first


@pytest.mark.parametrize(
    "args",
    [
        ("docs", "-o", "report.txt"),
        ("docs", "--write-baseline", "baseline.json"),
        ("docs", "--no-cache"),
        ("docs", "--jobs", "2"),  # workers: the files were read in other processes
        ("missing.yaml",),  # exit 2
        ("-",),
    ],
)
def test_runs_that_must_run_again_are_never_recorded(repo, args):
    run(repo, *args)
    assert entries(repo) == []


def test_a_report_file_is_written_again_by_a_second_run(repo):
    run(repo, "docs", "-o", "report.txt")
    (repo / "report.txt").unlink()
    run(repo, "docs", "-o", "report.txt")
    assert (repo / "report.txt").read_text()


def test_a_tampered_entry_is_not_replayed(repo):
    first = run(repo, "docs")
    [entry] = entries(repo)
    mac, _, payload = entry.read_bytes().partition(b"\n")
    entry.write_bytes(mac + b"\n" + payload.replace(b'"code": 1', b'"code": 0'))
    assert run(repo, "docs") == first  # graded again: still exit 1


@pytest.mark.parametrize("kind", ["file", "folder", "kind"])
def test_signatures_tell_what_changed(tmp_path, kind):
    path = tmp_path / "thing"
    path.write_text("one")
    before = replay.signature(kind, str(path))
    if kind == "folder":
        path.unlink()
        path.mkdir()
        before = replay.signature(kind, str(path))
        (path / "new.yaml").write_text("")
    elif kind == "file":
        path.write_text("two")
    else:
        path.unlink()
    assert replay.signature(kind, str(path)) != before


def test_every_environment_variable_deploylint_reads_is_in_the_key():
    named = set()
    for module in SRC.rglob("*.py"):
        text = module.read_text("utf-8")
        named |= set(re.findall(r"environ\.get\(\s*\"([A-Z_]+)\"", text))
        named |= set(re.findall(r"envvar=\"([A-Z_]+)\"", text))
        named |= set(re.findall(r"\"(FORCE_COLOR|TTY_[A-Z]+|JUPYTER_[A-Z]+)\"", text))
    assert len(named) >= 8
    missed = {n for n in named if n not in replay.ENVIRONMENT and not n.startswith(replay.PREFIXES)}
    assert missed == set()


def test_deploylint_never_lists_a_folder_past_the_recording():
    """The recording hears folder scans (os.scandir, which pathlib's glob uses too); the
    import system's os.listdir is not heard, so deploylint itself must not list that way."""
    for module in SRC.rglob("*.py"):
        text = module.read_text("utf-8")
        assert "listdir(" not in text and ".iterdir(" not in text, module
