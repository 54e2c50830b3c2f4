"""Issue 21, the second week's messages: test-rubric catches what check would trip on, and
`init` refuses what would break the doc it writes."""

from __future__ import annotations

from tests.conftest import PASSING, TODAY, deploylint
from tests.test_integrations import CUSTOM_AREA


def test_test_rubric_fails_a_rule_whose_template_does_not_render(write) -> None:
    """`check` would print "the gap could not be rendered" on every such finding."""
    broken = CUSTOM_AREA.replace('missing: "{{ agent.id }}', 'missing: "{{ agentt.id }}')
    run = deploylint("test-rubric", str(write("ours/dr.yaml", broken)), "--today", TODAY)
    assert run.code == 1
    assert run.stdout.splitlines() == [
        "FAIL DR001: its gap template doesn't render on its bad example (UndefinedError: "
        "'agentt' is undefined)",
        "1 rule(s), 1 failing",
    ]


def test_test_rubric_says_what_check_says_of_a_reused_shipped_id(write) -> None:
    reused = CUSTOM_AREA.replace("prefix: DR", "prefix: KS").replace("DR001", "KS001")
    area = write("ours/ks.yaml", reused)
    checked = deploylint("check", str(PASSING), "--rubric", str(area))
    tested = deploylint("test-rubric", str(area), "--today", TODAY)
    assert checked.code == tested.code == 2 and tested.stdout == ""
    assert "rule KS001 is already defined in" in checked.stderr
    assert tested.stderr == checked.stderr
