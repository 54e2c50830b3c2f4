"""Doc content is inert in every output this suite owns: the terminal (check, fleet, audit),
stderr, JSON, and fleet's Markdown. (SARIF, JUnit, HTML, GitHub and the Markdown gap report
are covered with their reporters.)

One hostile string is planted in every field that reaches a report: the doc name, an agent
id, a resource, a lock, a rollback route, an unknown key, a tag, audit-row values, file names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from deploylint.model.identity import ref
from tests.conftest import PASSING, TODAY, deploylint_process

# Terminal control (CSI, OSC 8 link, OSC 52 clipboard, C1 CSI, BEL, BS, CR, NUL, DEL),
# bidi overrides, rich markup and emoji codes, jinja, HTML, Markdown, a mention, and a
# GitHub workflow command on a line of its own.
EVIL = (
    "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b]52;c;ZXZpbA==\x07"
    "\x9b31m\x07\x08\r\x00\x7f\u202e\u2066[bold red]boom[/bold red] :warning: "
    "{{ 7 * 7 }} {% raw %} <script>alert(1)</script> <!-- `c` | p | **b** [l](javascript:x) "
    "@org/team ```\n::error file=x::pwned"
)
# What may never reach a terminal: C0 controls but newline, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OWN_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # the SGR colour codes rich itself writes


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string escapes are YAML escapes)."""
    return json.dumps(text)


def hostile_doc(evil: str = EVIL) -> str:
    """The passing example with ``evil`` in every field a finding or the fleet map shows,
    and gaps so that findings are reported."""
    swaps = {
        "name: support-replies": f"name: {_q('doc-' + evil)}",
        "id: support-reply-agent": f"id: {_q('agent-' + evil)}",
        "- {resource: tickets-db/tier1, lock: tickets/tier1-write}": (
            f"- {{resource: {_q('res-' + evil)}, lock: {_q('lock-' + evil)}}}"
        ),
        "rollback_path: /internal/support/admin/rollback?agent=support-reply-agent": (
            f"rollback_path: {_q('/route-' + evil)}"
        ),
        "halts_in_flight: true": "halts_in_flight: false",
        "\nbudget:": f"\n{_q('key-' + evil)}: 1\nx-tag: !e%1B[2J%C2%9B%07x 1\nbudget:",
    }
    text = PASSING.read_text()
    for old, new in swaps.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def assert_terminal_safe(output: str, *, colour: bool = False) -> None:
    """No control or bidi character, and (with colour) no escape but rich's own colours."""
    shown = OWN_COLOUR.sub("", output) if colour else output
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(shown)})
    assert not found, f"raw control characters reach the terminal: {found}"
    assert not re.search(r"^::", output, re.MULTILINE), "a line starts a workflow command"


@pytest.fixture
def evil_doc(write) -> Path:
    return write("evil.yaml", hostile_doc())


# --- check: terminal ---------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["200", "60"], ids=["table", "stacked"])
@pytest.mark.parametrize("colour", [False, True], ids=["piped", "forced-colour"])
def test_check_text_is_terminal_safe(evil_doc: Path, columns: str, colour: bool) -> None:
    env = {"COLUMNS": columns, **({"FORCE_COLOR": "1"} if colour else {"NO_COLOR": "1"})}
    run = deploylint_process("check", str(evil_doc), "--today", TODAY, env=env)
    assert run.code == 1, run.stderr
    assert "KS010" in run.stdout and "DL005" in run.stdout and "DL008" in run.stdout
    assert_terminal_safe(run.stdout, colour=colour)
    assert_terminal_safe(run.stderr)
    if colour:
        assert OWN_COLOUR.search(run.stdout), "FORCE_COLOR gives colour"


def test_check_text_shows_content_literally(evil_doc: Path) -> None:
    run = deploylint_process("check", str(evil_doc), "--today", TODAY, env={"COLUMNS": "2000"})
    for literal in (
        "\\x1b[2J",
        "\\x9b31m",
        "\\u202e",
        "[bold red]boom[/bold red]",
        ":warning:",
        "{{ 7 * 7 }}",
        "{% raw %}",
    ):
        assert literal in run.stdout, literal
    assert "49" not in run.stdout.replace("\\x1b", "")


# --- check: JSON ---------------------------------------------------------------------------


def _strict(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_check_json_carries_content_exactly_and_escaped(evil_doc: Path) -> None:
    run = deploylint_process("check", str(evil_doc), "--format", "json", "--today", TODAY)
    assert run.code == 1
    assert not re.search("[\x00-\x09\x0b-\x1f]", run.stdout), "controls are \\u-escaped"
    report = _strict(run.stdout)
    [doc] = report["files"][0]["documents"]
    assert doc["name"] == "doc-" + EVIL  # names aren't folded: data stays data
    radius = next(f["blast_radius"] for f in report["findings"] if f["rule"] == "KS010")
    assert "agent-" + " ".join(EVIL.split()) in radius  # templates fold whitespace only
    assert "{{ 7 * 7 }}" in radius


# --- stderr --------------------------------------------------------------------------------


def test_error_lines_escape_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.yaml").write_text(PASSING.read_text())
    (folder / "evil\x1b[2J\n::error file=x::pwned.yaml").symlink_to(tmp_path / "nowhere")
    run = deploylint_process("check", str(folder), "--format", "json", "--today", TODAY)
    assert run.code == 2
    assert_terminal_safe(run.stderr)
    assert len(run.stderr.splitlines()) == 1, "one line per error"


def test_file_names_are_escaped_in_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "evil\x1b[2J\u202e\n::error::x.yaml").write_text(hostile_doc())
    run = deploylint_process("check", str(folder), "--today", TODAY, env={"FORCE_COLOR": "1"})
    assert run.code == 1
    assert_terminal_safe(run.stdout, colour=True)
    as_json = deploylint_process("check", str(folder), "--format", "json", "--today", TODAY)
    assert _strict(as_json.stdout)["findings"][0]["file"].endswith("::error::x.yaml")


