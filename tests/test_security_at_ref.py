"""A path at a git ref is the ref's (issue #19, item 2): `--gate-from` and `--diff-base` look a
path up in the ref's tree by its repository-relative spelling, so a link the pull request
puts in the work tree never changes what is read at the base."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FAILING, TODAY, deploylint
from tests.test_security_gate import _git
from tests.test_security_refs import rule

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _repo(root: Path) -> Path:
    """main: a doc failing the team's rule PY001 (rubrics/ours) and KS rules; a strict config,
    a permissive one elsewhere in the tree (examples/relaxed.yaml), an empty baseline and a
    baseline that knows nothing (bl.json). The branch `pr` is checked out."""
    repo = root / "repo"
    for folder in ("deploy", "rubrics/ours", "examples"):
        (repo / folder).mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "deploy" / "doc.yaml").write_bytes(FAILING.read_bytes())
    (repo / "rubrics" / "ours" / "payments.yaml").write_text(
        rule('{$ref: "#/$defs/declared_text"}')
    )
    (repo / ".deploylint.yaml").write_text("fail_on: high\n")
    (repo / "examples" / "relaxed.yaml").write_text("fail_on: none\nignore: [KS, RB]\n")
    (repo / "bl.json").write_text('{"format_version": 1, "entries": []}\n')
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "pr")
    return repo


def _check(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, set[str]]:
    monkeypatch.chdir(repo)
    run = deploylint("check", "-f", "json", "--today", TODAY, *args)
    assert "Traceback" not in run.stderr and run.stdout, run.stderr
    return run.code, {f["rule"] for f in run.json()["findings"] if not f["waived"]}


def test_a_rubric_folder_turned_into_a_link_is_read_as_the_base_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    shutil.rmtree(repo / "rubrics" / "ours")
    (repo / "rubrics" / "ours").symlink_to(".")  # rubrics/ours now resolves to rubrics/
    code, rules = _check(
        repo, monkeypatch, "deploy", "--gate-from", "main", "--rubric", "rubrics/ours"
    )
    assert code == 1 and "PY001" in rules  # the team's rule, as main has it


def test_a_config_turned_into_a_link_is_read_as_the_base_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    (repo / ".deploylint.yaml").unlink()
    (repo / ".deploylint.yaml").symlink_to("examples/relaxed.yaml")
    assert _check(repo, monkeypatch, "deploy", "--config", ".deploylint.yaml")[0] == 0
    code, rules = _check(
        repo, monkeypatch, "deploy", "--gate-from", "main", "--config", ".deploylint.yaml"
    )
    assert code == 1 and "KS002" in rules  # main's .deploylint.yaml: fail_on high


def test_a_baseline_turned_into_a_link_is_read_as_the_base_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    everything = "known.json"
    deploylint("check", "deploy", "--write-baseline", everything, "--today", TODAY)
    _git(repo, "checkout", "-q", "main")
    _git(repo, "add", everything)
    _git(repo, "commit", "-qm", "a baseline for another day")
    _git(repo, "checkout", "-q", "pr")
    (repo / "bl.json").unlink()
    (repo / "bl.json").symlink_to(everything)
    code, rules = _check(
        repo, monkeypatch, "deploy", "--gate-from", "main", "--baseline", "bl.json"
    )
    assert code == 1 and "KS002" in rules  # main's bl.json knows nothing


def test_the_repository_reached_through_a_linked_folder_is_still_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link above the checkout (a runner's /tmp -> /private/tmp) is not the PR's: a path
    spelled through it is still named by its place in the repository."""
    repo = _repo(tmp_path)
    (tmp_path / "alias").symlink_to(repo)
    rubric = str(tmp_path / "alias" / "rubrics" / "ours")
    code, rules = _check(repo, monkeypatch, "deploy", "--gate-from", "main", "--rubric", rubric)
    assert code == 1 and "PY001" in rules


@pytest.mark.parametrize("named", ["the link", "the folder"])
def test_a_new_doc_linked_to_a_grandfathered_one_is_new(
    named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    (repo / "deploy" / "new.yaml").symlink_to("doc.yaml")  # doc.yaml's findings are known
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a new deployment, as a link")
    argument = "deploy/new.yaml" if named == "the link" else "deploy"
    code, rules = _check(repo, monkeypatch, argument, "--no-config", "--diff-base", "main")
    assert code == 1 and "KS002" in rules  # compared with what main had at deploy/new.yaml


def test_a_link_the_base_had_too_keeps_its_known_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base's own links are followed inside the base's tree: an unchanged link to a
    grandfathered doc stays grandfathered."""
    repo = _repo(tmp_path)
    _git(repo, "checkout", "-q", "main")
    (repo / "deploy" / "alias.yaml").symlink_to("doc.yaml")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "an alias")
    _git(repo, "checkout", "-q", "-B", "pr")
    code, rules = _check(
        repo, monkeypatch, "deploy/alias.yaml", "--no-config", "--diff-base", "main"
    )
    assert code == 0 and not rules


def test_a_link_out_of_the_base_tree_reads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the base, deploy/doc.yaml was a link leading out of the repository: nothing there;
    the next file (deploy/zz.yaml) is still read right."""
    repo = _repo(tmp_path)
    _git(repo, "checkout", "-q", "main")
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(FAILING.read_bytes())
    (repo / "deploy" / "doc.yaml").unlink()
    (repo / "deploy" / "doc.yaml").symlink_to(os.path.relpath(outside, repo / "deploy"))
    (repo / "deploy" / "zz.yaml").write_bytes(FAILING.read_bytes())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a link out")
    _git(repo, "checkout", "-q", "-B", "pr")
    (repo / "deploy" / "doc.yaml").unlink()
    (repo / "deploy" / "doc.yaml").write_bytes(FAILING.read_bytes())
    monkeypatch.chdir(repo)
    run = deploylint("check", "deploy", "--no-config", "--diff-base", "main", "-f", "json")
    files = {f["file"] for f in run.json()["findings"] if f["rule"] == "KS002"}
    assert run.code == 1 and files == {"deploy/doc.yaml"}, run.stderr
