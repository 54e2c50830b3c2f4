"""The positioned loader: data, positions, YAML 1.2 semantics, safety limits, encodings."""

from __future__ import annotations

import string
from io import StringIO
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from deploylint.load.keypath import format_path
from deploylint.load.loader import Limits, LoadedDoc, load_bytes, load_text
from tests.conftest import EXAMPLES, PASSING, TODAY, check_json, deploylint_process


def _one(text: str) -> LoadedDoc:
    [doc] = load_text(text)
    return doc


def _rules(doc: LoadedDoc) -> list[str]:
    return [p.rule for p in doc.problems]


def test_every_key_position_points_at_that_key_in_the_examples() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        lines = path.read_text().splitlines()
        [doc] = load_bytes(path.read_bytes())
        keyed = [p for p in doc.positions if p and isinstance(p[-1], str)]
        assert len(keyed) > 50
        for key_path in keyed:
            where = doc.positions[key_path]
            assert lines[where.line - 1][where.column - 1 :].startswith(str(key_path[-1])), (
                format_path(key_path),
                where,
            )


def test_list_items_point_at_the_item() -> None:
    doc = _one("agents:\n  - id: a\n  - id: b\n")
    assert doc.locate(("agents", 1)) == doc.locate(("agents", 1, "id"))
    assert (doc.locate(("agents", 1)).line, doc.locate(("agents", 1)).column) == (3, 5)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    doc = _one("kill_switch:\n  owner: x\n")
    assert doc.locate(("kill_switch", "tests", 0, "date")) == doc.locate(("kill_switch",))


def test_yaml_1_2_semantics() -> None:
    doc = _one("a: yes\nb: on\nc: 0o17\nd: 010\ne: ~\nf: 2026-10-20\ng: 1_000\nh: .inf\ni: .nan\n")
    assert doc.data == {
        "a": "yes", "b": "on", "c": 15, "d": 10, "e": None, "f": "2026-10-20",
        "g": 1000, "h": float("inf"), "i": ".nan",
    }  # fmt: skip


def test_a_yaml_1_1_directive_reads_values_as_1_1() -> None:
    assert _one("%YAML 1.1\n---\na: yes\nb: 0o17\n").data == {"a": True, "b": "0o17"}


def test_duplicate_keys_are_reported_and_the_first_value_kept() -> None:
    doc = _one("a: 1\nb: 2\na: 1\n")
    assert doc.data == {"a": 1, "b": 2}
    [problem] = doc.problems
    assert (problem.rule, problem.position.line, problem.position.column) == ("DL004", 3, 1)
    # With another value the doc has two readings (tests/test_one_reading.py)
    assert _rules(_one("a: 1\nb: 2\na: 3\n")) == ["DL014"]


def test_anchors_aliases_and_merge_keys() -> None:
    doc = _one("base: &b {x: 1, z: 2}\nother: *b\nm:\n  <<: *b\n  z: 3\n")
    assert doc.data["other"] == {"x": 1, "z": 2}
    assert doc.data["m"] == {"x": 1, "z": 3}
    assert not doc.problems


def test_tags_are_never_constructed() -> None:
    doc = _one("a: !!python/object/apply:os.system ['true']\nb: !!binary aGk=\nc: !custom x\n")
    assert doc.data == {"a": ["true"], "b": "aGk=", "c": "x"}
    assert _rules(doc) == ["DL008", "DL008", "DL008"]


def test_python_object_apply_runs_nothing(write, tmp_path) -> None:
    canary = tmp_path / "canary"
    payloads = [
        f"!!python/object/apply:os.system ['touch {canary}']",
        f"!!python/object/apply:subprocess.call [['touch', '{canary}']]",
        f"!!python/object/new:os.system ['touch {canary}']",
        "!!python/name:os.system",
    ]
    text = PASSING.read_text()
    for payload in payloads:
        path = write("evil.yaml", text.replace("name: support-replies", f"name: {payload}", 1))
        run = deploylint_process("check", str(path), "--format", "json", "--today", TODAY)
        assert run.code == 1, run.stderr
        assert "DL008" in {f["rule"] for f in run.json()["findings"]}
        assert not canary.exists(), payload


def test_multi_document_stream_with_an_error_keeps_the_documents_before_it() -> None:
    docs = load_text("a: 1\n---\nb: 2\n---\nc: [\n")
    assert [d.data for d in docs[:2]] == [{"a": 1}, {"b": 2}]
    assert docs[2].index == 3 and _rules(docs[2]) == ["DL001"]
    assert docs[2].problems[0].position.line == 6


def test_complex_and_non_string_keys() -> None:
    doc = _one("? [a, b]\n: c\n1: one\ntrue: x\nnull: z\n")
    assert doc.data == {"1": "one", "true": "x", "null": "z"}
    assert _rules(doc) == ["DL012"]


def test_alias_bomb_is_stopped_quickly() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        levels.append(f"a{n}: &a{n} [{refs}]")
    doc = _one("\n".join(levels) + "\n")
    assert _rules(doc) == ["DL011"] and not doc.gradable


