"""Waivers can't be talked past (issue 19): an approver is the agent however it is spelled,
and an expiry too far ahead (9999-12-31) is a finding, with a horizon the config can set."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import FAILING, check_json, deploylint

WAIVER = "approved_by: ana.p, expires: 2026-12-31}"
AGENT = "reporting-db-scaler"  # the doc's agent


def _doc(write, approver: str = "ana.p", expires: str = "2026-12-31") -> Any:
    text = FAILING.read_text()
    assert WAIVER in text and f"  - id: {AGENT}\n" in text
    return write("doc.yaml", text.replace(WAIVER, f"approved_by: {approver}, expires: {expires}}}"))


def _by_rule(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == rule]


@pytest.mark.parametrize(
    "approver",
    [
        "Reporting-DB-Scaler",
        '"reporting-db-scaler "',
        '"  reporting-db-scaler\\t"',
        "".join(chr(ord(char) + 0xFEE0) for char in AGENT),  # full-width (NFKC folds them)
        "REPORTING_DB_SCALER",
        '"reporting\\u200b-db-scaler"',  # a zero-width space between letters
    ],
)
def test_an_agent_approving_its_own_waiver_is_caught_however_it_is_spelled(
    write, approver: str
) -> None:
    code, report = check_json(_doc(write, approver))
    [found] = _by_rule(report, "WV004")
    assert found["path"] == "$.waivers[0].approved_by"
    assert f"read as {AGENT}, an agent this doc authorizes" in found["gap"]
    [gap] = _by_rule(report, "KS003")
    assert not gap["waived"] and code == 1


def test_a_human_approver_still_waives(write) -> None:
    _, report = check_json(_doc(write, "Ana P."))
    assert not _by_rule(report, "WV004") and _by_rule(report, "KS003")[0]["waived"]


@pytest.mark.parametrize("expires", ["9999-12-31", "2036-01-01", "2027-11-23"])
def test_an_expiry_beyond_a_year_is_a_finding_and_waives_nothing(write, expires: str) -> None:
    """--today is 2026-11-22 in tests: one year ahead is 2027-11-22."""
    _, report = check_json(_doc(write, expires=expires))
    [found] = _by_rule(report, "WV006")
    assert found["path"] == "$.waivers[0].expires" and found["severity"] == "medium"
    assert f"expires on {expires}" in found["gap"] and "(limit 365)" in found["gap"]
    assert not _by_rule(report, "KS003")[0]["waived"]


def test_an_expiry_within_the_horizon_is_fine(write) -> None:
    _, report = check_json(_doc(write, expires="2027-11-22"))
    assert not _by_rule(report, "WV006") and _by_rule(report, "KS003")[0]["waived"]


def test_the_horizon_is_a_rule_parameter_the_config_sets(write) -> None:
    doc = _doc(write, expires="2027-03-01")  # 99 days ahead
    tight = write("tight.yaml", "rules:\n  WV006: {max_days: 30}\n")
    _, report = check_json(doc, extra=("--config", str(tight)))
    [found] = _by_rule(report, "WV006")
    assert "99 days from now (limit 30)" in found["gap"]
    loose = write("loose.yaml", "rules:\n  WV006: {max_days: 3650}\n")
    _, report = check_json(_doc(write, expires="2036-01-01"), extra=("--config", str(loose)))
    assert not _by_rule(report, "WV006")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('"a year"', "'a year' is not a number"),
        ("-1", "-1 is negative"),
        ("true", "True is not a number"),
        ("[365]", "[365] is not a number"),
    ],
)
def test_a_horizon_that_isnt_a_number_of_days_is_a_config_error(
    write, value: str, says: str
) -> None:
    config = write("c.yaml", f"rules:\n  WV006: {{max_days: {value}}}\n")
    run = deploylint("check", str(FAILING), "--config", str(config))
    assert run.code == 2 and f"rules.WV006: max_days: {says}" in run.stderr, run.stderr


def test_every_rule_parameter_keeps_its_kind(write) -> None:
    """Before: a text `max_age_days` was an internal error while grading each file."""
    for settings, says in [
        ("KS009: {max_age_days: ninety}", "max_age_days: 'ninety' is not a number"),
        ("RB008: {screen_words: dashboard}", "screen_words: 'dashboard' is not a list"),
        ("RB008: {screen_words: [1, 2]}", "is not a list of text"),
    ]:
        config = write("c.yaml", f"rules:\n  {settings}\n")
        run = deploylint("check", str(FAILING), "--config", str(config))
        assert run.code == 2 and says in run.stderr, (settings, run.stderr)
