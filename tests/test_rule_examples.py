"""One runner for every rule: its bad example fires it, its good example doesn't (sqlfluff-
style: the cases are data in the rubric, run by this single test)."""

from __future__ import annotations

import json

import pytest

from deploylint.rubric.examples import example_text
from deploylint.rubric.load import load_default
from tests.conftest import check_json, deploylint, rules_fired

RUBRIC = load_default()
RULES = list(RUBRIC.rules)
ROW_AREA = "audit_rows"  # examples are audit rows, run through `deploylint audit`


def _fired(write, rule_id: str, kind: str) -> set[str]:
    rule = RUBRIC.rules[rule_id]
    example = getattr(rule, kind)
    path = write(f"{rule_id}-{kind}.yaml", example_text(RUBRIC, example))
    if rule.area == ROW_AREA:
        report = deploylint("audit", str(path), "--format", "json").json()
    elif example.config is not None:
        config = write(f"{rule_id}-{kind}.deploylint.yaml", json.dumps(example.config))
        report = check_json(path, extra=("--config", str(config)))[1]
    else:
        report = check_json(path, extra=("--no-config",))[1]
    return {f["rule"] for f in report["findings"]}


@pytest.mark.parametrize("rule_id", RULES)
def test_bad_example_fires_the_rule(write, rule_id: str) -> None:
    assert rule_id in _fired(write, rule_id, "bad")


@pytest.mark.parametrize("rule_id", RULES)
def test_good_example_does_not_fire_the_rule(write, rule_id: str) -> None:
    assert rule_id not in _fired(write, rule_id, "good")


def test_audit_row_rules_have_row_examples_on_both_sides() -> None:
    for rule in RUBRIC.rules.values():
        if rule.area == ROW_AREA:
            assert rule.good.text and rule.bad.text, rule.id


def test_the_brief_complete_example_passes_with_zero_findings(write) -> None:
    code, report = check_json(write("brief.yaml", RUBRIC.base_text))
    assert code == 0
    assert report["findings"] == []


def test_every_finding_of_a_bad_example_is_fully_filled(write) -> None:
    for rule_id in RULES:
        rule = RUBRIC.rules[rule_id]
        if rule.area == ROW_AREA:
            continue  # audit rows: tests/test_audit_rows.py checks their columns
        _, report = check_json(write(f"{rule_id}.yaml", example_text(RUBRIC, rule.bad)))
        for finding in report["findings"]:
            for column in ("gap", "blast_radius", "rollback_unit", "remediation"):
                assert finding[column].strip(), (rule_id, finding)
            assert "{{" not in finding["gap"] + finding["blast_radius"] + finding["rollback_unit"]
        assert rules_fired(report) or report["findings"]


def test_rubric_files_take_the_fast_parser() -> None:
    """Rubric YAML must not fall back to the slow parser (avoid `[a:b]` in flow lists)."""
    from deploylint.load import loader
    from deploylint.resources import data_dir

    if loader.FAST_PARSER is None:
        pytest.skip("ruamel.yaml's C parser is not installed")
    for path in sorted(data_dir("rubrics").rglob("*.yaml")):
        if path.name == "_base.yaml":
            continue  # the brief's example, verbatim, `[refunds:write]` and all
        list(loader._build(loader._events(path.read_text(), pure=False), loader.Limits()))


def test_python_placeholder_pattern_matches_the_rubric_definition() -> None:
    """checks.base.PLACEHOLDER and _defs.yaml's declared_text must reject the same text."""
    from deploylint.load.loader import load_text
    from deploylint.resources import data_dir
    from deploylint.rubric.checks.base import PLACEHOLDER

    [defs] = load_text((data_dir("rubrics") / "default" / "_defs.yaml").read_text())
    assert defs.data["declared_text"]["not"]["pattern"] == PLACEHOLDER.pattern
    # and RV011's narrower set, where "none" is an answer, is answered_text's
    from deploylint.rubric.checks.review import PLACEHOLDER_TEXT

    assert defs.data["answered_text"]["not"]["pattern"] == PLACEHOLDER_TEXT.pattern


def test_every_shipped_area_file_fits_the_rubric_schema() -> None:
    from deploylint.load.loader import load_bytes
    from deploylint.resources import data_dir
    from deploylint.rubric.load import _validate

    files = [p for p in sorted(data_dir("rubrics").rglob("*.yaml")) if not p.name.startswith("_")]
    assert len(files) >= 15
    for path in files:
        [doc] = load_bytes(path.read_bytes())
        _validate(path, doc)  # raises RubricError with file:line on a misfit


def test_no_template_falls_back_on_the_examples_or_fixtures(write) -> None:
    """A rule's text that can't render says so instead of failing the file; on deploylint's
    own examples and fixtures every template must render."""
    from deploylint.rubric.render import NOT_RENDERED
    from tests.conftest import EXAMPLES, FIXTURES

    docs = [*EXAMPLES.rglob("*.yaml"), *(FIXTURES / "areas").glob("*.yaml")]
    docs += [
        write(f"{rule_id}.yaml", example_text(RUBRIC, RUBRIC.rules[rule_id].bad))
        for rule_id in RULES
    ]
    for doc in docs:
        _, report = check_json(doc, extra=("--no-config",))
        for finding in report["findings"]:
            assert (
                NOT_RENDERED
                not in finding["gap"] + finding["blast_radius"] + finding["rollback_unit"]
            )
