"""`deploylint inventory` (issue #20): one row per agent across the fleet, the register
compliance teams keep, as JSON, CSV (safe to open in a spreadsheet) and Markdown."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

from deploylint.authority.inventory import COLUMNS
from tests.conftest import EXAMPLES, deploylint

CORPUS = Path(__file__).resolve().parent / "corpus" / "realistic"


def test_one_row_per_agent_with_its_register_fields() -> None:
    run = deploylint("inventory", str(EXAMPLES), "--format", "json")
    assert run.code == 0, run.stderr
    rows = run.json()
    assert len(rows) == 5 and all(tuple(row) == COLUMNS for row in rows)
    [support] = [row for row in rows if row["agent"] == "support-reply-agent"]
    assert support["file"].endswith("support-replies.yaml") and support["line"] == 16
    assert (support["owner"], support["environment"]) == ("customer-support-eng", "production")
    assert {"name": "tickets.reply", "effect": "send"} in support["tools"]
    assert support["caps"][0]["side_effect"] == {
        "per_action": {"customer_replies": 1},
        "per_hour": {"customer_replies": 300},
    }
    assert support["writes"] == [
        {"resource": "tickets-db/tier1", "lock": "tickets/tier1-write",
         "lock_holder": "support-reply-agent"}
    ]  # fmt: skip
    assert support["kill_switch_tested_in_production"] == "2026-10-28"
    assert support["rollback_key_holder"] == "support-leads"


def test_money_moved_and_approvals_are_listed() -> None:
    doc = CORPUS / "c" / "card-fraud-review.yaml"
    [row] = deploylint("inventory", str(doc), "--format", "json").json()
    assert row["max_usd_moved"] == 0
    assert any(cap["approval_above_usd"] == 5000 for cap in row["caps"])


def test_csv_cells_never_run_as_spreadsheet_formulas(write) -> None:
    doc = (CORPUS / "a" / "refunds-chargebacks.yaml").read_text()
    hostile = doc.replace("id: returns-refund-issuer", 'id: \'=HYPERLINK("http://x","y")\'')
    hostile = hostile.replace("owner: commerce-payments", "owner: '@SUM(1+1)'")
    run = deploylint("inventory", str(write("deploy/doc.yaml", hostile)), "--format", "csv")
    assert run.code == 0, run.stderr
    rows = list(csv.reader(StringIO(run.stdout)))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 3
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells and "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_markdown_is_one_table_that_a_doc_cannot_break(write) -> None:
    doc = (CORPUS / "a" / "refunds-chargebacks.yaml").read_text()
    doc = doc.replace("id: returns-refund-issuer", "id: 'refunds | <b>@team</b>'")
    run = deploylint("inventory", str(write("doc.yaml", doc)))  # markdown by default
    lines = run.stdout.splitlines()
    assert lines[0] == "| " + " | ".join(COLUMNS) + " |"
    assert len(lines) == 4 and all(line.count(" | ") == len(COLUMNS) - 1 for line in lines[2:])
    assert "\\<b\\>" in run.stdout and "@\u2060team" in run.stdout


def test_a_doc_that_cannot_be_read_leaves_the_register_incomplete(write) -> None:
    good = write("deploy/good.yaml", (EXAMPLES / "support-replies.yaml").read_text())
    write("deploy/broken.yaml", "apiVersion: deploylint/v1\nagents: [\n")
    run = deploylint("inventory", str(good.parent), "--format", "json")
    assert run.code == 2
    assert [row["agent"] for row in run.json()] == ["support-reply-agent"]
    assert "broken.yaml:3: DL001" in run.stderr and "not in the inventory" in run.stderr
