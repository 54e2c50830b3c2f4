"""Config files, rule selection, per-rule settings, unwaivable rules, baseline and PR mode."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, TODAY, deploylint, rules_fired

GAPPY = PASSING.read_text().replace("  owner: oncall-support-eng", "  owner: TBD")  # KS002


def _check(path: Path, *extra: str, cwd: Path | None = None) -> tuple[int, dict, str]:
    args = ["check", str(path), "--format", "json", "--today", TODAY, *extra]
    if cwd is not None:
        run = subprocess.run(
            ["python", "-m", "deploylint", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        return run.returncode, json.loads(run.stdout) if run.stdout else {}, run.stderr
    result = deploylint(*args)
    return result.code, result.json() if result.stdout else {}, result.stderr


def test_config_is_found_walking_up_to_the_repository_root(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".deploylint.yaml").write_text("ignore: [KS002]\nfail_on: medium\n")
    (tmp_path / "deploy" / "team").mkdir(parents=True)
    doc = tmp_path / "deploy" / "team" / "doc.yaml"
    doc.write_text(GAPPY)
    code, report, _ = _check(doc, cwd=tmp_path / "deploy" / "team")
    assert code == 0 and rules_fired(report) == set()
    assert report["fail_on"] == "medium"
    # a config above the repository root is not used
    outer = tmp_path.parent / "outer-config"
    outer.mkdir(exist_ok=True)
    code, report, _ = _check(doc, "--no-config", cwd=tmp_path / "deploy")
    assert rules_fired(report) == {"KS002"}


def test_pyproject_tool_table_and_an_explicit_config(tmp_path, write) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.deploylint]\nselect = ["kill_switch"]\n')
    doc = write(
        "doc.yaml",
        GAPPY.replace("  halts_in_flight: true\n", "").replace(
            "team: security",
            "team: customer-support-eng",  # RV003: no second reader
        ),
    )
    _, report, _ = _check(doc, cwd=tmp_path)
    assert rules_fired(report) == {"KS002", "KS010"}
    explicit = write("other.yaml", "ignore: [KS]\n")
    _, report, _ = _check(doc, "--config", str(explicit), cwd=tmp_path)
    assert rules_fired(report) == {"RV003"}


def test_per_rule_severity_and_parameters(write) -> None:
    stale = PASSING.read_text().replace("date: 2026-10-28", "date: 2026-08-01")  # 113 days
    stale = stale.replace("date: 2026-09-02", "date: 2026-07-01")
    doc = write("doc.yaml", stale)
    assert rules_fired(_check(doc, "--no-config")[1]) == {"KS009"}
    config = write("c.yaml", "rules:\n  KS009: {max_age_days: 120, severity: low}\n")
    assert rules_fired(_check(doc, "--config", str(config))[1]) == set()
    config = write("c.yaml", "rules:\n  KS009: {max_age_days: 30, severity: low}\n")
    code, report, _ = _check(doc, "--config", str(config))
    assert code == 0 and [f["severity"] for f in report["findings"]] == ["low"]


def test_cli_select_and_ignore(write) -> None:
    doc = write("doc.yaml", GAPPY)
    assert _check(doc, "--no-config", "--ignore", "KS002")[0] == 0
    assert _check(doc, "--no-config", "--select", "rollback,review")[0] == 0
    assert _check(doc, "--no-config", "--select", "KS00")[0] == 1


def test_unreadable_docs_cannot_be_ignored(write) -> None:
    doc = write("broken.yaml", "a: [\n")
    code, report, _ = _check(doc, "--no-config", "--ignore", "DL,document")
    assert code == 1 and rules_fired(report) == {"DL001"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("fail_on: severe\n", "bad.yaml:1: `fail_on` must be one of critical, high, medium"),
        ("ignore: [KX001]\n", "ignore: 'KX001' matches no rule"),
        (
            "rules:\n  KS009: {max_age: 3}\n",
            "rules.KS009: no parameter 'max_age' (did you mean 'max_age_days'? it has: "
            "max_age_days)",
        ),
        ("rules:\n  KS999: {severity: low}\n", "rules: unknown rule 'KS999'"),
        ("colour: red\n", "bad.yaml:1: unknown key `colour` (known keys: fail_on, select"),
        ("a: [\n", "bad.yaml:2:1: YAML syntax error"),
    ],
)
def test_a_bad_config_is_a_one_line_error(write, config, message) -> None:
    path = write("bad.yaml", config)
    code, _, stderr = _check(write("doc.yaml", GAPPY), "--config", str(path))
    assert code == 2
    assert message in stderr and len(stderr.strip().splitlines()) == 1, stderr


def test_a_broken_pyproject_is_a_one_line_error(tmp_path, write) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.deploylint\n")
    code, _, stderr = _check(write("doc.yaml", GAPPY), cwd=tmp_path)
    assert code == 2 and "pyproject.toml: invalid TOML" in stderr


def test_include_and_exclude_apply_to_walked_folders(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".deploylint.yaml").write_text(
        "include: ['deploy/*']\nexclude: ['deploy/legacy/*']\n"
    )
    for name in ("deploy/a.yaml", "deploy/legacy/old.yaml", "other/b.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PASSING.read_text())
    _, report, _ = _check(tmp_path, cwd=tmp_path)
    assert [Path(f["file"]).relative_to(tmp_path).as_posix() for f in report["files"]] == [
        "deploy/a.yaml"
    ]
    named = tmp_path / "deploy" / "legacy" / "old.yaml"
    assert len(_check(named, cwd=tmp_path)[1]["files"]) == 1  # named files always count
    (tmp_path / "sub").mkdir()  # walked as ../deploy: the globs match the path, `..` collapsed
    _, report, _ = _check(Path("..") / "deploy", cwd=tmp_path / "sub")
    assert [Path(f["file"]).name for f in report["files"]] == ["a.yaml"]


def test_unwaivable_rules(write) -> None:
    doc = GAPPY.replace(
        "waivers: []",
        "waivers:\n  - {rule: KS002, reason: soon, approved_by: tomas.r, expires: 2027-01-31}",
    )
    path = write("doc.yaml", doc)
    assert _check(path, "--no-config")[0] == 0
    config = write("c.yaml", "unwaivable: [kill_switch]\n")
    code, report, _ = _check(path, "--config", str(config))
    assert code == 1 and rules_fired(report) == {"KS002", "WV005"}


def test_baseline_round_trip_and_stale_entries(tmp_path, write) -> None:
    doc = write("docs/doc.yaml", FAILING.read_text())
    baseline = tmp_path / "baseline.json"
    code, report, stderr = _check(doc, "--no-config", "--write-baseline", str(baseline))
    assert code == 0 and "wrote" in stderr  # writing the baseline was the point of the run
    entries = json.loads(baseline.read_text())["entries"]
    assert entries and all(e["file"] == "docs/doc.yaml" and "line" not in e for e in entries)
    code, report, stderr = _check(doc, "--no-config", "--baseline", str(baseline))
    assert code == 0 and rules_fired(report) == set()
    assert report["summary"]["left_out"] == len(entries)
    # lines shift: still known; a new gap is reported; a fixed gap is a stale entry
    shifted = "# a comment\n# another\n" + FAILING.read_text()
    shifted = shifted.replace("owner: TBD", "owner: oncall-db")  # fixes KS002
    shifted = shifted.replace("  human_override_queue: infra-oncall\n", "")  # a new gap: RB012
    doc.write_text(shifted)
    code, report, stderr = _check(doc, "--no-config", "--baseline", str(baseline))
    assert rules_fired(report) == {"RB012"}
    assert "stale baseline entry KS002 docs/doc.yaml $.kill_switch.owner" in stderr


def test_diff_base_reports_only_new_findings(tmp_path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    doc = tmp_path / "doc.yaml"
    doc.write_text(GAPPY)  # KS002 exists on main
    git("add", "doc.yaml")
    git("commit", "-q", "-m", "base")
    doc.write_text("# shifted\n" + GAPPY.replace("  halts_in_flight: true\n", ""))  # adds KS010
    new = tmp_path / "new.yaml"
    new.write_text(GAPPY.replace("support-reply-agent", "other-agent").replace("tier1", "tier2"))
    code, report, stderr = _check(
        tmp_path, "--no-config", "--diff-base", "main", "--fail-on", "medium", cwd=tmp_path
    )
    found = sorted((Path(f["file"]).name, f["rule"]) for f in report["findings"])
    assert found == [("doc.yaml", "KS010"), ("new.yaml", "KS002")]
    assert code == 1 and report["summary"]["left_out"] == 1
    code, _, stderr = _check(doc, "--no-config", "--diff-base", "no-such-ref", cwd=tmp_path)
    assert code == 2 and "--diff-base no-such-ref: no such commit" in stderr


def test_diff_base_outside_a_repository(tmp_path, write) -> None:
    code, _, stderr = _check(write("doc.yaml", GAPPY), "--diff-base", "HEAD", cwd=tmp_path)
    assert code == 2 and "not inside a git repository" in stderr


def test_only_docs_skips_other_yaml_named_explicitly(write) -> None:
    other = write(".pre-commit-config.yaml", "repos: []\n")
    doc = write("doc.yaml", GAPPY)
    code, report, _ = _check(other, "--no-config", "--only-docs")
    assert code == 0 and report["findings"] == []
    code, report, _ = _check(other, "--no-config")
    assert code == 1  # named without --only-docs: graded
    assert _check(doc, "--no-config", "--only-docs")[0] == 1


@pytest.mark.parametrize(
    ("waiver", "fired", "waived"),
    [
        (
            "{rule: KS002, reason: r, approved_by: tomas.r, expires: 2027-01-31}",
            set(),
            True,
        ),  # waived
        (
            "{rule: KS002, reason: r, approved_by: tomas.r, expires: 2026-01-31}",
            {"KS002", "WV001"},
            False,
        ),
        ("{rule: KS002, reason: r, approved_by: tomas.r}", {"KS002", "WV003"}, False),  # invalid
        ("{rule: KS002, approved_by: tomas.r, expires: 2027-01-31}", {"KS002", "WV003"}, False),
        (
            "{rule: KS002, reason: r, approved_by: support-reply-agent, expires: 2027-01-31}",
            {"KS002", "WV004"},
            False,
        ),
    ],
)
def test_waiver_states(write, waiver: str, fired: set[str], waived: bool) -> None:
    path = write("doc.yaml", GAPPY.replace("waivers: []", f"waivers:\n  - {waiver}"))
    code, report, _ = _check(path, "--no-config")
    assert rules_fired(report) == fired
    assert any(f["waived"] for f in report["findings"]) is waived
    assert code == (0 if waived else 1)


def test_an_unused_waiver_is_reported(write) -> None:
    waiver = "{rule: KS009, reason: r, approved_by: tomas.r, expires: 2027-01-31}"
    path = write("doc.yaml", PASSING.read_text().replace("waivers: []", f"waivers:\n  - {waiver}"))
    _, report, _ = _check(path, "--no-config")
    [finding] = report["findings"]
    assert finding["rule"] == "WV002" and finding["path"] == "$.waivers[0].rule"


def test_an_unknown_api_version_names_the_versions_understood(write) -> None:
    path = write(
        "doc.yaml",
        PASSING.read_text().replace("apiVersion: deploylint/v1", "apiVersion: deploylint/v2"),
    )
    code, report, _ = _check(path, "--no-config")
    [finding] = report["findings"]
    assert code == 1 and finding["rule"] == "DL010" and finding["line"] == 3
    assert "deploylint/v2 is not understood by this release (deploylint/v1)" in finding["gap"]
