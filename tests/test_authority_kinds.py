"""`deploylint diff`, one case per kind of change (issue #20): realistic docs from the corpus
as they are on main, edited the way a pull request edits them, in a real repository; each
case's file must report exactly its changes, each with its direction.

The cases are data (tests/authority_cases.yaml): a corpus doc, edits that make the base and
edits that make the pull request, and the (kind, direction) of every change expected. Every
kind of the table (deploylint.authority.kinds) has a case.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from deploylint.authority.kinds import KINDS
from tests.conftest import deploylint_process
from tests.test_security_gate import _git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
CORPUS = Path(__file__).resolve().parent / "corpus" / "realistic"
DATA = yaml.safe_load((Path(__file__).resolve().parent / "authority_cases.yaml").read_text())
W, N, X = "widened", "narrowed", "neutral"
Edit = tuple[str, str]


class Case(NamedTuple):
    id: str
    doc: str
    base: tuple[Edit, ...]
    head: tuple[Edit, ...]
    expected: tuple[tuple[str, str], ...]


CASES = tuple(
    Case(
        raw["id"],
        DATA["docs"][raw["doc"]],
        tuple(map(tuple, raw.get("base", ()))),
        tuple(map(tuple, raw.get("head", ()))),
        tuple(map(tuple, raw["expect"])),
    )
    for raw in DATA["cases"]
)
FILES = {  # cases that add, remove or move a whole file: (at the base, in the pull request)
    "doc-added": ((None, "K"), (("doc", W), ("agent", W), ("agent", W))),
    "doc-removed": (("C", None), (("doc", N), ("agent", N))),
    "doc-moved": (("A", "A"), (("doc_renamed", X),)),
}


def _edited(text: str, edits: tuple[Edit, ...], where: str) -> str:
    for old, new in edits:
        assert old in text, f"{where}: no {old!r}"
        text = text.replace(old, new, 1)
    return text


def _pull_request(repo: Path) -> None:
    """main: every case's base; the branch `pr`: every case's edits, committed."""
    deploy = repo / "deploy"
    deploy.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    sources = {c.id: (CORPUS / c.doc).read_text() for c in CASES}
    for c in CASES:
        (deploy / f"{c.id}.yaml").write_text(_edited(sources[c.id], c.base, c.id))
    for name, ((before, _), _) in FILES.items():
        if before is not None:
            (deploy / f"{name}.yaml").write_text((CORPUS / DATA["docs"][before]).read_text())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "main")
    _git(repo, "checkout", "-qb", "pr")
    for c in CASES:
        (deploy / f"{c.id}.yaml").write_text(_edited(sources[c.id], c.head, c.id))
    (deploy / "doc-added.yaml").write_text((CORPUS / DATA["docs"]["K"]).read_text())
    (deploy / "doc-removed.yaml").unlink()
    _git(repo, "mv", "deploy/doc-moved.yaml", "deploy/doc-moved-here.yaml")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "the pull request")


@pytest.fixture(scope="module")
def changes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every change `deploylint diff` reports for the pull request, by case."""
    repo = tmp_path_factory.mktemp("kinds") / "repo"
    _pull_request(repo)
    run = deploylint_process("diff", "--format", "json", cwd=repo, timeout=120)
    assert run.code == 0 and not run.stderr, run.stderr
    report = run.json()
    assert report["base"]["merge_base"] is True and report["base"]["ref"] == "main"
    found: dict[str, list[dict[str, Any]]] = {}
    for change in report["changes"]:
        found.setdefault(Path(change["file"]).stem.removesuffix("-here"), []).append(change)
    return found


def _kinds(found: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((c["kind"], c["direction"]) for c in found)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_kind_of_change_is_reported_with_its_direction(changes, case: Case) -> None:
    found = changes.get(case.id, [])
    assert _kinds(found) == Counter(case.expected), found
    for change in found:
        assert change["file"] == f"deploy/{case.id}.yaml" and change["summary"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_docs_added_removed_and_moved(changes, name: str) -> None:
    assert _kinds(changes.get(name, [])) == Counter(FILES[name][1])


def test_every_kind_of_the_table_has_a_case() -> None:
    covered = {kind for c in CASES for kind, _ in c.expected}
    covered |= {kind for _, expected in FILES.values() for kind, _ in expected}
    assert covered == set(KINDS)


def test_nothing_else_is_reported(changes) -> None:
    assert set(changes) <= {c.id for c in CASES} | set(FILES)


def test_docs_diff_md_is_generated_from_the_table() -> None:
    from deploylint.authority.kinds import as_markdown
    from tests.conftest import REPO

    expected = as_markdown()
    assert (REPO / "docs" / "diff.md").read_text() == expected, (
        "run: python -m deploylint.authority.kinds > docs/diff.md"
    )
    for kind in KINDS.values():
        assert f"| `{kind.name}` |" in expected
