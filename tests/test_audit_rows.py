"""`deploylint audit`: real audit rows, classified with their line and field."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, deploylint, deploylint_process

GOOD = {
    "timestamp": "2026-11-02T02:17:00Z",
    "agent_id": "db-perf-agent",
    "resource": "orders-db/cluster",
    "lock_holder": "db-perf-agent",
    "rollback_allowed": True,
    "rollback_path": "/internal/db/admin/rollback?agent=db-perf-agent",
    "approved_by": "jun.t",
    "rollback_key_holder": "db-oncall",
    "human_override_queue": "db-oncall",
}
PROVENANCE = "svc-ops-princess revoked via runbook R-44 at 04:12Z after page to oncall-jane"


def _audit(write, *rows: dict | str, extra: tuple[str, ...] = ()) -> tuple[int, dict]:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path = write("audit.jsonl", "\n".join(lines) + "\n")
    run = deploylint("audit", str(path), "--format", "json", *extra)
    return run.code, run.json()


def _found(report: dict) -> list[tuple[str, int, str]]:
    return [(f["rule"], f["line"], f["path"]) for f in report["findings"]]


def test_a_clean_row_passes(write) -> None:
    good = {**GOOD, "second_key_revoke_provenance": PROVENANCE}
    code, report = _audit(write, good, good)
    assert code == 0
    assert report["findings"] == []
    assert report["summary"]["rows"] == 2


@pytest.mark.parametrize(
    ("change", "rule", "field"),
    [
        ({"lock_holder": None}, "AR002", "lock_holder"),
        ({"lock_holder": ""}, "AR002", "lock_holder"),
        ({"rollback_path": None}, "AR004", "rollback_path"),
        ({"rollback_path": "https://grafana.internal/d/db/dashboard"}, "AR005", "rollback_path"),
        ({"rollback_path": "vendor portal > Rollback button"}, "AR005", "rollback_path"),
        ({"rollback_key_holder": "agent-autocleanup-7"}, "AR006", "rollback_key_holder"),
        ({"rollback_key_holder": "vendor-portal-button"}, "AR006", "rollback_key_holder"),
        ({"second_key_revoked": True}, "AR007", "second_key_revoked"),
        ({"second_key_revoke_provenance": "revoked"}, "AR007", "second_key_revoke_provenance"),
        ({"rollback_denominator_is_defect": True}, "AR008", "rollback_denominator_is_defect"),
        ({"approved_by": None}, "AR003", "approved_by"),
    ],
)
def test_each_kind_of_bad_row_is_classified_at_its_line(write, change, rule, field) -> None:
    bad = {**GOOD, **change}
    if change.get(field) is None:
        bad.pop(field)
    code, report = _audit(write, GOOD, bad, GOOD)
    assert _found(report) == [(rule, 2, f"$[1].{field}")]
    # AR008 is medium; AR006 without --doc rests on the holder's name: a guess, at info
    assert code == (0 if rule in ("AR008", "AR006") else 1)
    [finding] = report["findings"]
    if rule == "AR006":
        assert finding["severity"] == "info" and "a guess from the name" in finding["gap"]
    assert finding["gap"] and finding["blast_radius"] and finding["rollback_unit"]


def test_the_brief_s_examples(write) -> None:
    rows = [
        {**GOOD, "lock_holder": None},  # contaminated evidence
        {**GOOD, "rollback_path": None},  # rollback_allowed with no route: a hostage note
        {**GOOD, "rollback_key_holder": "agent-autocleanup-7"},  # reject
        {**GOOD, "rollback_key_holder": "svc-ops-princess"},  # accept
        {**GOOD, "rollback_key_holder": "vendor-portal-button"},  # reject
        {**GOOD, "second_key_revoke_provenance": PROVENANCE},  # accept
    ]
    for row in rows:
        for key in [k for k, v in row.items() if v is None]:
            del row[key]
    _, report = _audit(write, *rows)
    assert [(rule, line) for rule, line, _ in _found(report)] == [
        ("AR002", 1),
        ("AR004", 2),
        ("AR006", 3),
        ("AR006", 5),
    ]


def test_the_field_column_points_into_the_line(write) -> None:
    row = json.dumps({**GOOD, "rollback_key_holder": "agent-autocleanup-7"})
    path = write("a.jsonl", "   " + row + "\n")
    [finding] = deploylint("audit", str(path), "--format", "json").json()["findings"]
    line = path.read_text().splitlines()[0]
    assert line[finding["column"] - 1 :].startswith('"rollback_key_holder"')


def test_malformed_lines_are_findings_and_the_rest_is_checked(write) -> None:
    code, report = _audit(
        write, GOOD, "not json", "[1, 2]", "", "{" * 100_000, {**GOOD, "lock_holder": None}
    )
    assert code == 1
    rules = [(rule, line) for rule, line, _ in _found(report)]
    assert rules == [("AR001", 2), ("AR001", 3), ("AR001", 5), ("AR002", 6)]


def test_invalid_utf8_and_overlong_lines(write, monkeypatch) -> None:
    from deploylint.audit import rows

    monkeypatch.setattr(rows, "MAX_ROW_BYTES", 1000)
    path = write(
        "a.jsonl",
        b'{"a": "\xff"}\n' + b'{"x": "' + b"y" * 5000 + b'"}\n' + json.dumps(GOOD).encode(),
    )
    report = deploylint("audit", str(path), "--format", "json").json()
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("AR001", 1), ("AR001", 2)]
    assert report["summary"]["rows"] == 3


def test_a_json_array_gives_each_row_its_line(write) -> None:
    bad = {**GOOD, "rollback_key_holder": "agent-autocleanup-7"}
    text = (
        "[\n  "
        + json.dumps(GOOD)
        + ",\n  "
        + json.dumps(bad, indent=2).replace("\n", "\n  ")
        + "\n]\n"
    )
    path = write("a.json", text)
    [finding] = deploylint("audit", str(path), "--format", "json").json()["findings"]
    line = text.splitlines()[finding["line"] - 1]
    assert finding["rule"] == "AR006" and line.strip().startswith('"rollback_key_holder"')


def test_doc_supplies_agent_ids(write) -> None:
    doc = (
        (EXAMPLES / "fleet-0217" / "db-perf.yaml")
        .read_text()
        .replace("db-perf-agent", "capacity-planner")
    )
    human_looking_agent = {**GOOD, "rollback_key_holder": "capacity-planner"}
    _, report = _audit(write, human_looking_agent, extra=("--doc", str(write("doc.yaml", doc))))
    assert _found(report) == [("AR006", 1, "$[0].rollback_key_holder")]
    assert "an agent the doc authorizes" in report["findings"][0]["gap"]
    # without the doc the name doesn't look like an agent, so it passes
    assert _audit(write, human_looking_agent)[1]["findings"] == []


def test_doc_supplies_the_required_columns(write) -> None:
    doc = (EXAMPLES / "fleet-0217" / "db-perf.yaml").read_text()
    doc = doc.replace(
        "approved_by, rollback_key_holder", "approved_by, ticket, rollback_key_holder"
    )
    row = {**GOOD, "approved_by": None}
    del row["approved_by"]
    _, with_doc = _audit(write, row, extra=("--doc", str(write("doc.yaml", doc))))
    assert _found(with_doc) == [("AR003", 1, "$[0].approved_by"), ("AR003", 1, "$[0].ticket")]


def test_stdin_text_output_and_errors(write) -> None:
    row = json.dumps({**GOOD, "lock_holder": None}).encode() + b"\n"
    run = deploylint_process("audit", "-", stdin=row)
    assert run.code == 1
    assert "<stdin>" not in run.stderr and "-:1:1" in run.stdout and "AR002" in run.stdout
    assert "1 row: 1 finding" in run.stdout
    missing = deploylint_process("audit", "nope.jsonl")
    assert (
        missing.code == 2
        and missing.stderr.strip() == "deploylint: error: nope.jsonl: No such file or directory"
    )
    assert deploylint_process("audit", str(write("a.jsonl", "")), "--doc", "nope.yaml").code == 2
