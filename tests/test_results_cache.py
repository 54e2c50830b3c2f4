"""The result cache: a hit prints exactly what a miss prints; anything that changes a
finding changes the key; a poisoned or malformed entry is graded again; it can be turned off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, FAILING, PASSING, TODAY, deploylint_process


def _check(*args: str, cache_dir: Path, env: dict[str, str] | None = None):
    return deploylint_process(
        "check",
        *args,
        "--today",
        TODAY,
        env={"DEPLOYLINT_CACHE_DIR": str(cache_dir), **(env or {})},
    )


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*.json") if p.parent.name.startswith("result-"))


@pytest.mark.parametrize("output", ["text", "json", "sarif", "markdown"])
def test_a_hit_prints_exactly_what_a_miss_prints(tmp_path: Path, output: str) -> None:
    cache_dir = tmp_path / "cache"
    miss = _check(str(EXAMPLES), "-f", output, cache_dir=cache_dir)
    assert _entries(cache_dir), "the run stored its results"
    hit = _check(str(EXAMPLES), "-f", output, cache_dir=cache_dir)
    off = _check(str(EXAMPLES), "-f", output, "--no-cache", cache_dir=tmp_path / "other")
    assert (hit.code, hit.stdout, hit.stderr) == (miss.code, miss.stdout, miss.stderr)
    assert off.stdout == miss.stdout
    assert not (tmp_path / "other").exists() or not _entries(tmp_path / "other")


def test_the_fleet_still_sees_every_doc_on_a_hit(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    fleet = EXAMPLES / "fleet-0217"
    first = _check(str(fleet), "-f", "json", cache_dir=cache_dir).json()
    again = _check(str(fleet), "-f", "json", cache_dir=cache_dir).json()
    assert [f["rule"] for f in again["findings"]].count("FL001") == 3
    assert again["fleet"] == first["fleet"] and again["findings"] == first["findings"]


def test_what_changes_a_finding_changes_the_key(tmp_path: Path, write) -> None:
    cache_dir = tmp_path / "cache"
    doc = write("doc.yaml", PASSING.read_text())
    assert _check(str(doc), "-f", "json", cache_dir=cache_dir).code == 0
    # a config that demotes nothing but ignores a rule that fires after an edit
    doc.write_text(PASSING.read_text().replace("halts_in_flight: true", "halts_in_flight: false"))
    changed = _check(str(doc), "-f", "json", cache_dir=cache_dir).json()
    assert [f["rule"] for f in changed["findings"]] == ["KS010"]
    ignoring = _check(str(doc), "-f", "json", "--ignore", "KS010", cache_dir=cache_dir).json()
    assert ignoring["findings"] == []
    later = deploylint_process(
        "check", str(doc), "-f", "json", "--today", "2027-06-01",
        env={"DEPLOYLINT_CACHE_DIR": str(cache_dir)},
    ).json()  # fmt: skip
    assert "KS009" in {f["rule"] for f in later["findings"]}  # the test has aged since


@pytest.mark.parametrize(
    "poison",
    [
        lambda entry: entry.write_text("{}"),
        lambda entry: entry.write_text("[]"),
        lambda entry: entry.write_text("not json"),
        lambda entry: entry.write_text(  # findings dropped, the signature left as it was
            entry.read_text().partition("\n")[0]
            + "\n"
            + json.dumps({"skipped": 0, "documents": []})
        ),
    ],
    ids=["empty-object", "list", "not-json", "findings-dropped"],
)
def test_a_poisoned_entry_is_graded_again(tmp_path: Path, poison) -> None:
    cache_dir = tmp_path / "cache"
    first = _check(str(FAILING), "-f", "json", cache_dir=cache_dir)
    for entry in _entries(cache_dir):
        poison(entry)
    again = _check(str(FAILING), "-f", "json", cache_dir=cache_dir)
    assert again.stderr == "" and again.json()["findings"] == first.json()["findings"]


def test_the_environment_turns_it_off(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _check(str(PASSING), cache_dir=cache_dir, env={"DEPLOYLINT_NO_CACHE": "1"})
    assert not cache_dir.exists() or not _entries(cache_dir)


@given(data=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_an_entry_is_written_a_piece_at_a_time_as_json_dumps_writes_it(data) -> None:
    """Entries are signed and written a piece at a time (a replay's can be 60 MB), and the
    pieces are json.dumps's own text: what load reads back, byte for byte."""
    from deploylint.cache import _pieces

    assert "".join(_pieces(data)) == json.dumps(data, ensure_ascii=True)
