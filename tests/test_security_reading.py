"""One reading of a doc (issue 19): a doc that YAML readers read differently is DL014, which
neither the doc's waivers nor the config can accept, ignore or demote; and the alias budget
is shared by every document of a file.

PyYAML's ``yaml.safe_load`` (a YAML 1.1 reader, what a Python agent harness is likely to
use) is the witness: each case shows that it reads another value than the one deploylint
grades, and that the finding shows both.
"""

from __future__ import annotations

import json
import math
import time
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deploylint.load.loader import load_text
from tests.conftest import PASSING, TODAY, check_json, deploylint, rules_fired

KILL_SWITCH = "  revokes_credentials: true\n"


# The attack: a kill switch that revokes credentials for deploylint and leaves them
# live for the harness, with the duplicate waived in the doc itself.
def _waived(*rules: str) -> str:
    return "waivers:\n" + "".join(
        f"  - {{rule: {rule}, reason: harmless, approved_by: jun.t, expires: 2027-01-31}}\n"
        for rule in rules
    )


def _attack(extra: str = "  revokes_credentials: false\n", waived: str = "DL004 DL014") -> str:
    text = PASSING.read_text()
    assert KILL_SWITCH in text and "waivers: []\n" in text
    text = text.replace(KILL_SWITCH, KILL_SWITCH + extra)
    return text.replace("waivers: []\n", _waived(*waived.split()))


def _two_readings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == "DL014"]


def test_a_duplicate_key_with_another_value_fails_the_gate_and_shows_both_readings(
    write,
) -> None:
    text = _attack()
    assert yaml.safe_load(text)["kill_switch"]["revokes_credentials"] is False  # the harness
    code, report = check_json(write("doc.yaml", text))
    assert code == 1
    [found] = _two_readings(report)
    assert not found["waived"] and found["severity"] == "critical"
    assert found["path"] == "$.kill_switch.revokes_credentials"
    assert "deploylint reads the first value, true;" in found["gap"]
    assert "keep the last (PyYAML" in found["gap"] and found["gap"].endswith("read false")
    # the doc's own waiver of DL014 waives nothing, and says why
    [refused] = [f for f in report["findings"] if f["rule"] == "WV005"]
    assert refused["path"] == "$.waivers[1].rule" and "no doc may accept DL014" in refused["gap"]


def test_nothing_in_the_config_or_on_the_command_line_silences_it(write) -> None:
    doc = write("doc.yaml", _attack())
    quiet = write("quiet.yaml", "ignore: [DL014, DL]\nfail_on: critical\n")
    code, report = check_json(doc, extra=("--config", str(quiet), "--ignore", "DL014"))
    assert code == 1 and "DL014" in rules_fired(report)
    code, report = check_json(doc, extra=("--no-config", "--select", "KS", "--fail-on", "critical"))
    assert code == 1 and "DL014" in rules_fired(report)
    demoted = write("demoted.yaml", "rules:\n  DL014: {severity: info}\n")
    run = deploylint("check", str(doc), "--config", str(demoted))
    assert run.code == 2 and "DL014 can't be changed" in run.stderr


def test_the_same_value_twice_is_still_only_a_duplicate(write) -> None:
    """DL004 stays for a repeat every reader that accepts it reads alike, and stays waivable."""
    text = _attack("  revokes_credentials: true\n", waived="DL004")
    code, report = check_json(write("doc.yaml", text))
    assert code == 0, report["findings"]
    [found] = [f for f in report["findings"] if f["rule"] == "DL004"]
    assert found["waived"] and "the same value both times" in found["gap"]


ALPHA = "x-alpha: &alpha {halts_in_flight: true, revokes_credentials: true}\n"
BETA = "x-beta: &beta {halts_in_flight: true, revokes_credentials: false}\n"


@pytest.mark.parametrize("merges", ["  <<: *alpha\n  <<: *beta\n", "  <<: [*alpha, *beta]\n"])
def test_merges_whose_order_decides_a_value_are_two_readings(write, merges: str) -> None:
    """YAML's merge spec (and deploylint) take the first merge; PyYAML 6 takes the last."""
    text = PASSING.read_text()
    start = text.index("kill_switch:\n")
    kill_switch = text[start : text.index("\n\n", start)]
    merged = kill_switch.replace("  halts_in_flight: true\n", "").replace(KILL_SWITCH, "")
    merged = merged.replace("kill_switch:\n", "kill_switch:\n" + merges)
    text = ALPHA + BETA + text.replace(kill_switch, merged)
    assert yaml.safe_load(text)["kill_switch"]["revokes_credentials"] is False
    [doc] = load_text(text)
    assert doc.data["kill_switch"]["revokes_credentials"] is True
    code, report = check_json(write("doc.yaml", text))
    [found] = _two_readings(report)
    assert code == 1 and found["path"] == "$.kill_switch.revokes_credentials"
    assert "deploylint reads true (the first merge that has it wins)" in found["gap"]
    assert found["gap"].endswith("later merge win (PyYAML 6, for most keys) read false")


