"""`rules` and `explain` for every rule; the three columns are filled from the doc's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploylint.load.loader import load_bytes
from deploylint.rubric.load import load_default
from tests.conftest import EXAMPLES, TODAY, check_json, deploylint

RUBRIC = load_default()
AREAS = {
    "kill_switch", "cost_ceiling", "side_effects", "retries", "checkpoints", "rollback",
    "peer_auth", "write_authority", "audit", "permissions", "review",
}  # fmt: skip


def test_rules_lists_every_area_of_the_brief() -> None:
    listed = deploylint("rules", "--format", "json").json()
    assert {rule["area"] for rule in listed} >= AREAS
    assert [rule["id"] for rule in listed] == list(RUBRIC.rules)
    for rule in listed:
        assert rule["why"] and rule["remediation"] and rule["trigger"] and rule["title"]
    text = deploylint("rules", env={"COLUMNS": "200"}).stdout
    assert all(rule_id in text for rule_id in RUBRIC.rules)


@pytest.mark.parametrize("rule_id", list(RUBRIC.rules))
def test_explain_shows_why_trigger_columns_fix_and_examples(rule_id: str) -> None:
    run = deploylint("explain", rule_id.lower(), "--today", TODAY)
    assert run.code == 0, run.stderr
    for heading in (
        "Why",
        "What triggers it",
        "The three columns",
        "Remediation",
        "Bad example",
        "Good example",
    ):
        assert f"\n{heading}" in run.stdout, heading
    for column in ("Gap:", "Blast radius:", "Rollback unit:"):
        assert column in run.stdout


def test_explain_an_unknown_rule_is_a_clear_error() -> None:
    run = deploylint("explain", "KS099")
    assert run.code == 2
    assert "unknown rule 'KS099'" in run.stderr and "deploylint rules" in run.stderr


def _agent_ids(doc: dict) -> list[str]:
    return [str(a["id"]) for a in doc.get("agents") or [] if isinstance(a, dict) and "id" in a]


def _touched(doc: dict) -> list[str]:
    """What a finding's blast radius may name: the agents, and the resources they write or
    reach (it names only what its own gap exposes)."""
    agents = [a for a in doc.get("agents") or [] if isinstance(a, dict)]
    writes = [str(w["resource"]) for a in agents for w in a.get("writes") or []]
    reaches = [str(r) for a in agents for r in (a.get("blast_radius") or {}).get("resources", [])]
    return _agent_ids(doc) + writes + reaches


def _rollback_facts(doc: dict) -> list[str]:
    section = doc.get("rollback") or {}
    keys = ("rollback_key_holder", "rollback_path", "feature_flag", "human_override_queue")
    return [str(section[key]) for key in keys if section.get(key)]


def test_blast_radius_and_rollback_unit_come_from_the_doc() -> None:
    _, report = check_json(EXAMPLES)
    docs: dict[str, dict] = {}
    assert len(report["findings"]) > 30
    for finding in report["findings"]:
        doc = docs.setdefault(
            finding["file"], load_bytes(Path(finding["file"]).read_bytes())[0].data
        )
        assert any(name in finding["blast_radius"] for name in _touched(doc)), finding
        rollback = finding["rollback_unit"]
        assert rollback.startswith("none") or any(f in rollback for f in _rollback_facts(doc)), (
            finding
        )


def test_missing_and_declared_bad_read_differently(write) -> None:
    base = RUBRIC.base_text
    missing = base.replace("  halts_in_flight: true\n", "")
    declared_false = base.replace("halts_in_flight: true", "halts_in_flight: false")
    gaps = []
    for text in (missing, declared_false):
        [finding] = [
            f for f in check_json(write("doc.yaml", text))[1]["findings"] if f["rule"] == "KS010"
        ]
        gaps.append(finding["gap"])
    assert "doesn't say" in gaps[0] and "halts_in_flight: false" in gaps[1]
