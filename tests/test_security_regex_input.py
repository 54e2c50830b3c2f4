"""A custom rule's regex that is polynomial, not exponential (regexguard lets it through),
meets a 1 MiB value from the doc: its `pattern` and `patternProperties` see a bounded slice
(deploylint.rubric.bounded), so the run stays within the hostile-input bounds."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import PASSING, TODAY
from tests.hostile.bounded import bounded
from tests.test_integrations import CUSTOM_AREA

SLOW = r"x.*y.*z"  # cubic on a long run of x and y with no z; no repeat inside a repeat


def test_a_polynomial_custom_regex_on_a_huge_value_is_bounded(write: Callable) -> None:
    area = CUSTOM_AREA.replace("key: reads", "key: objective")
    area = area.replace(
        "require: {type: array, minItems: 1}", f'require: {{type: string, pattern: "{SLOW}"}}'
    )
    rubric = write("ours/dr.yaml", area)
    huge = "xy" * 400_000  # 800 KB, under the file limit
    doc = PASSING.read_text().replace(
        "    objective: resolve tier-1 tickets with an accurate first reply",
        f"    objective: {huge}",
    )
    path = write("doc.yaml", doc)
    run = bounded(
        "check", str(path), "--no-config", "--rubric", str(rubric.parent), "--today", TODAY,
        "--format", "json",
    )  # fmt: skip
    assert run.problems() == [], run.stderr[-500:]
    assert run.code in (0, 1)
