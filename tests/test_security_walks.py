"""A folder walk reads every doc it is meant to, or says it didn't (issue #19, item 5): a link
to a doc inside the repository is graded once, at its real path; a link leading out is an
error (exit 2, INCOMPLETE), never a pass with a warning; any case of .yaml/.yml is a doc;
each hidden folder skipped is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAILING, PASSING, TODAY, deploylint


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (`.git` is all a walk looks for) with one passing doc in deploy/; the
    tests run from its root, as CI does."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "deploy").mkdir()
    (root / "deploy" / "ok.yaml").write_bytes(PASSING.read_bytes())
    monkeypatch.chdir(root)
    return root


def _json(*args: str) -> tuple[int, dict[str, Any], str]:
    run = deploylint("check", *args, "--no-config", "-f", "json", "--today", TODAY)
    return run.code, run.json(), run.stderr


def _files(report: dict[str, Any]) -> list[str]:
    return [result["file"] for result in report["files"]]


def test_a_link_to_a_doc_elsewhere_in_the_repository_is_graded_at_its_real_path(
    repo: Path,
) -> None:
    (repo / "shared").mkdir()
    (repo / "shared" / "doc.yaml").write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "new.yaml").symlink_to("../shared/doc.yaml")
    code, report, stderr = _json("deploy")
    assert code == 1, stderr
    assert sorted(_files(report)) == ["deploy/ok.yaml", "shared/doc.yaml"]
    assert "warning" not in stderr


def test_a_link_and_its_target_both_walked_are_graded_once(repo: Path) -> None:
    (repo / "deploy" / "real.yaml").write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "alias.yaml").symlink_to("real.yaml")
    (repo / "deploy" / "again.yaml").symlink_to(repo / "deploy" / "real.yaml")
    code, report, _ = _json("deploy", "deploy/real.yaml")
    assert code == 1
    assert sorted(_files(report)) == ["deploy/ok.yaml", "deploy/real.yaml"]
    assert [f["rule"] for f in report["findings"]].count("KS002") == 1


def test_a_linked_folder_inside_the_repository_is_walked(repo: Path) -> None:
    (repo / "teams" / "payments").mkdir(parents=True)
    (repo / "teams" / "payments" / "doc.yaml").write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "payments").symlink_to("../teams/payments")
    (repo / "deploy" / "loop").symlink_to(".")  # walked already: not again, no hang
    code, report, stderr = _json("deploy")
    assert code == 1, stderr
    assert _files(report) == ["deploy/ok.yaml", "teams/payments/doc.yaml"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_link_leading_out_of_the_repository_is_an_error(
    what: str, repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "doc.yaml").write_bytes(FAILING.read_bytes())
    link = repo / "deploy" / ("doc.yaml" if what == "file" else "more")
    link.symlink_to(outside / "doc.yaml" if what == "file" else outside)
    code, report, stderr = _json("deploy")
    assert code == 2 and report["summary"]["verdict"] == "incomplete"
    assert stderr == (
        "deploylint: error: deploy/"
        + link.name
        + ": a link leading out of the repository: not read (name its target to check it)\n"
    )
    assert _files(report) == ["deploy/ok.yaml"]  # the rest is still graded
    text = deploylint("check", "deploy", "--no-config", "--today", TODAY)
    assert text.code == 2 and "INCOMPLETE" in text.stdout and "PASS" not in text.stdout


def test_a_link_into_git_is_an_error(repo: Path) -> None:
    (repo / ".git" / "config.yaml").write_text(
        "url: https://x-access-token:ghs_s3cr3t@github.com\n"
    )
    (repo / "deploy" / "git.yaml").symlink_to("../.git/config.yaml")
    (repo / "deploy" / "gitdir").symlink_to("../.git")
    code, report, stderr = _json("deploy")
    assert code == 2 and "s3cr3t" not in str(report) + stderr
    assert "deploy/git.yaml: a link into .git: not read" in stderr
    assert "deploy/gitdir: a link into .git: not read" in stderr


def test_outside_a_repository_a_link_out_of_the_named_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "elsewhere.yaml").write_bytes(FAILING.read_bytes())
    (tmp_path / "docs" / "ok.yaml").write_bytes(PASSING.read_bytes())
    (tmp_path / "docs" / "link.yaml").symlink_to("../elsewhere.yaml")
    monkeypatch.chdir(tmp_path)
    code, _, stderr = _json("docs")
    assert code == 2
    assert "docs/link.yaml: a link leading out of the folder walked: not read" in stderr


@pytest.mark.parametrize("name", ["doc.YAML", "doc.Yml", "doc.yAmL"])
def test_any_case_of_the_yaml_suffix_is_a_doc(name: str, repo: Path) -> None:
    (repo / "deploy" / name).write_bytes(FAILING.read_bytes())
    code, report, _ = _json("deploy")
    assert code == 1 and f"deploy/{name}" in _files(report)


def test_each_hidden_folder_skipped_is_named_once(repo: Path) -> None:
    (repo / "deploy" / ".drafts").mkdir()
    (repo / "deploy" / ".drafts" / "doc.yaml").write_bytes(FAILING.read_bytes())
    (repo / ".github").mkdir()
    code, report, stderr = _json("deploy", ".", "deploy")
    assert code == 0 and "deploy/.drafts/doc.yaml" not in _files(report)
    assert stderr.count("deploy/.drafts: skipped: a hidden folder") == 1, stderr
    assert "deploylint: note: deploy/.drafts: skipped: a hidden folder (name it to check it)\n" in (
        stderr
    )
    assert ".github: skipped: a hidden folder" in stderr
    assert ".git:" not in stderr  # the repository's own data is never a doc folder
    named = _json("deploy/.drafts")
    assert named[0] == 1  # named, it is checked