def test_deep_nesting_is_stopped_quickly() -> None:
    for text in ("a: " + "[" * 200_000 + "]" * 200_000 + "\n", "a: [x:y, " + "{" * 50_000 + "\n"):
        [doc] = load_text(text)
        assert _rules(doc) == ["DL011"], text[:20]
        assert "nesting deeper than 100 levels" in doc.problems[0].message
    block = "".join(" " * i + "- \n" for i in range(150))
    assert _rules(_one(block)) == ["DL011"]


def test_recursive_alias_is_a_syntax_finding() -> None:
    assert _rules(_one("a: &a [*a]\n")) == ["DL001"]


def test_size_limit() -> None:
    [doc] = load_bytes(b"a: 1\n" * 100, Limits(max_bytes=100))
    assert _rules(doc) == ["DL011"] and "over the 100-byte limit" in doc.problems[0].message


def test_bom_and_crlf_read_like_plain_utf8() -> None:
    text = PASSING.read_text()
    [plain] = load_bytes(text.encode())
    for raw in (
        b"\xef\xbb\xbf" + text.encode(),
        text.replace("\n", "\r\n").encode(),
        text.encode("utf-16"),
    ):
        [doc] = load_bytes(raw)
        assert doc.data == plain.data
        assert doc.positions == plain.positions
        assert not doc.problems


def test_invalid_utf8_names_the_line() -> None:
    [doc] = load_bytes(b"a: 1\nb: caf\xe9\n")
    [problem] = doc.problems
    assert (problem.rule, problem.position.line, problem.position.column) == ("DL009", 2, 7)
    assert "0xe9" in problem.message


def test_every_example_loads_without_problems() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        assert check_json(path)[1]["files"][0]["documents"][0]["graded"]


# --- properties ---------------------------------------------------------------------------

KEYS = st.text(alphabet=string.ascii_lowercase + "_-", min_size=1, max_size=12).filter(
    lambda k: k not in ("y", "n", "yes", "no", "on", "off", "true", "false", "null", "_")
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    # text without control codes and YAML's extra line breaks (NEL, LS, PS), which the
    # dumper writes raw and every YAML reader folds: that is YAML, not the loader
    | st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
        max_size=30,
    ).filter(lambda s: not s.startswith("?"))  # libyaml reads flow `[?x]` as a key (HM87)
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _dump(data: Any, flow: bool) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    stream = StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(KEYS, TREES, min_size=1, max_size=5), flow=st.booleans())
def test_any_dumped_mapping_loads_back_with_positions(data: dict[str, Any], flow: bool) -> None:
    text = _dump(data, flow)
    try:  # ruamel's dumper can write flow YAML its own parser rejects ({a: :0}): not ours
        reference = YAML(typ="safe", pure=True).load(text)
    except Exception:
        assume(False)
    [doc] = load_text(text)
    assert doc.data == data == reference
    # ruamel.yaml's YAML 1.2 dumper writes `N` or `1:30` plain: text to it, not to YAML 1.1
    assert {p.rule for p in doc.problems} <= {"DL014"}
    lines = text.splitlines()
    for path, where in doc.positions.items():
        assert 1 <= where.line <= len(lines) + 1
        if path and isinstance(path[-1], str) and not flow:
            at = lines[where.line - 1][where.column - 1 :]
            assert at.removeprefix("'").removeprefix('"').startswith(path[-1]), (path, text)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    docs = load_bytes(raw)
    assert docs
    for doc in docs:
        for problem in doc.problems:
            assert problem.position.line >= 1 and problem.position.column >= 1


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=":-[]{}&*!|>'\"#%@`, \n\tab?~", max_size=120))
def test_random_yaml_punctuation_never_raises(text: str) -> None:
    assert load_text(text)


def test_lone_surrogates_become_their_escape_so_every_output_can_write_them(write) -> None:
    doc = _one('a: "\\ud800x"\n"\\udfff": 1\n')
    assert doc.data == {"a": "\\ud800x", "\\udfff": 1}
    path = write("s.yaml", PASSING.read_text().replace("name: support-replies", 'name: "x\\ud800"'))
    for fmt in ("json", "text"):
        run = deploylint_process("check", str(path), "--format", fmt, "--today", TODAY)
        assert run.code == 0 and "Traceback" not in run.stderr, run.stderr


def test_numbers_too_large_to_mean_anything_are_a_finding_not_a_crash() -> None:
    doc = _one("a: 0x" + "f" * 4000 + "\nb: " + "9" * 5000 + "\nc: 18446744073709551615\n")
    # kept as text, the hex number reads as a number elsewhere (DL014); PyYAML can't read b
    assert [p.rule for p in doc.problems] == ["DL007", "DL014", "DL007"]
    assert doc.data["c"] == 2**64 - 1  # 64 bits: still a number
    assert isinstance(doc.data["a"], str) and len(doc.data["a"]) < 50


def test_an_escape_outside_unicode_is_a_syntax_finding() -> None:
    [doc] = load_text('a: "\\U00110000"\n')
    assert [p.rule for p in doc.problems] == ["DL001"]
