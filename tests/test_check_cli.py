"""`deploylint check` as a user runs it: exit codes, locations, output formats, paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import (
    EXAMPLES,
    FAILING,
    PASSING,
    REPO,
    TODAY,
    check_json,
    deploylint,
    deploylint_process,
    rules_fired,
)

LOCATION = re.compile(r"(?P<file>\S+\.ya?ml):(?P<line>\d+):(?P<column>\d+)")
FINDING_FIELDS = {
    "rule", "title", "area", "severity", "file", "document", "line", "column", "path",
    "gap", "blast_radius", "rollback_unit", "remediation", "waived", "waiver_reason",
}  # fmt: skip


def test_passing_example_exits_zero() -> None:
    run = deploylint("check", str(PASSING), "--today", TODAY)
    assert run.code == 0, run.stdout + run.stderr
    assert "no findings" in run.stdout
    assert "PASS" in run.stdout


@pytest.mark.parametrize("columns", ["80", "120", "200"])
def test_failing_example_exits_one_and_every_finding_has_file_line_col(
    monkeypatch, columns
) -> None:
    monkeypatch.chdir(REPO)
    relative = str(FAILING.relative_to(REPO))
    code, report = check_json(relative)
    assert code == 1
    assert report["findings"], "the failing example must have findings"
    run = deploylint("check", relative, "--today", TODAY, env={"COLUMNS": columns})
    assert run.code == 1
    shown = {(m["file"], int(m["line"]), int(m["column"])) for m in LOCATION.finditer(run.stdout)}
    for finding in report["findings"]:
        assert (finding["file"], finding["line"], finding["column"]) in shown, finding


def test_locations_point_at_the_key_in_the_file(write) -> None:
    doc = PASSING.read_text().replace("  owner: oncall-support-eng", "  owner: TBD")
    path = write("doc.yaml", doc)
    _, report = check_json(path)
    [finding] = [f for f in report["findings"] if f["rule"] == "KS002"]
    line = doc.splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 :].startswith("owner: TBD")
    assert finding["path"] == "$.kill_switch.owner"


def test_json_carries_every_field_and_a_summary() -> None:
    code, report = check_json(EXAMPLES)
    assert code == 1
    assert report["tool"]["name"] == "deploylint"
    assert report["format_version"] == 1
    assert sorted(Path(f["file"]).name for f in report["files"]) == sorted(
        p.name for p in EXAMPLES.rglob("*.yaml")
    )
    for finding in report["findings"]:
        assert set(finding) == FINDING_FIELDS
        assert finding["severity"] in {"critical", "high", "medium", "low", "info"}
        assert finding["path"].startswith("$")
        assert finding["line"] >= 1 and finding["column"] >= 1
    summary = report["summary"]
    assert summary["findings"] == len(report["findings"])
    assert summary["exit_code"] == 1
    assert summary["failing"] == sum(
        1 for f in report["findings"] if not f["waived"] and f["severity"] in ("critical", "high")
    )


def test_fail_on_threshold_decides_the_exit_code(write) -> None:
    doc = PASSING.read_text().replace("  halts_in_flight: true\n", "")  # KS010, medium
    path = write("medium-only.yaml", doc)
    assert rules_fired(check_json(path)[1]) == {"KS010"}
    assert check_json(path)[0] == 0  # default threshold: high
    assert check_json(path, extra=("--fail-on", "medium"))[0] == 1
    assert check_json(path, extra=("--fail-on", "none"))[0] == 0
    assert deploylint("check", str(FAILING), "--fail-on", "none", "--today", TODAY).code == 0


def test_waived_findings_never_fail_the_gate(write) -> None:
    doc = PASSING.read_text().replace("  owner: oncall-support-eng", "  owner: TBD")
    doc = doc.replace(
        "waivers: []",
        "waivers:\n  - {rule: KS002, reason: owner named at the next review, approved_by: tomas.r,"
        " expires: 2027-01-31}",
    )
    code, report = check_json(write("waived.yaml", doc))
    assert code == 0
    [waived] = [f for f in report["findings"] if f["rule"] == "KS002"]
    assert waived["waived"] is True
    assert "tomas.r" in waived["waiver_reason"]


def test_usage_errors_exit_two() -> None:
    assert deploylint("check", str(PASSING), "--format", "xml").code == 2
    assert deploylint("check", str(PASSING), "--fail-on", "severe").code == 2
    assert deploylint("check", str(PASSING), "--today", "22/11/2026").code == 2
    assert deploylint("frobnicate").code == 2


def test_missing_path_is_an_error_but_the_other_files_are_still_checked() -> None:
    run = deploylint(
        "check", "does/not/exist.yaml", str(FAILING), "--format", "json", "--today", TODAY
    )
    assert run.code == 2
    assert "does/not/exist.yaml: no such file or folder" in run.stderr
    report = run.json()
    assert report["findings"], "the readable file was still graded"
    assert report["errors"] == ["does/not/exist.yaml: no such file or folder"]


def test_folders_are_walked_for_yaml_skipping_hidden_folders(write, tmp_path) -> None:
    doc = PASSING.read_text()
    write("team-a/agent.yaml", doc)
    write("team-b/nested/agent.yml", doc)
    write(".hidden/agent.yaml", doc.replace("owner: oncall-support-eng", "owner: TBD"))
    write("team-a/notes.txt", "not yaml")
    _, report = check_json(tmp_path)
    files = sorted(Path(f["file"]).relative_to(tmp_path).as_posix() for f in report["files"])
    assert files == ["team-a/agent.yaml", "team-b/nested/agent.yml"]


def test_yaml_that_is_not_a_deploylint_doc_is_skipped_when_walking_a_folder(
    write, tmp_path
) -> None:
    write("deploy/agent.yaml", PASSING.read_text())
    write("deploy/docker-compose.yml", "services:\n  web: {image: nginx}\n")
    write("deploy/chart/template.yaml", "{{ .Values.broken }\n")
    code, report = check_json(tmp_path)
    assert code == 0
    assert [Path(f["file"]).name for f in report["files"] if f["documents"]] == ["agent.yaml"]
    # ...but a file named explicitly is always graded
    code, report = check_json(tmp_path / "deploy/docker-compose.yml")
    assert code == 1
    # one problem, one finding: it isn't a deploylint doc, not a finding per area
    assert rules_fired(report) == {"DL013"}
    assert len(report["findings"]) == 1


def test_a_folder_without_docs_is_a_clear_error(tmp_path) -> None:
    run = deploylint("check", str(tmp_path))
    assert run.code == 2
    assert "no *.yaml or *.yml files" in run.stderr
    assert "no deploylint docs found" in run.stderr


def test_stdin_is_read_with_a_dash() -> None:
    run = deploylint_process(
        "check", "-", "--format", "json", "--today", TODAY, stdin=FAILING.read_bytes()
    )
    assert run.code == 1
    report = run.json()
    assert {f["file"] for f in report["findings"]} == {"<stdin>"}


def test_multi_document_files_grade_each_document(write) -> None:
    good = PASSING.read_text()
    other = {"support-reply-agent": "billing-reply-agent", "tier1": "billing"}  # its own agent
    bad = good.replace("owner: oncall-support-eng", "owner: TBD")
    for old, new in other.items():
        bad = bad.replace(old, new)
    path = write("two.yaml", good + "---\n" + bad)
    code, report = check_json(path)
    assert code == 1
    [documents] = [f["documents"] for f in report["files"]]
    assert [d["findings"] for d in documents] == [0, 1]
    [finding] = report["findings"]
    assert finding["document"] == 2 and finding["rule"] == "KS002"
    assert finding["line"] > good.count("\n")


def test_quiet_prints_only_docs_with_findings(write) -> None:
    run = deploylint("check", str(EXAMPLES), "--quiet", "--today", TODAY)
    assert run.code == 1
    assert "support-replies" not in run.stdout
    assert "infra-autoscaler" in run.stdout
    assert "PASS" not in run.stdout and "FAIL" not in run.stdout


def test_version_and_help_document_exit_codes() -> None:
    assert deploylint("--version").stdout.startswith("deploylint ")
    helptext = deploylint("check", "--help", env={"COLUMNS": "200"}).stdout
    for code in ("0 = ", "1 = ", "2 = "):
        assert code in helptext


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {}])
def test_no_colour_when_piped_or_no_color(env) -> None:
    run = deploylint_process("check", str(FAILING), "--today", TODAY, env=env)
    assert "\x1b[" not in run.stdout


def test_colour_when_forced() -> None:
    run = deploylint_process("check", str(FAILING), "--today", TODAY, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in run.stdout
    run = deploylint_process(
        "check", str(FAILING), "--today", TODAY, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b[" not in run.stdout


def test_output_writes_the_report_to_a_file(tmp_path) -> None:
    target = tmp_path / "report.json"
    run = deploylint("check", str(FAILING), "--format", "json", "--today", TODAY, "-o", str(target))
    assert run.code == 1 and run.stdout == ""
    assert json.loads(target.read_text())["summary"]["exit_code"] == 1
    text = tmp_path / "report.txt"
    deploylint("check", str(FAILING), "--today", TODAY, "-o", str(text), env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in text.read_text() and "KS002" in text.read_text()


def test_a_value_of_the_wrong_type_is_the_schemas_finding_alone(write) -> None:
    doc = PASSING.read_text().replace("halts_in_flight: true", "halts_in_flight: maybe")
    report = check_json(write("doc.yaml", doc))[1]
    at = [f for f in report["findings"] if f["path"] == "$.kill_switch.halts_in_flight"]
    assert [(f["rule"], f["gap"]) for f in at] == [
        ("DL007", '`halts_in_flight` must be true or false, but is text ("maybe")')
    ]


def test_output_to_an_unwritable_place_is_a_one_line_error(tmp_path) -> None:
    run = deploylint("check", str(PASSING), "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    assert run.code == 2
    assert run.stderr.strip().endswith("No such file or directory")


@pytest.mark.parametrize(("value", "says"), [("false", "halts only new actions")])
def test_a_gap_says_what_the_doc_wrote_not_what_it_assumed(value: str, says: str, write) -> None:
    doc = PASSING.read_text().replace("halts_in_flight: true", f"halts_in_flight: {value}")
    [gap] = [
        f["gap"] for f in check_json(write("doc.yaml", doc))[1]["findings"] if f["rule"] == "KS010"
    ]
    assert says in gap