# --- lone surrogates: valid YAML and JSON escapes, not encodable as UTF-8 ------------------


@pytest.mark.parametrize("output", ["json", "text"])
def test_a_lone_surrogate_in_a_doc_is_reported(output: str, write) -> None:
    doc = write("surrogate.yaml", hostile_doc("\ud800"))
    run = deploylint_process("check", str(doc), "--format", output, "--today", TODAY)
    assert "internal error" not in run.stderr, run.stderr
    assert run.code == 1 and str(doc) in run.stdout


def test_a_lone_surrogate_in_the_fleet_map(write) -> None:
    doc = write("surrogate.yaml", hostile_doc("\ud800"))
    other = write("other.yaml", hostile_doc("x").replace("agent-x", "agent-y"))
    run = deploylint_process("fleet", str(doc), str(other), "--format", "json")
    assert "internal error" not in run.stderr, run.stderr
    assert run.code == 0 and _strict(run.stdout)


# --- fleet -------------------------------------------------------------------------------


@pytest.fixture
def evil_fleet(write) -> list[str]:
    """Two docs writing the same hostile resource, with hostile agents, locks, doc names."""
    first = hostile_doc()
    second = first.replace('"agent-', '"other-agent-').replace('"doc-', '"other-doc-')
    return [str(write("a|b`c<d>.yaml", first)), str(write("second.yaml", second))]


def test_fleet_text_and_json_are_safe(evil_fleet: list[str]) -> None:
    for env in ({"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}):
        run = deploylint_process("fleet", *evil_fleet, env=env)
        assert run.code == 0, run.stderr
        assert "collision" in run.stdout
        assert_terminal_safe(run.stdout, colour="FORCE_COLOR" in env)
    as_json = deploylint_process("fleet", *evil_fleet, "--format", "json")
    resources = [row["resource"] for row in _strict(as_json.stdout)]
    # the map names a resource by its identifier: a note after it is left off
    assert ref("res-" + EVIL).name in resources


MERMAID_LINE = re.compile(
    r'  (a\d+\["[^"`<>]*"\]'
    r'|r\d+\[\("[^"`<>]*"\)\](:::collision)?'
    r'|a\d+ -->\|"[^"`<>]*"\| r\d+'
    r"|classDef collision stroke:#c00,stroke-width:3px)"
)


def test_fleet_markdown_keeps_its_table_and_graph_whole(evil_fleet: list[str]) -> None:
    run = deploylint_process("fleet", *evil_fleet, "--format", "markdown")
    assert run.code == 0, run.stderr
    table, graph = run.stdout.split("```mermaid\n", 1)
    rows = table.rstrip("\n").split("\n")
    assert rows[:2] == ["| resource | writers | locks (holder) | status |", "|---|---|---|---|"]
    assert len(rows) == len(table.rstrip("\n").splitlines()) == 4, "one line per resource"
    for line in rows[2:]:
        assert line.startswith("| ") and line.endswith(" |"), line
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) == 6, line  # four cells between the outer pipes
    unescaped = re.findall(r"(?<!\\)[<>`*\[\]]", table.replace("<br>", ""))
    assert not unescaped, unescaped
    assert "@org" not in run.stdout
    body, rest = graph.split("\n```\n", 1)
    assert rest == "", "the fence closes once, at the end"
    for line in body.splitlines()[1:]:
        assert MERMAID_LINE.fullmatch(line), line
    assert_terminal_safe(run.stdout)


# --- audit -----------------------------------------------------------------------------------


def _evil_rows(write) -> Path:
    row = {
        "timestamp": EVIL,
        "agent_id": "agent-" + EVIL,
        "resource": "res-" + EVIL,
        "lock_holder": None,
        "rollback_allowed": True,
        "rollback_path": "/dashboard/" + EVIL,
        "approved_by": EVIL,
        "rollback_key_holder": "bot-" + EVIL,
        "human_override_queue": EVIL,
        "second_key_revoke_provenance": "revoked " + EVIL,
        "second_key" + EVIL: True,
        "x-number": float("nan"),
    }
    return write("rows.jsonl", json.dumps(row) + "\n" + json.dumps([EVIL]) + "\n")


def test_audit_text_is_terminal_safe(write) -> None:
    rows = _evil_rows(write)
    for env in ({"NO_COLOR": "1", "COLUMNS": "200"}, {"FORCE_COLOR": "1", "COLUMNS": "60"}):
        run = deploylint_process("audit", str(rows), env=env)
        assert run.code == 1, run.stderr
        for rule in ("AR001", "AR002", "AR005", "AR006", "AR007"):
            assert rule in run.stdout
        assert_terminal_safe(run.stdout, colour="FORCE_COLOR" in env)
        assert_terminal_safe(run.stderr)


def test_audit_json_is_strict_and_exact(write) -> None:
    run = deploylint_process("audit", str(_evil_rows(write)), "--format", "json")
    assert run.code == 1
    report = _strict(run.stdout)
    gaps = " ".join(f["gap"] for f in report["findings"])
    assert "/dashboard/" + " ".join(EVIL.split()) in gaps


@pytest.mark.parametrize("output", ["json", "text"])
def test_a_lone_surrogate_in_an_audit_row(output: str, write) -> None:
    rows = write(
        "rows.jsonl",
        '{"lock_holder": "x", "rollback_path": "https://console.vendor.example/\\ud800"}\n',
    )
    run = deploylint_process("audit", str(rows), "--format", output)
    assert "internal error" not in run.stderr, run.stderr
    assert run.code == 1 and "AR005" in run.stdout