def test_a_repeated_merge_that_changes_nothing_is_a_duplicate_key() -> None:
    [doc] = load_text("a: &a {x: 1}\nb: &b {x: 1, z: 2}\nm:\n  <<: *a\n  <<: *b\n")
    assert [(p.rule, p.position.line, p.path) for p in doc.problems] == [("DL004", 5, ("m",))]


# (unquoted value in a text field, what deploylint grades, what another reader reads)
SCALARS = [
    ("on", "on", True),
    ("off", "off", False),
    ("yes", "yes", True),
    ("No", "No", False),
    ("1:30", "1:30", 90),
    ("0755", 755, 493),
    ("010", 10, 8),
    ("1e3", 1000.0, "1e3"),
    ("0o17", 15, "0o17"),
]


@pytest.mark.parametrize(("plain", "graded", "pyyaml"), SCALARS)
def test_a_yaml_1_1_scalar_that_pyyaml_types_differently_is_two_readings(
    write, plain: str, graded: Any, pyyaml: Any
) -> None:
    text = PASSING.read_text().replace("owner: oncall-support-eng", f"owner: {plain}")
    assert yaml.safe_load(text)["kill_switch"]["owner"] == pyyaml  # the witness
    [doc] = load_text(text)
    assert doc.data["kill_switch"]["owner"] == graded
    code, report = check_json(write("doc.yaml", text))
    [found] = _two_readings(report)
    assert code == 1 and found["path"] == "$.kill_switch.owner" and found["line"] == 52
    shown = {True: "true", False: "false"}.get(pyyaml, json.dumps(pyyaml))
    shown = "the text " + shown if isinstance(pyyaml, str) else shown
    assert found["gap"].startswith(f"{plain} (unquoted) has two readings: deploylint reads ")
    assert found["gap"].endswith(f"read {shown}")
    # quoted, every reader reads text: one reading
    quoted = text.replace(f"owner: {plain}", f'owner: "{plain}"')
    assert not _two_readings(check_json(write("quoted.yaml", quoted))[1])


@pytest.mark.parametrize(("plain", "graded"), [("1_000", 1000), ("0b1010", 10), ("0x_1F", 31)])
def test_what_only_a_lenient_yaml_1_2_reader_types_is_two_readings(plain: str, graded: int) -> None:
    """PyYAML agrees with deploylint here; the YAML 1.2 core schema reads text."""
    [doc] = load_text(f"retries: {{max_attempts: {plain}}}\n")
    assert yaml.safe_load(f"a: {plain}")["a"] == graded == doc.data["retries"]["max_attempts"]
    [problem] = doc.problems
    assert problem.rule == "DL014"
    assert problem.message.endswith(f'YAML 1.2 readers (the core schema) read the text "{plain}"')


def test_y_and_n_are_booleans_to_yaml_1_1_readers_that_follow_its_type() -> None:
    [doc] = load_text("a: y\nb: N\n")
    assert yaml.safe_load("a: y\nb: N\n") == {"a": "y", "b": "N"}  # PyYAML keeps them
    assert [p.message.rsplit(" read ", 1)[1] for p in doc.problems] == ["true", "false"]
    assert all("go-yaml v2" in p.message for p in doc.problems)


def test_text_in_a_boolean_field_is_two_readings_not_a_waivable_type_error(write) -> None:
    """`revokes_credentials: off` is text to deploylint, so only a type error (DL007) would
    say so; DL007 can be waived or ignored, and then the kill-switch rules (which can't read
    the value) stay quiet while the harness reads false. So it is DL014, instead of DL007."""
    text = PASSING.read_text().replace(KILL_SWITCH, "  revokes_credentials: off\n")
    assert yaml.safe_load(text)["kill_switch"]["revokes_credentials"] is False
    ignoring = write("ignore.yaml", "ignore: [DL007]\n")
    code, report = check_json(write("doc.yaml", text), extra=("--config", str(ignoring)))
    assert code == 1
    at = [f["rule"] for f in report["findings"] if f["path"] == "$.kill_switch.revokes_credentials"]
    assert at == ["DL014"]


