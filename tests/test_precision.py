"""Precision as much as recall: a realistic doc that breaks only one area is flagged in that
area and no other, and a sound doc produces nothing at or above `low`.

Each file in tests/fixtures/areas/ is named after the area it breaks (`retries.yaml`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deploylint.rubric.load import load_default
from tests.conftest import EXAMPLES, FAILING, FIXTURES, check_json

AREA_FIXTURES = sorted((FIXTURES / "areas").glob("*.yaml"))
ENGINE_AREAS = {
    "document",
    "waivers",
    "fleet",
    "audit_rows",
}  # read whole files or whole runs: own tests
RANKS = ["info", "low", "medium", "high", "critical"]


@pytest.mark.parametrize("fixture", AREA_FIXTURES, ids=lambda p: p.stem)
def test_a_single_gap_doc_is_flagged_in_exactly_its_area(fixture: Path) -> None:
    _, report = check_json(fixture)
    areas = {f["area"] for f in report["findings"]}
    assert areas == {fixture.stem}, [(f["rule"], f["gap"]) for f in report["findings"]]
    assert any(RANKS.index(f["severity"]) >= RANKS.index("low") for f in report["findings"])


def test_every_rubric_area_has_a_single_gap_fixture() -> None:
    areas = {rule.area for rule in load_default().rules.values()} - ENGINE_AREAS
    assert areas <= {p.stem for p in AREA_FIXTURES}


SOUND = [p for p in sorted(EXAMPLES.glob("*.yaml")) if p != FAILING]


@pytest.mark.parametrize("doc", SOUND, ids=lambda p: p.name)
def test_sound_docs_produce_nothing_at_or_above_low(doc: Path) -> None:
    code, report = check_json(doc)
    assert code == 0
    assert [f["rule"] for f in report["findings"] if f["severity"] != "info"] == []


@pytest.mark.parametrize(
    "section", ["kill_switch", "retries", "rollback", "audit", "peer_auth", "metadata"]
)
def test_a_section_of_the_wrong_type_is_one_conversation_not_twenty(write, section: str) -> None:
    from deploylint.rubric.load import load_default

    text = load_default().base_text
    start = text.index(f"\n{section}:") + 1
    end = text.index("\n\n", start)
    doc = write("doc.yaml", text[:start] + f"{section}: none" + text[end:])
    _, report = check_json(doc)
    about = [f for f in report["findings"] if f["path"].startswith(f"$.{section}")]
    assert any(f["rule"] == "DL007" for f in about), about
    assert len(about) <= 2, [(f["rule"], f["gap"]) for f in about]  # the schema, the section rule
