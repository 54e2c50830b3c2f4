"""A config can't switch its own gate off quietly, and odd input is an error or a warning,
never a traceback (issue #12, items 5, 7 and 10; the report says what shaped it)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, TODAY, deploylint
from tests.hostile.bounded import bounded


def _check(*args: str) -> tuple[int, dict, str]:
    run = deploylint("check", *args, "-f", "json", "--today", TODAY)
    return run.code, run.json() if run.stdout else {}, run.stderr


@pytest.mark.parametrize("rule_id", ["DL001", "DL009", "DL011"])
def test_a_never_ignorable_rule_cannot_be_demoted(write: Callable, rule_id: str) -> None:
    config = write(".deploylint.yaml", f"rules: {{{rule_id}: {{severity: info}}}}\n")
    code, _, stderr = _check("--config", str(config), str(FAILING))
    assert code == 2
    assert f"rules.{rule_id}: severity: {rule_id} can't be changed" in stderr


def test_a_tiny_size_limit_still_fails_the_gate(write: Callable) -> None:
    config = write(".deploylint.yaml", "max_file_bytes: 1\nignore: [DL011]\n")
    code, report, _ = _check("--config", str(config), str(PASSING))
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["DL011"]


def test_ignoring_every_area_is_said_in_every_format(write: Callable) -> None:
    areas = json.loads(deploylint("rules", "-f", "json").stdout)
    names = sorted({r["area"] for r in areas["rules"]} if isinstance(areas, dict) else
                   {r["area"] for r in areas})  # fmt: skip
    config = write(".deploylint.yaml", f"ignore: [{', '.join(names)}]\n"
                   "rules: {KS001: {severity: info}}\n")  # fmt: skip
    _, report, _ = _check("--config", str(config), str(FAILING))
    shaped = report["shaped_by"]
    assert shaped["config"] == str(config)
    assert "KS002" in shaped["ignored_rules"] and "DL011" not in shaped["ignored_rules"]
    assert shaped["severity_changes"] == [{"rule": "KS001", "from": "critical", "to": "info"}]
    text = deploylint("check", "--config", str(config), str(FAILING), "-q", "--today", TODAY)
    said = " ".join(text.stdout.split())
    assert "Shaped by: config " in said and "rule(s) switched off" in said
    sarif = deploylint("check", "--config", str(config), str(FAILING), "-f", "sarif").json()
    assert sarif["runs"][0]["properties"]["shapedBy"] == shaped
    for chosen in ("markdown", "html"):
        out = deploylint("check", "--config", str(config), str(FAILING), "-f", chosen).stdout
        assert "Shaped by:" in out and "KS001 critical" in out, chosen


def test_an_unshaped_run_says_nothing_extra() -> None:
    _, report, _ = _check("--no-config", str(PASSING))
    assert report["shaped_by"] == {
        "config": None,
        "rubrics": [],
        "default_rubric": True,
        "ignored_rules": [],
        "severity_changes": [],
    }
    text = deploylint("check", "--no-config", str(PASSING), "--today", TODAY)
    assert "Shaped by" not in text.stdout


def test_config_discovery_stops_at_the_working_directory_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".deploylint.yaml").write_text("ignore: [kill_switch]\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "doc.yaml").write_bytes(FAILING.read_bytes())
    monkeypatch.chdir(work)
    _, report, _ = _check("doc.yaml")
    assert report["shaped_by"]["config"] is None
    assert "KS002" in {f["rule"] for f in report["findings"]}
    (work / ".git").mkdir()
    sub = work / "sub"
    sub.mkdir()
    (work / ".deploylint.yaml").write_text("fail_on: critical\n")
    monkeypatch.chdir(sub)
    _, report, _ = _check("../doc.yaml")
    assert report["shaped_by"]["config"] == ".deploylint.yaml"  # as the repository names it


def test_the_placeholder_check_is_linear_on_long_whitespace(write: Callable) -> None:
    doc = PASSING.read_text().replace(
        "kill_switch:\n  mechanism: ",
        'kill_switch:\n  mechanism: "' + " " * 500_000 + 'x"\n  x: ',
        1,
    )
    path = write("spaces.yaml", doc)
    result = bounded("check", str(path), "--no-config", "-f", "json")
    assert not result.problems(), result.problems()


def test_odd_config_and_baseline_values_are_one_line_errors(write: Callable) -> None:
    config = write(".deploylint.yaml", "max_file_bytes: 1.0e+12\n")
    code, _, stderr = _check("--config", str(config), str(PASSING))
    assert code == 2 and "max_file_bytes" in stderr and "Traceback" not in stderr
    config.write_text("max_file_bytes: 2.0e+3\n")
    assert _check("--config", str(config), str(PASSING))[0] == 1  # a whole number: fine
    for count in ("Infinity", "1e400", "-1", "true", '"3"'):
        baseline = write("bl.json", '{"entries": [{"rule": "KS001", "file": "x", "path": "$",'
                         f' "count": {count}}}]}}')  # fmt: skip
        code, _, stderr = _check("--no-config", "--baseline", str(baseline), str(PASSING))
        assert code == 2 and stderr.startswith(
            f"deploylint: error: --baseline {baseline}: not a deploylint"
        )


def test_one_file_as_baseline_and_write_baseline_is_an_error(write: Callable) -> None:
    baseline = write("bl.json", "")
    code, _, stderr = _check(
        "--no-config", "--baseline", str(baseline), "--write-baseline", str(baseline), str(FAILING)
    )
    assert code == 2 and "--baseline and --write-baseline both name" in stderr


def test_a_deep_tree_is_walked_with_a_warning(tmp_path: Path) -> None:
    top = tmp_path / "deep"
    top.mkdir()
    (top / "top.yaml").write_bytes(FAILING.read_bytes())
    here = Path.cwd()
    try:  # relative steps: a 1,200-folder path is too long to name from the top
        os.chdir(top)
        for _ in range(1200):
            Path("d").mkdir()
            os.chdir("d")
        Path("x.yaml").write_bytes(FAILING.read_bytes())
    finally:
        os.chdir(here)
    try:
        run = deploylint("check", str(top), "-q", "-f", "json", "--today", TODAY)
    finally:
        _remove_deep(top)  # shutil.rmtree (and pytest's clean-up) would recurse too deep
    assert run.code == 1
    assert {f["file"] for f in run.json()["findings"]} == {str(top / "top.yaml")}
    assert "skipped: folders nested over 100 deep below here" in run.stderr


def _remove_deep(top: Path) -> None:
    here = Path.cwd()
    try:
        os.chdir(top)
        depth = 0
        while Path("d").is_dir():
            os.chdir("d")
            depth += 1
        for _ in range(depth):
            for name in Path().iterdir():
                name.unlink()
            os.chdir("..")
            Path("d").rmdir()
    finally:
        os.chdir(here)


def test_a_linked_folder_is_walked_once_and_hidden_docs_are_skipped_with_a_warning(
    tmp_path: Path,
) -> None:
    """Issue #19 changed this: a link to a folder inside the walk's fence used to be skipped
    with a warning (its docs unread); now it is walked, and each doc graded once."""
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "doc.yaml").write_bytes(PASSING.read_bytes())
    (root / "linked").symlink_to(root / "real")
    (root / ".hidden.yaml").write_bytes(PASSING.read_bytes())
    (root / ".yamllint.yaml").write_text("rules: {}\n")
    run = deploylint("check", str(root), "--no-config", "-f", "json", "--today", TODAY)
    assert [r["file"] for r in run.json()["files"]] == [str(root / "real" / "doc.yaml")]
    assert "root/linked" not in run.stderr
    assert f"{root / '.hidden.yaml'}: skipped: a hidden file that looks like" in run.stderr
    assert ".yamllint.yaml" not in run.stderr


def test_docs_sharing_agent_ids_are_bounded_in_memory(tmp_path: Path) -> None:
    """Each of N docs declaring the same ids used to list all N-1 others in each finding
    (N x ids x N labels, before the per-doc cap): 400 x 400 was a MemoryError."""
    folder = tmp_path / "fleet"
    folder.mkdir()
    agents = "".join(f"  - {{id: shared-agent-{a}}}\n" for a in range(4))
    for n in range(1100):
        (folder / f"d{n}.yaml").write_text(
            f"apiVersion: deploylint/v1\nkind: AgentDeployment\n"
            f"metadata: {{name: a-rather-long-deployment-name-number-{n}}}\nagents:\n{agents}"
        )
    result = bounded("check", str(folder), "--no-config", "-f", "json", "-o", str(tmp_path / "r"))
    assert not result.problems(), result.problems()
    findings = json.loads((tmp_path / "r").read_text())["findings"]
    gaps = [f["gap"] for f in findings if f["rule"] == "FL006"]
    # 4,400 of them: the first 1,000 in file order are listed, the next says how many more
    assert len(gaps) == 1001 and all("1,089 more" in gap for gap in gaps[:5]), gaps[:1]
    assert gaps[-1].startswith("3,400 more FL006 findings in this run are not listed")


def test_a_fleet_of_200_docs_sharing_200_ids_is_near_linear(tmp_path: Path) -> None:
    """200 docs x 200 shared ids: 40,000 FL006 findings and 40,000 writes to 20 resources
    (each resource written from every doc) took 37-48 s; the fleet now lists 1,000 findings
    per rule and counts the rest, in bounded time (in-doc findings left out: --select)."""
    folder = tmp_path / "fleet"
    folder.mkdir()
    agents = "".join(
        f"  - {{id: shared-{a}, writes: [{{resource: db/{a % 20}, lock: l}}]}}\n"
        for a in range(200)
    )
    for n in range(200):
        (folder / f"d{n}.yaml").write_text(
            f"apiVersion: deploylint/v1\nkind: AgentDeployment\nmetadata: {{name: d{n}}}\n"
            f"agents:\n{agents}"
        )
    out = tmp_path / "r"
    result = bounded("check", str(folder), "--no-config", "--select", "fleet", "-f", "json",
                     "-o", str(out))  # fmt: skip
    assert not result.problems(), result.problems()
    findings = json.loads(out.read_text())["findings"]
    by_rule = {rule: [f for f in findings if f["rule"] == rule] for rule in ("FL001", "FL006")}
    assert [len(found) for found in by_rule.values()] == [1001, 1001]
    assert all(found[-1]["gap"].startswith(f"{n} more") for found, n in
               zip(by_rule.values(), ("39,000", "39,000"), strict=True))  # fmt: skip
