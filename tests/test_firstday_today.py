"""The day dates are graded on is injected, never the clock's: --today, else
$DEPLOYLINT_TODAY (which conftest sets for the whole suite and its child processes)."""

from __future__ import annotations

import os

from tests.conftest import PASSING, TODAY, deploylint, deploylint_process


def test_the_suite_pins_the_day_for_every_process() -> None:
    assert os.environ["DEPLOYLINT_TODAY"] == TODAY
    report = deploylint_process("check", str(PASSING), "--format", "json").json()
    assert report["today"] == TODAY and report["summary"]["exit_code"] == 0


def test_deploylint_today_grades_as_of_that_day() -> None:
    # the bundled passing doc's kill-switch test is 90 days old on 2027-01-27 (KS009)
    later = deploylint("check", str(PASSING), "-f", "json", env={"DEPLOYLINT_TODAY": "2027-02-01"})
    assert later.code == 1 and later.json()["today"] == "2027-02-01"
    assert "KS009" in {f["rule"] for f in later.json()["findings"]}
    # --today wins over the environment
    pinned = deploylint(
        "check", str(PASSING), "--today", TODAY, env={"DEPLOYLINT_TODAY": "2027-02-01"}
    )
    assert pinned.code == 0


def test_a_bad_deploylint_today_is_a_one_line_error_naming_it() -> None:
    run = deploylint("check", str(PASSING), env={"DEPLOYLINT_TODAY": "2027-02-30"})
    assert run.code == 2 and run.stderr == (
        "deploylint: error: --today (from $DEPLOYLINT_TODAY): '2027-02-30' is not a date "
        "(YYYY-MM-DD)\n"
    )
