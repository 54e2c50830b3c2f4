"""Properties of the whole CLI on random input: it never raises, always prints strict JSON,
and exits with a documented code. Plus an exhaustive sweep of wrong types over every key of
a sound doc.

The hypothesis tests are derandomized: a CI gate must not fail at random, and open-ended
exploration is the fuzz harness's job (fuzz/). Inputs that trip a known bug (lone
surrogates, integers past Python's 4300-digit str limit) are left to the strict xfails that
show those bugs, so that these properties guard everything else.
"""

from __future__ import annotations

import copy
import io
import json
import string
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from deploylint.load.keypath import KeyPath, format_path
from deploylint.load.loader import load_bytes
from deploylint.rubric.grade import Settings, grade_file
from deploylint.rubric.load import load_default
from tests.conftest import PASSING, TODAY, Run, deploylint

[SOUND] = load_bytes(PASSING.read_bytes())
PATHS: list[KeyPath] = [path for path in SOUND.positions if path]
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _strict(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def assert_documented(run: Run, *, file: str = "<stdin>") -> dict[str, Any]:
    """A documented exit code, no internal error, and strict JSON agreeing with the code."""
    assert run.code in (0, 1, 2), run.code
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    report: dict[str, Any] = _strict(run.stdout)
    assert report["summary"]["exit_code"] == run.code
    for finding in report["findings"]:
        assert finding["file"] == file and finding["line"] >= 1 and finding["column"] >= 1
    return report


def _dump(data: Any, *, flow: bool = False) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _set(data: Any, path: KeyPath, value: Any) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


# --- random structures ---------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)  # Cs: see xfails
HOSTILE = st.sampled_from(
    ["\x1b[2J", "[bold]x[/]", "{{ 7 * 7 }}", "<script>", "| a |", "\u202e", "\x00", "", " "]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.dates().map(str)
    | TEXT
    | HOSTILE
)
KEYS = st.text(string.ascii_lowercase + "_-x", min_size=1, max_size=14) | TEXT | HOSTILE
TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@PROPERTY
@given(path=st.sampled_from(PATHS), value=TREES, flow=st.booleans())
def test_any_value_anywhere_in_a_sound_doc(path: KeyPath, value: Any, flow: bool) -> None:
    text = _dump(_set(SOUND.data, path, value), flow=flow)
    run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=text)
    assert_documented(run)


@PROPERTY
@given(data=st.dictionaries(KEYS, TREES, max_size=6), header=st.booleans())
def test_any_mapping_as_a_doc(data: dict[str, Any], header: bool) -> None:
    if header:
        data = {"apiVersion": "deploylint/v1", "kind": "AgentDeployment", **data}
    run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=_dump(data))
    assert_documented(run)


@PROPERTY
@given(docs=st.lists(st.sampled_from(PATHS).flatmap(lambda p: TREES.map(lambda v: (p, v)))))
def test_any_stream_of_changed_docs_is_one_fleet(docs: list[tuple[KeyPath, Any]]) -> None:
    text = "---\n".join(_dump(_set(SOUND.data, path, value)) for path, value in docs[:4])
    run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=text)
    assert_documented(run)


# --- random bytes ------------------------------------------------------------------------


@PROPERTY
@given(raw=st.binary(max_size=2000))
def test_any_bytes_as_a_doc_and_as_audit_rows(raw: bytes) -> None:
    run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=raw)
    assert_documented(run)
    rows = deploylint("audit", "-", "--format", "json", stdin=raw)
    assert rows.code in (0, 1) and "internal error" not in rows.stderr, rows.stderr
    assert _strict(rows.stdout)["summary"]["exit_code"] == rows.code


EDITS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1),
        st.sampled_from(["insert", "delete", "replace"]),
        st.sampled_from([b"\n", b" ", b"\t", b":", b"-", b"[", b"{", b"&a ", b"*a", b"'", b"#"])
        | st.binary(min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=6,
)


@PROPERTY
@given(edits=EDITS)
def test_any_edit_of_a_sound_doc(edits: list[tuple[float, str, bytes]]) -> None:
    raw = bytearray(PASSING.read_bytes())
    for where, operation, chunk in edits:
        at = int(where * (len(raw) - 1))
        if operation == "insert":
            raw[at:at] = chunk
        elif operation == "delete":
            del raw[at : at + len(chunk)]
        else:
            raw[at : at + len(chunk)] = chunk
    run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=bytes(raw))
    assert_documented(run)


# --- wrong types at every key of a sound doc ------------------------------------------------

WRONG = {"int": -1, "text": "x", "list": [{"a": None}], "mapping": {"x": [1]}}


def _kinds(value: Any) -> list[str]:
    if isinstance(value, dict):
        return ["int", "text", "list"]
    if isinstance(value, list):
        return ["int", "text", "mapping"]
    return ["list", "mapping"]


def _value(path: KeyPath) -> Any:
    value = SOUND.data
    for key in path:
        value = value[key]
    return value


SWEEP = [
    pytest.param(
        path,
        kind,
        id=f"{format_path(path)}={kind}",
    )
    for path in PATHS
    for kind in _kinds(_value(path))
]
SETTINGS = Settings(load_default(), date.fromisoformat(TODAY))


@pytest.mark.parametrize(("path", "kind"), SWEEP)
def test_a_wrong_type_is_a_finding_at_its_path(path: KeyPath, kind: str) -> None:
    """Graded in process (the sweep is 350 docs); the random tests above use the CLI."""
    text = _dump(_set(SOUND.data, path, WRONG[kind]))
    [doc] = grade_file(text.encode(), file="doc.yaml", settings=SETTINGS).documents
    where = format_path(path)
    assert any(
        f.path == where or (where.startswith(f.path) and f.rule.startswith("DL"))
        for f in doc.findings
    ), [(f.rule, f.path) for f in doc.findings]
