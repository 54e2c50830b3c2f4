"""Every user-supplied evaluation under a budget (issue 19, item 7): a regex from a config or
a custom rubric runs in linear time (RE2), and a custom rule's schema or column template
that would run or grow without end stops the run (exit 2) naming the rule and its file,
within the bounds every hostile input keeps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, TODAY
from tests.hostile.bounded import Bounded, bounded
from tests.test_integrations import CUSTOM_AREA
from tests.test_security_refs import rule

ADJACENT = "a*" * 25 + "!"  # no repeat inside a repeat: the old shape check let it through
HOSTILE_NAME = "a" * 999  # what each of those repeats can split among themselves


def _kept_bounds(run: Bounded) -> list[str]:
    """Every broken bound: a run stopped by the budget says so in its own words, never
    "internal error"."""
    assert "internal error" not in run.stderr, run.stderr
    return run.problems()


def _check(*args: str) -> Bounded:
    return bounded("check", *args, "--no-config", "--today", TODAY, "--format", "json")


@pytest.mark.parametrize(
    ("regex", "name"),
    [(ADJACENT, HOSTILE_NAME), ("^(a+)+$", "a" * 40 + "!"), ("(x|xy)*z", "xy" * 40)],
    ids=["adjacent-repeats", "repeat-in-repeat", "repeated-alternation"],
)
def test_a_config_regex_runs_in_linear_time_on_a_hostile_name(
    write: Callable, regex: str, name: str
) -> None:
    config = write(".deploylint.yaml", f'rules: {{PM012: {{read_tool: "{regex}"}}}}\n')
    doc = write("doc.yaml", PASSING.read_text().replace("name: tickets.reply,", f"name: {name},"))
    run = bounded("check", str(doc), "--config", str(config), "--today", TODAY, "-f", "json")
    assert run.problems() == [], run.stderr[-500:]
    assert run.code in (0, 1) and "PM012" not in {f["rule"] for f in run.json()["findings"]}


def test_a_custom_rubric_pattern_runs_in_linear_time_on_a_hostile_value(write: Callable) -> None:
    area = CUSTOM_AREA.replace("key: reads", "key: objective").replace(
        "require: {type: array, minItems: 1}", f'require: {{type: string, pattern: "{ADJACENT}"}}'
    )
    rubric = write("ours/dr.yaml", area)
    doc = PASSING.read_text().replace(
        "    objective: resolve tier-1 tickets with an accurate first reply",
        f"    objective: {HOSTILE_NAME}",
    )
    run = _check(str(write("doc.yaml", doc)), "--rubric", str(rubric.parent))
    assert run.problems() == [], run.stderr[-500:]
    assert "DR001" in {f["rule"] for f in run.json()["findings"]}  # no `!`: no match


@pytest.mark.parametrize("regex", ["(?=a)b", "(a)\\\\1"], ids=["lookahead", "backreference"])
def test_a_regex_the_linear_engine_cannot_run_is_refused_by_name(
    write: Callable, regex: str
) -> None:
    config = write(".deploylint.yaml", f'rules: {{PM012: {{read_tool: "{regex}"}}}}\n')
    run = bounded("check", str(PASSING), "--config", str(config))
    assert run.code == 2 and run.problems() == []
    assert f"{config}:1: rules.PM012: read_tool: regex " in run.stderr and "(RE2)" in run.stderr
    area = write("ours/payments.yaml", rule(f'{{type: string, pattern: "{regex}"}}'))
    run = _check(str(PASSING), "--rubric", str(area.parent))
    assert run.code == 2 and f"{area}: rule PY001: regex " in run.stderr


def test_a_shipped_regex_repeated_in_a_config_is_still_the_shipped_one(write: Callable) -> None:
    shipped = r"(?i)(^|[._:/-])(read|get|lookup|search|list|query|view|describe)($|[._:/-])"
    config = write(".deploylint.yaml", f"rules: {{PM012: {{read_tool: '{shipped}'}}}}\n")
    run = bounded("check", str(FAILING), "--config", str(config), "--today", TODAY, "-f", "json")
    assert run.problems() == [] and run.code == 1


def _doubling_defs(folder: Path, depth: int = 40) -> None:
    """`$defs` where each entry refers twice to the next: 2**depth checks of one value."""
    lines = [
        f'd{n}: {{allOf: [{{$ref: "#/$defs/d{n + 1}"}}, {{$ref: "#/$defs/d{n + 1}"}}]}}'
        for n in range(depth)
    ]
    (folder / "_defs.yaml").write_text("\n".join([*lines, f"d{depth}: {{type: string}}", ""]))


def test_a_schema_doubling_through_its_defs_stops_naming_the_rule(write: Callable) -> None:
    area = write("ours/payments.yaml", rule('{$ref: "#/$defs/d0"}'))
    _doubling_defs(area.parent)
    doc = write("doc.yaml", PASSING.read_text() + "\npayments_owner: alice\n")
    run = _check(str(doc), "--rubric", str(area.parent))
    assert _kept_bounds(run) == [], run.stderr[-500:]
    assert run.code == 2
    assert f"{doc}: " in run.stderr
    assert f"{area}: rule PY001: its `require` schema ran past 3 s of CPU time" in run.stderr


COSTLY_TEMPLATES = {
    "macro-in-its-loop": (
        "{% macro f(n) %}{% if n %}{% for i in range(9) %}{{ f(n - 1) }}{% endfor %}"
        "{% endif %}{% endmacro %}{{ f(30) }}",
        "ran past 3 s of CPU time",
    ),
    "chained-replace": (
        "{{ 'aaaaaaaaaa'" + " | replace('a', 'aaaaaaaaaa')" * 9 + " }}",
        "replace would build a text over 1,000,000 characters",
    ),
    "doubling-concatenation": (
        "{% set s = 'x' %}" + "{% set s = s ~ s %}" * 40 + "{{ s | length }}",
        "needs over 256 MB of memory",
    ),
}


@pytest.mark.parametrize("case", COSTLY_TEMPLATES, ids=list(COSTLY_TEMPLATES))
def test_a_costly_column_template_stops_naming_the_rule(write: Callable, case: str) -> None:
    template, said = COSTLY_TEMPLATES[case]
    text = rule('{$ref: "#/$defs/declared_text"}').replace(
        'missing: "no payments owner"', f'missing: "{template}"'
    )
    area = write("ours/payments.yaml", text)
    run = _check(str(FAILING), "--rubric", str(area.parent))
    assert _kept_bounds(run) == [], run.stderr[-500:]
    assert run.code == 2
    assert f"{FAILING}: " in run.stderr
    assert f"{area}: rule PY001: its gap template" in run.stderr and said in run.stderr


def test_a_chained_replace_in_a_report_template_is_refused(write: Callable) -> None:
    template = write(
        "costly.md.j2", "{{ 'aaaaaaaaaa'" + " | replace('a', 'aaaaaaaaaa')" * 9 + " }}"
    )
    run = bounded("check", str(FAILING), "-f", "markdown", "--template", str(template))
    assert run.problems() == [] and run.code == 2
    assert "replace would build a text over 1,000,000 characters" in run.stderr


def test_a_harmless_custom_template_renders_as_before(write: Callable) -> None:
    template = "{{ 'owner' | replace('o', 'O') }} {% for i in range(3) %}{{ i }}{% endfor %}"
    text = rule('{$ref: "#/$defs/declared_text"}').replace(
        'missing: "no payments owner"', f'missing: "{template}"'
    )
    area = write("ours/payments.yaml", text)
    run = _check(str(FAILING), "--rubric", str(area.parent))
    assert run.problems() == [] and run.code == 1
    gaps = [f["gap"] for f in run.json()["findings"] if f["rule"] == "PY001"]
    assert gaps == ["Owner 012"]


def test_many_docs_cannot_make_one_rule_cost_many_budgets(write: Callable) -> None:
    area = write("ours/payments.yaml", rule('{$ref: "#/$defs/d0"}'))
    _doubling_defs(area.parent)
    doc = PASSING.read_text() + "\npayments_owner: a\n"
    for n in range(5):
        write(f"docs/{n}.yaml", doc)
    run = _check(str(area.parent.parent / "docs"), "--rubric", str(area.parent))
    assert _kept_bounds(run) == [], run.stderr[-500:]  # one budget (3 s), not five (15 s)
    assert run.code == 2 and run.stderr.count("rule PY001: its `require` schema ran past") == 5
