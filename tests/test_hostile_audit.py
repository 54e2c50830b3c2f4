"""`deploylint audit`: hostile rows and hostile `--doc` files get a finding or a one-line
error naming the file, within 10 s and 500 MB, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.bounded import Bounded, bounded

CORPUS = Path(__file__).resolve().parent / "hostile"
ROW = '{"timestamp": "t", "agent_id": "a", "resource": "r", "lock_holder": "a"}'


def _audit(rows: Path, *extra: str) -> Bounded:
    return bounded("audit", str(rows), "--format", "json", *extra)


def _rules_at(run: Bounded) -> list[tuple[str, int]]:
    """The AR001 findings (a row that can't be read) and their lines."""
    assert run.problems() == [], run.stderr
    return [(f["rule"], f["line"]) for f in run.json()["findings"] if f["rule"] == "AR001"]


ROW_CASES = {
    # name: (content, the AR001 lines expected)
    "deep-array": (b"[" + b"[" * 100_000, [1]),
    "deep-object-lines": (b'{"a": ' * 50_000 + b"\n" + ROW.encode() + b"\n", [1]),
    "five-megabyte-line": (b'{"a": "' + b"x" * 5_000_000 + b'"}\n' + ROW.encode(), [1]),
    "five-million-blank-lines": (b"\n" * 5_000_000 + ROW.encode() + b"\n", []),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\n" + ROW.encode(), [1, 2, 3]),
    "nan-and-infinity": (b'{"lock_holder": NaN, "x": Infinity, "y": -Infinity}\n', []),
    "not-objects": (b'1\n"text"\nnull\n[1]\ntrue\n' + ROW.encode(), [1, 2, 3, 4, 5]),
    "utf16": (ROW.encode("utf-16"), [1]),
}


@pytest.mark.parametrize("name", sorted(ROW_CASES))
def test_hostile_rows_are_findings_and_the_rest_is_checked(name: str, write) -> None:
    content, lines = ROW_CASES[name]
    rows = write(f"{name}.jsonl", content)
    run = _audit(rows)
    assert run.code in (0, 1), run.stderr
    assert [line for _, line in _rules_at(run)] == lines
    assert all(f["file"] == str(rows) for f in run.json()["findings"])


def test_a_folder_as_rows_or_doc_is_a_one_line_error(tmp_path: Path, write) -> None:
    rows = write("rows.jsonl", ROW + "\n")
    for args in ((str(tmp_path),), (str(rows), "--doc", str(tmp_path))):
        run = bounded("audit", *args)
        assert run.problems() == [] and run.code == 2
        assert run.stderr == f"deploylint: error: {tmp_path}: Is a directory\n"


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "binary.yaml", "tabs.yaml", "empty.yaml"])
def test_an_unreadable_doc_is_a_one_line_error_naming_it(name: str, write) -> None:
    rows = write("rows.jsonl", ROW + "\n")
    run = bounded("audit", str(rows), "--doc", str(CORPUS / name))
    assert run.problems() == [] and run.code == 2
    assert run.stderr.startswith(f"deploylint: error: {CORPUS / name}: ")
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize("shape", ["lines", "array"])
def test_a_row_with_a_huge_integer_is_a_finding(shape: str, write) -> None:
    huge = '{"lock_holder": 1' + "0" * 5000 + "}"
    text = f"{huge}\n{ROW}\n" if shape == "lines" else f"[{huge},\n{ROW}]"
    run = _audit(write(f"rows.{shape}", text))
    assert _rules_at(run) == [("AR001", 1)]


def test_a_json_array_of_whitespace_is_bounded(write) -> None:
    run = _audit(write("rows.json", b"[" + b"\n" * 16_000_000 + b"]"))
    assert run.problems() == [] and run.code == 0, run.stderr


def test_an_oversized_doc_is_not_read(tmp_path: Path, write) -> None:
    doc = tmp_path / "huge.yaml"
    with doc.open("wb") as handle:
        handle.truncate(600 * 2**20)
    run = bounded("audit", str(write("rows.jsonl", ROW + "\n")), "--doc", str(doc))
    assert run.problems() == [] and run.code == 2
    assert run.stderr.startswith(f"deploylint: error: {doc}: ")


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param("agents: 5\n", id="agents-not-a-list"),
        pytest.param("agents: [{id: 0x" + "f" * 4000 + "}]\n", id="huge-agent-id"),
        pytest.param("agents: {id: x}\naudit: {columns: x}\n", id="mapping-and-text"),
        pytest.param("agents: [null, 1, {id: [a]}]\naudit: {columns: [1, null, [x]]}\n", id="odd"),
    ],
)
def test_a_doc_of_the_wrong_shape_is_handled(doc: str, write) -> None:
    rows = write("rows.jsonl", ROW + "\n")
    path = write("doc.yaml", doc)
    run = bounded("audit", str(rows), "--doc", str(path))
    assert run.problems() == [], run.stderr
    if run.code == 2:  # a doc it can't use: one line naming it
        assert run.stderr.startswith(f"deploylint: error: {path}: ")
    else:
        assert run.code in (0, 1)
