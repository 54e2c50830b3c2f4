"""The realistic corpus: docs written by outsiders from the README, `init` and the schema.

Each folder's `expectations.yaml` was written by the docs' author before deploylint ran on
them. Complete docs must be silent at `--fail-on low`; each planted gap must be flagged in
its area, and nothing else at or above `low`. When a finding here is wrong, the rule is
fixed, never the doc. `python bench/precision.py` prints the same figures as a table.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

CORPUS = REPO / "tests" / "corpus" / "realistic"


@cache
def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("precision", REPO / "bench" / "precision.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _score() -> dict[str, Any]:
    result: dict[str, Any] = _bench().score(CORPUS)
    return result


def _docs() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{folder.parent.name}/{doc['file']}", doc)
        for folder in sorted(CORPUS.rglob("expectations.yaml"))
        for doc in yaml.safe_load(folder.read_text())["docs"]
    ]


def test_the_corpus_is_big_and_varied_enough() -> None:
    docs = _docs()
    assert len(docs) >= 20
    complete = [d for _, d in docs if d["complete"]]
    assert len(complete) >= len(docs) // 3
    areas = {gap["area"] for _, d in docs for gap in d["planted"]}
    assert len(areas) >= 10


@pytest.mark.parametrize(("name", "doc"), _docs(), ids=[name for name, _ in _docs()])
def test_each_doc_is_flagged_in_exactly_its_planted_areas(name: str, doc: dict) -> None:
    result = _score()
    wrong = [f for f in result["false_findings"] if f.startswith(f"{name}:")]
    missed = [m for m in result["missed"] if m.startswith(f"{name}:")]
    assert wrong == [], "false findings"
    assert missed == [], "planted gaps not found"


def test_precision_and_recall_figures() -> None:
    result = _score()
    assert result["recall"] == 1.0
    assert result["false"] == 0
    assert result["findings"] >= 20  # the figures mean something
