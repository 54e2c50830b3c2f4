"""The parsed-rubric cache: same rules with or without it; bad entries and folders ignored."""

from __future__ import annotations

from deploylint import cache
from deploylint.rubric.load import default_sources, load_rubric
from tests.conftest import PASSING, deploylint
from tests.test_integrations import CUSTOM_AREA


def _rules(rubric) -> dict:
    return {
        rule_id: (r.severity, r.require, r.gap, r.params) for rule_id, r in rubric.rules.items()
    }


def test_a_cached_rubric_is_the_parsed_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(tmp_path))
    first = load_rubric(default_sources())  # fills the cache
    assert len(list(tmp_path.rglob("*.json"))) >= 15
    cached = load_rubric(default_sources())
    monkeypatch.setenv("DEPLOYLINT_NO_CACHE", "1")
    uncached = load_rubric(default_sources())
    assert _rules(first) == _rules(cached) == _rules(uncached)


def test_corrupt_entries_and_unwritable_folders_are_ignored(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(tmp_path))
    load_rubric(default_sources())
    for entry in tmp_path.rglob("*.json"):
        entry.write_text("{not json")
    assert len(load_rubric(default_sources()).rules) > 100
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(blocked / "below-a-file"))
    assert len(load_rubric(default_sources()).rules) > 100
    cache.store("rubric", b"x", {"a": 1})  # no error, nothing stored
    assert cache.load("rubric", b"x") is None


def test_a_broken_custom_rubric_is_never_cached(write, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(tmp_path / "cache"))
    broken = write("ours/dr.yaml", CUSTOM_AREA.replace("prefix: DR", "prefix: XX"))
    invalid = write("theirs/dr.yaml", CUSTOM_AREA.replace("severity: medium", "severity: severe"))
    for path in (broken, invalid):
        for _ in range(2):  # the second run must fail just the same
            run = deploylint("check", str(PASSING), "--rubric", str(path))
            assert run.code == 2, run.stderr
