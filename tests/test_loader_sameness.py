"""The fast loader (issue 23) gives exactly what the loader before it gave.

The oracle is the old loader itself, kept verbatim under tests/reference/ (with the readings
module it used): every file of the realistic corpus, the hostile inputs, the examples, the
fixtures and the YAML test suite, and generated YAML with every construct the loader treats
apart (anchors, aliases, merges, tags, duplicate and complex keys, YAML 1.1, words and
numbers with two readings), must load to the same data (types included), the same problems
(rule, position, path, message), the same positions and the same `locate` answers.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploylint.compiled import generate_resolvers
from deploylint.compiled.yaml_resolvers import TABLES
from deploylint.load import loader
from deploylint.load.readings import WORDS, unquoted
from deploylint.load.scalars import (
    CORE_WORDS,
    MISSING,
    SLOW_FIRST,
    core_value,
    resolve,
    resolver_table,
)
from tests.conftest import EXAMPLES, FIXTURES, REPO, SHARED
from tests.reference import loader as reference

SUITE = SHARED / "yaml-test-suite"
FOLDERS = [REPO / "tests" / "corpus" / "realistic", REPO / "tests" / "hostile", EXAMPLES, FIXTURES]
FILES = sorted(p for folder in FOLDERS for p in folder.rglob("*.y*ml") if p.is_file())
SUITE_FILES = sorted(SUITE.rglob("in.yaml")) if SUITE.is_dir() else []
SMALL = [  # limits small enough that generated docs reach each of them
    loader.Limits(max_nodes=40, max_aliased=25, max_problems=4, max_depth=4, max_documents=2),
    loader.Limits(max_nodes=12, max_aliased=6, max_problems=2, max_depth=2, max_documents=1),
]


def _typed(value: Any) -> Any:
    """``value`` with every scalar's type beside it: 1, 1.0 and True are not the same."""
    if isinstance(value, dict):
        return ("map", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("seq", [_typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _probes(doc: Any) -> Iterator[tuple[Any, ...]]:
    """Paths to locate: each recorded one, and steps below it that may or may not exist."""
    for path in doc.positions:
        yield path
        yield from ((*path, step) for step in (0, 1, -1, True, "a", "<<", "missing"))


def _problems(doc: Any) -> list[tuple[Any, ...]]:
    return [(p.rule, p.position, p.path, p.message) for p in doc.problems]


def assert_same(text: str | bytes, limits: loader.Limits = loader.DEFAULT_LIMITS, readings=True):
    if isinstance(text, bytes):
        new = loader.load_bytes(text, limits, readings=readings)
        old = reference.load_bytes(text, reference.Limits(**_fields(limits)), readings=readings)
    else:
        new = loader.load_text(text, limits, readings=readings)
        old = reference.load_text(text, reference.Limits(**_fields(limits)), readings=readings)
    assert len(new) == len(old)
    for fast, slow in zip(new, old, strict=True):
        assert (fast.index, fast.start, fast.gradable) == (slow.index, slow.start, slow.gradable)
        assert _typed(fast.data) == _typed(slow.data)
        assert _problems(fast) == _problems(slow)
        assert list(fast.positions.items()) == list(slow.positions.items())
        for path in _probes(slow):
            assert fast.locate(path) == slow.locate(path), path


def _fields(limits: loader.Limits) -> dict[str, int]:
    return {name: getattr(limits, name) for name in limits.__slots__}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_repository_file_loads_as_before(path: Path) -> None:
    raw = path.read_bytes()
    assert_same(raw)
    assert_same(raw, readings=False)  # a config's reading
    for limits in SMALL:
        assert_same(raw, limits)


def test_without_libyaml_every_file_loads_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where PyYAML has no libyaml, ruamel.yaml's pure parser reads every file."""
    monkeypatch.setattr(loader, "FAST_PARSER", None)
    monkeypatch.setattr(reference, "FAST_PARSER", None)
    for path in FILES:
        if "realistic" not in path.parts or path.parent.name == "a":  # a sample of those
            assert_same(path.read_bytes())


@pytest.mark.skipif(not SUITE_FILES, reason="../shared/yaml-test-suite is not beside the repo")
def test_every_yaml_test_suite_case_loads_as_before() -> None:
    for path in SUITE_FILES:
        raw = path.read_bytes()
        assert_same(raw)
        assert_same(raw, SMALL[0])


def test_the_resolver_table_is_ruamel_yamls() -> None:
    fresh = generate_resolvers.generate()
    committed = generate_resolvers.OUTPUT.read_text("utf-8")
    assert committed == fresh, f"stale: run `{generate_resolvers.COMMAND}`"


def test_the_tables_letters_begin_only_words_readings_checks() -> None:
    """A plain scalar that starts with a letter and isn't one of readings.WORDS is text to
    every reader: the loader's fast path for words rests on it."""
    for table in TABLES.values():
        for first, entries in table.items():
            if not first.isalpha():
                assert first in SLOW_FIRST
                continue
            for _, pattern, _ in entries:
                inner = re.sub(r"\s", "", pattern).removeprefix("^(?:").removesuffix(")$")
                words = inner.split("|")
                assert all(re.fullmatch(r"[A-Za-z~]*", word) for word in words), pattern
                assert set(words) <= WORDS, pattern


@pytest.mark.parametrize("text", [*CORE_WORDS, "0", "-0", "7", "-12", "123456789012345678"])
def test_core_values_are_ruamel_yamls_with_one_reading(text: str) -> None:
    from ruamel.yaml import YAML

    [doc] = reference.load_text(f"v: {text}\n")
    assert _typed(core_value(text)) == _typed(doc.data["v"]) == _typed(YAML(typ="safe").load(text))
    assert unquoted(text, core_value(text)) is None
    assert resolve(resolver_table((1, 2)), text) != "tag:yaml.org,2002:str"


@given(st.from_regex(r"-?[0-9]{1,22}(\.[0-9]{0,3})?|[0-9]{4}-[0-9]{2}-[0-9]{1,3}", fullmatch=True))
@settings(max_examples=300, derandomize=True, deadline=None)
def test_numbers_read_as_before(text: str) -> None:
    assert_same(f"v: {text}\nw: [{text}]\n{text}: k\n")
    if core_value(text) is not MISSING:
        assert unquoted(text, core_value(text)) is None


def test_loading_a_doc_imports_no_ruamel_yaml() -> None:
    """ruamel.yaml is the parser of record where libyaml rejects input, and builds the values
    the fast paths don't; a realistic doc needs neither (its import cost 12 ms a run)."""
    code = (
        "import sys; from deploylint.load.loader import load_bytes; "
        f"[d] = load_bytes(open({str(FILES[0])!r}, 'rb').read()); assert d.gradable; "
        "print(sorted(m for m in sys.modules if m.startswith('ruamel')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


# --- generated YAML -----------------------------------------------------------------------

SCALARS = [
    "a", "text", "tëxt", "yes", "No", "on", "OFF", "y", "n", "Y", "true", "False", "TRUE",
    "null", "~", "0", "-0", "00", "010", "0o17", "0x1F", "0b101", "1_000", "1e3", "1.5e3",
    ".5", "-.inf", ".NaN", "1:30", "1:30.5", "2026-01-02", "2026-1-2 3:04:05", "+1", "-1.0",
    "12345678901234567890", "=", "<<", "a b", "3.", "x" * 300,
]  # fmt: skip
KEYS = ["a", "b", "<<", "yes", "1", "null", "x y", "true", "~", "0x1F"]
TAGS = [
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!binary ",
    "!x ",
]
ANCHORS = ["", "", "&a ", "&b "]


def _scalar(draw: Any, words: list[str]) -> str:
    word = draw(st.sampled_from(words))
    style = draw(st.sampled_from(["plain", "plain", "single", "double", "escaped"]))
    if style == "single":
        word = "'" + word.replace("'", "''") + "'"
    elif style == "double":
        word = '"' + word + '"'
    elif style == "escaped":
        word = '"' + draw(st.sampled_from(["\\ud800", "\\x41", "\\u00e9", "\\N"])) + word + '"'
    return draw(st.sampled_from(ANCHORS)) + draw(st.sampled_from(TAGS)) + word


@st.composite
def flow(draw: Any, depth: int = 0) -> str:
    """A node in flow style."""
    kinds = ["scalar"] * 4 + ["alias", "map", "map", "seq"] if depth < 4 else ["scalar"]
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return _scalar(draw, SCALARS)
    if kind == "alias":
        return draw(st.sampled_from(["*a", "*b"]))
    head = draw(st.sampled_from(ANCHORS)) + draw(st.sampled_from(["", "", "", "!!map ", "!y "]))
    size = draw(st.integers(0, 4))
    if kind == "seq":
        return head + "[" + ", ".join(draw(flow(depth + 1)) for _ in range(size)) + "]"
    entries = []
    for _ in range(size):
        complex_key = depth < 3 and draw(st.integers(0, 7)) == 0  # a mapping or list as a key
        key = draw(flow(depth + 1)) if complex_key else _scalar(draw, KEYS)
        entries.append(f"{key}: {draw(flow(depth + 1))}")
    return head + "{" + ", ".join(entries) + "}"


@st.composite
def block(draw: Any, indent: int = 0, depth: int = 0) -> str:
    """A block mapping or list at ``indent``, whose values may be flow nodes."""
    pad = " " * indent
    lines = []
    is_map = draw(st.booleans()) if depth else True
    for _ in range(draw(st.integers(1, 5))):
        head = f"{pad}- " if not is_map else f"{pad}{_scalar(draw, KEYS)}: "
        if depth < 3 and draw(st.integers(0, 2)) == 0:
            anchor = draw(st.sampled_from(ANCHORS))
            lines.append(head.rstrip() + (" " + anchor.strip() if anchor else ""))
            lines.append(draw(block(indent + 2, depth + 1)))
        else:
            lines.append(head + draw(flow(depth + 1)))
    return "\n".join(lines)


@st.composite
def merges(draw: Any) -> str:
    """Anchored mappings merged in every way, with repeated keys: DL004, DL007 and DL014."""
    values = st.sampled_from(["1", "2", "yes", "x", "[1]", "{k: 1}", "*a"])
    keys = st.lists(st.sampled_from(["x", "y", "z", "<<"]), max_size=4)
    lines = [
        "base: &a {" + ", ".join(f"{k}: {draw(values)}" for k in draw(keys)) + "}",
        "other: &b {" + ", ".join(f"{k}: {draw(values)}" for k in draw(keys)) + "}",
        "m:",
    ]
    merged = st.sampled_from(["*a", "*b", "[*a, *b]", "[*b, *a]", "[*a, 1]", "{x: 3}", "2"])
    for key in draw(st.lists(st.sampled_from(["<<", "<<", "x", "y", "'<<'"]), max_size=5)):
        lines.append(f"  {key}: {draw(merged) if '<' in key else draw(values)}")
    return "\n".join(lines)


@st.composite
def streams(draw: Any) -> str:
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        head = draw(st.sampled_from(["", "", "---\n", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n"]))
        docs.append(head + draw(st.one_of(block(), flow(), merges())) + "\n")
    return "---\n".join(docs) if all(not d.startswith("%") for d in docs) else "...\n".join(docs)


PROPERTY = settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@given(text=streams(), limits=st.sampled_from([loader.Limits(), *SMALL]), readings=st.booleans())
@PROPERTY
def test_generated_yaml_loads_as_before(text: str, limits: loader.Limits, readings: bool) -> None:
    assert_same(text, limits, readings)


@given(raw=st.binary(max_size=200) | st.text(alphabet="ab:-[]{}&*!<>,'\"? \n\t#%|", max_size=80))
@PROPERTY
def test_arbitrary_input_loads_as_before(raw: bytes | str) -> None:
    assert_same(raw)