def test_dates_and_plain_text_are_one_reading() -> None:
    text = "a: 2026-10-20\nb: refunds:write\nc: 02:17\nd: .inf\ne: ~\nf: 12\ng: -1.5\nh: true\n"
    [doc] = load_text(text)
    assert not doc.problems  # PyYAML reads 02:17 as text too; a date is the same date


def test_every_output_carries_it_as_a_finding(write) -> None:
    doc = write("doc.yaml", _attack())
    sarif = deploylint("check", str(doc), "--format", "sarif", "--today", TODAY).json()
    [run] = sarif["runs"]
    assert "DL014" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert "DL014" in {result["ruleId"] for result in run["results"]}
    explained = deploylint("explain", "DL014")
    assert explained.code == 0 and "read differently" in explained.stdout
    text = deploylint("check", str(doc), "--today", TODAY)
    assert text.code == 1 and "DL014" in text.stdout


def test_configs_are_read_by_deploylint_alone(write) -> None:
    """A config only deploylint reads: `1_000_000` is a number there, not two readings."""
    config = write("c.yaml", "max_file_bytes: 1_000_000\n")
    assert deploylint("check", str(PASSING), "--config", str(config)).code == 0


# --- property: no DL014 means PyYAML reads exactly what deploylint grades ----------------

TOKENS = [
    "on", "off", "yes", "no", "y", "n", "true", "True", "false", "null", "Null", "~", "",
    "1:30", "2:17", "02:17", "0755", "010", "08", "0", "-0", "+1", "12", "1_000", "0b1010",
    "0x1F", "0o17", "1e3", "1.5e3", "1.5e+3", "1.0", "1.", ".5", ".inf", "-.Inf", ".nan",
    "2026-01-01", "refunds:write", "plain", "o", "t", "f", "N/A", "1.2.3", "-", "0x",
]  # fmt: skip


def _pyyaml(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()  # deploylint keeps dates as their ISO text
    if isinstance(value, dict):
        return {str(k): _pyyaml(v) for k, v in value.items()}
    return [_pyyaml(v) for v in value] if isinstance(value, list) else value


def _same(first: Any, second: Any) -> bool:
    if isinstance(first, float) and isinstance(second, float) and math.isnan(first):
        return math.isnan(second)
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(_same(v, second[k]) for k, v in first.items())
    return type(first) is type(second) and first == second


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(TOKENS)), min_size=1, max_size=6
    )
)
def test_without_dl014_pyyaml_reads_what_deploylint_grades(entries: list[tuple[str, str]]) -> None:
    text = "".join(f"{key}: {token}\n" for key, token in entries)
    try:
        theirs = yaml.safe_load(text)
    except yaml.YAMLError:
        assume(False)  # PyYAML refuses it: a loud failure, not a second meaning
    [doc] = load_text(text)
    rules = {p.rule for p in doc.problems}
    if "DL014" not in rules:
        assert _same(_pyyaml(theirs), doc.data), (text, doc.problems)


# --- the alias budget is the file's ------------------------------------------------------

BOMB = """apiVersion: deploylint/v1
kind: AgentDeployment
metadata: {{name: bomb-{n}}}
agents: []
x-a: &a [x, x, x, x, x, x, x, x, x, x]
x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
kill_switch: {{mechanism: [*d, *d, *d, *d, *d, *d, *d]}}
"""


def test_small_alias_bombs_share_one_budget_per_file(write) -> None:
    """1,000 bombs of ~90,000 values each, under the per-document limit: ~90 s of CPU when
    every document had its own budget; now the second document stops the file."""
    path = write("bombs.yaml", "---\n".join(BOMB.format(n=n) for n in range(1000)))
    assert path.stat().st_size < 400_000
    started = time.monotonic()
    code, report = check_json(path, extra=("--no-config", "--no-cache"))
    assert time.monotonic() - started < 20, "a hang guard, not a benchmark"
    [limit] = [f for f in report["findings"] if f["rule"] == "DL011"]
    assert code == 1 and limit["document"] == 2
    assert "aliases in this file expand to more than 100,000 values" in limit["gap"]
    assert report["summary"]["documents"] == 2
