"""docs/rules.md is generated from the rubric and maps every bullet of the brief to rules."""

from __future__ import annotations

import re

import pytest

from deploylint.rubric.catalog import rules_markdown
from deploylint.rubric.load import load_default
from tests.conftest import REPO, SHARED, deploylint

RULES_MD = REPO / "docs" / "rules.md"
SPEC = SHARED / "SPEC.md"


def normalize(text: str) -> str:
    """Bullet text without Markdown marks, case or spacing differences."""
    text = re.sub(r"[*`]", "", text)
    return " ".join(text.split()).lower()


def spec_bullets() -> dict[str, list[str]]:
    """The brief's rubric bullets by area (from `### Title (`area`)` headings)."""
    section = SPEC.read_text().split("## What the rubric covers", 1)[1].split("\n## ", 1)[0]
    bullets: dict[str, list[str]] = {}
    for block in re.split(r"\n### ", section)[1:]:
        area = re.search(r"\(`(\w+)`\)", block.splitlines()[0])
        assert area, block.splitlines()[0]
        items = re.split(r"\n- ", "\n" + block.split("\n", 1)[1].strip())[1:]
        bullets[area.group(1)] = [normalize(item) for item in items]
    return bullets


def test_docs_rules_md_is_up_to_date() -> None:
    expected = rules_markdown(load_default())
    assert RULES_MD.read_text() == expected, (
        "run: deploylint rules --format markdown > docs/rules.md"
    )
    assert deploylint("rules", "--format", "markdown").stdout == expected


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/SPEC.md is not beside the repo")
def test_every_bullet_of_the_brief_maps_to_rules() -> None:
    rubric = load_default()
    mapped: dict[str, set[str]] = {}  # a bullet may be graded by more than one area
    for area in rubric.areas.values():
        for bullet in area.spec:
            mapped.setdefault(normalize(bullet.bullet), set()).update(bullet.rules)
    for area, bullets in spec_bullets().items():
        assert area in rubric.areas, f"no rubric area {area!r}"
        for bullet in bullets:
            assert mapped.get(bullet), f"{area}: not mapped: {bullet[:90]}"
            assert mapped[bullet] <= set(rubric.rules), mapped[bullet]


def test_every_rubric_rule_is_documented_with_an_anchor() -> None:
    text = RULES_MD.read_text()
    for rule_id in load_default().rules:
        assert f"#### {rule_id}\n" in text
