"""The official YAML test suite (read from ../shared, never copied): every input a YAML author
can write loads or becomes a clear finding with a line number, never a traceback.

ruamel.yaml (both its C and pure parsers) deviates from the spec on a few cases. They are
listed here, so a change in the dependency shows up as a failing test to review rather
than as a silent change in what deploylint accepts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from deploylint.load import loader
from deploylint.load.loader import load_bytes
from tests.conftest import SHARED

SUITE = SHARED / "yaml-test-suite"
CASES = (
    sorted(str(p.parent.relative_to(SUITE)) for p in SUITE.rglob("in.yaml"))
    if SUITE.is_dir()
    else []
)

# Invalid YAML that ruamel.yaml accepts (lexical strictness it doesn't enforce).
ACCEPTED_INVALID = {
    "9C9N", "9HCY", "9JBA", "CVW2", "DK95/01", "EB22", "G5U8", "MUS6/00", "MUS6/01", "QB6E",
    "RHX7", "S98Z", "SU5Z", "U99R", "X4QW", "Y79Y/003", "YJV2",
}  # fmt: skip
# Valid YAML that ruamel.yaml rejects (tabs as separation, flow-key corners): reported as
# a clear DL001 syntax finding with a line number.
REJECTED_VALID = {
    "4MUZ/00", "4MUZ/01", "4MUZ/02", "5MUD", "6BCT", "6CA3", "9SA2", "A2M4", "CFD4", "DK95/00",
    "DK95/03", "DK95/04", "HWV9", "K3WX", "M7A3", "NJ66", "Q5MG", "QT73", "R4YG", "UT92",
    "VJP3/01", "Y79Y/010", "BEC7",
}  # fmt: skip
# Valid YAML ruamel.yaml reads differently (flow `?` keys, keep-chomping whitespace, and
# an anchor name containing ':' that libyaml splits).
DATA_DIFFS = {"652Z", "HM87/01", "JEF9/02", "L24T/01", "Y2GN"}
# Where the parsers place a node: the C parser marks its anchor or tag, the pure one the
# value (same line, other column); for an empty flow key `?` they pick different lines.
LINE_DIFFS = {"DFF7"}

pytestmark = pytest.mark.skipif(
    not CASES, reason="../shared/yaml-test-suite is not beside the repo"
)


def _expected(case: Path) -> list[Any]:
    text, decoder, position, documents = (case / "in.json").read_text(), json.JSONDecoder(), 0, []
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        value, position = decoder.raw_decode(text, position)
        documents.append(value)
    return documents


@pytest.mark.parametrize("name", CASES)
def test_suite_case(name: str) -> None:
    case = SUITE / name
    started = time.perf_counter()
    docs = load_bytes((case / "in.yaml").read_bytes())
    assert time.perf_counter() - started < 5, "bounded time"  # a hang guard, not a benchmark
    problems = [p for doc in docs for p in doc.problems]
    syntax = [p for p in problems if p.rule == "DL001"]
    for problem in problems:
        assert problem.position.line >= 1 and problem.position.column >= 1
        assert problem.message
    if (case / "error").exists():
        assert bool(syntax) is (name not in ACCEPTED_INVALID), (name, problems)
        return
    assert bool(syntax) is (name in REJECTED_VALID), (name, problems)
    if syntax or not (case / "in.json").exists():
        return
    expected = _expected(case)
    if expected == []:  # a stream with no document at all is one "empty file" finding
        assert [(d.data, [p.rule for p in d.problems]) for d in docs] == [(None, ["DL002"])]
        return
    loaded = [doc.data for doc in docs]
    assert (loaded == expected) is (name not in DATA_DIFFS), (name, loaded)


@pytest.mark.skipif(loader.FAST_PARSER is None, reason="no C (libyaml) parser is installed")
@pytest.mark.parametrize("name", CASES)
def test_c_and_pure_parsers_agree_where_both_succeed(name: str) -> None:
    """The fast path may only differ from the YAML 1.2 parser by rejecting input."""
    text = (SUITE / name / "in.yaml").read_bytes().decode("utf-8", "replace")
    results = []
    for pure in (False, True):
        try:
            docs = list(loader._build(loader._events(text, pure=pure), loader.Limits()))
        except loader._PARSE_ERRORS:
            return
        # The line of every key and item; the document start differs harmlessly after
        # directives (C marks the `%` line, the pure parser the `---`).
        results.append([(d.data, {k: v.line for k, v in d.positions.items() if k}) for d in docs])
    assert (results[0] == results[1]) is (name not in {"Y2GN"} | LINE_DIFFS), name
