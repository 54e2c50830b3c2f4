"""The fleet view: write authority, locks and key holders across docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, check_json, deploylint

FLEET_0217 = EXAMPLES / "fleet-0217"
DOCS_0217 = sorted(FLEET_0217.glob("*.yaml"))
AGENTS_0217 = {"db-perf-agent", "db-cost-agent", "traffic-router-agent"}


def _fleet_findings(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["area"] == "fleet"]


def test_the_0217_fleet_collides_and_names_all_three_agents() -> None:
    code, report = check_json(FLEET_0217)
    assert code == 1
    collisions = [f for f in _fleet_findings(report) if f["rule"] == "FL001"]
    assert {Path(f["file"]).name for f in collisions} == {p.name for p in DOCS_0217}
    for finding in collisions:
        for agent in AGENTS_0217:
            assert agent in finding["gap"]
        others = AGENTS_0217 - {a for a in AGENTS_0217 if finding["blast_radius"].startswith(a)}
        assert len(others) == 2 and all(a in finding["blast_radius"] for a in others)
        assert "orders-db/cluster" in finding["gap"]


def test_the_collision_is_reported_at_each_writers_line() -> None:
    _, report = check_json(FLEET_0217)
    for finding in _fleet_findings(report):
        line = Path(finding["file"]).read_text().splitlines()[finding["line"] - 1]
        assert "resource: orders-db/cluster" in line
        assert re.fullmatch(r"\$\.agents\[0\]\.writes\[0\]", finding["path"])


@pytest.mark.parametrize("doc", DOCS_0217, ids=lambda p: p.stem)
def test_each_0217_doc_alone_passes(doc: Path) -> None:
    code, report = check_json(doc)
    assert code == 0
    assert report["findings"] == []


def _doc(
    name: str,
    agent: str,
    *,
    lock: str,
    holder: str,
    objective: str,
    extra: str = "",
    mechanism: str = "lease",
) -> str:
    return (
        f"apiVersion: deploylint/v1\nkind: AgentDeployment\nmetadata: {{name: {name}}}\n"
        f"agents:\n  - id: {agent}\n    objective: {objective}\n"
        f"    writes: [{{resource: orders-db/cluster, lock: {lock}}}]\n"
        f"write_authority:\n  locks:\n    - {{key: {lock}, resource: orders-db/cluster, "
        f"mechanism: {mechanism}, lock_holder: {holder}{extra}}}\n"
    )


def _fleet_rules(*texts: str, write) -> list[str]:
    paths = [write(f"doc{i}.yaml", text) for i, text in enumerate(texts)]
    _, report = check_json(*paths)
    return sorted(f["rule"] for f in _fleet_findings(report))


def test_a_shared_lock_with_one_holder_serializes_the_writers(write) -> None:
    a = _doc(
        "a",
        "perf",
        lock="db/w",
        holder="perf",
        objective="latency",
        extra=", revert_cooldown_min: 10",
    )
    b = _doc(
        "b",
        "cost",
        lock="db/w",
        holder="perf",
        objective="spend",
        extra=", revert_cooldown_min: 10",
    )
    assert _fleet_rules(a, b, write=write) == []


def test_opposing_objectives_need_a_coordination_rule(write) -> None:
    a = _doc("a", "perf", lock="db/w", holder="perf", objective="latency")
    b = _doc("b", "cost", lock="db/w", holder="perf", objective="spend")
    assert _fleet_rules(a, b, write=write) == ["FL004", "FL004"]
    same = _doc("b", "cost", lock="db/w", holder="perf", objective="latency")
    assert _fleet_rules(a, same, write=write) == []


def test_docs_that_disagree_on_a_single_writer(write) -> None:
    def doc(name: str, agent: str) -> str:
        return _doc(name, agent, lock="db/w", holder=agent, objective="x",
                    mechanism="single_writer")  # fmt: skip

    assert _fleet_rules(doc("a", "perf"), doc("b", "cost"), write=write) == ["FL003", "FL003"]


def test_a_shared_lease_names_each_docs_own_writer(write) -> None:
    """One meaning of lock_holder: the agent that takes the lock to write. Two docs sharing a
    lease each name their own writer (as `init` writes it); that is the lease working."""
    extra = ", revert_cooldown_min: 5"
    a = _doc("a", "perf", lock="db/w", holder="perf", objective="x", extra=extra)
    b = _doc("b", "cost", lock="db/w (shared etcd lease)", holder="cost (takes it nightly)",
             objective="x", extra=extra)  # fmt: skip
    assert _fleet_rules(a, b, write=write) == []


def test_a_lock_held_by_no_writer(write) -> None:
    a = _doc("a", "perf", lock="db/w", holder="capacity-bot", objective="x")
    b = _doc("b", "cost", lock="db/w", holder="capacity-bot", objective="x")
    assert _fleet_rules(a, b, write=write) == ["FL002", "FL002"]


def test_an_agent_of_another_doc_holding_the_rollback_key(write) -> None:
    head = "apiVersion: deploylint/v1\nkind: AgentDeployment\n"
    cleanup = head + "metadata: {name: c}\nagents: [{id: agent-autocleanup-7}]\n"
    refunds = (
        head + "metadata: {name: r}\nagents: [{id: runner}]\n"
        "rollback: {unit: agent, rollback_key_holder: agent-autocleanup-7}\n"
        "waivers: [{rule: KS001, reason: r, approved_by: agent-autocleanup-7,"
        " expires: 2999-01-01}]\n"
    )
    paths = [write("c.yaml", cleanup), write("r.yaml", refunds)]
    _, report = check_json(*paths)
    holders = [f for f in _fleet_findings(report) if f["rule"] == "FL005"]
    assert sorted(f["path"] for f in holders) == [
        "$.rollback.rollback_key_holder",
        "$.waivers[0].approved_by",
    ]
    assert all(f["file"] == str(paths[1]) for f in holders)


def test_duplicate_agent_ids_across_docs(write) -> None:
    a = _doc(
        "a", "perf", lock="db/w", holder="perf", objective="x", extra=", revert_cooldown_min: 5"
    )
    assert _fleet_rules(a, a.replace("name: a", "name: b"), write=write) == ["FL006", "FL006"]


def test_a_multi_document_file_is_a_fleet_too(write) -> None:
    a = _doc("a", "perf", lock="db/perf", holder="perf", objective="x")
    b = _doc("b", "cost", lock="db/cost", holder="cost", objective="x")
    _, report = check_json(write("both.yaml", a + "---\n" + b))
    assert sorted(f["rule"] for f in _fleet_findings(report)) == ["FL001", "FL001"]


def test_a_doc_can_waive_its_fleet_finding(write) -> None:
    a = _doc("a", "perf", lock="db/perf", holder="perf", objective="x")
    waiver = (
        "waivers: [{rule: FL001, reason: cutover this week, approved_by: jun.t,"
        " expires: 2027-01-01}]\n"
    )
    b = _doc("b", "cost", lock="db/cost", holder="cost", objective="x") + waiver
    paths = [write("a.yaml", a), write("b.yaml", b)]
    _, report = check_json(*paths)
    waived = {f["file"]: f["waived"] for f in _fleet_findings(report)}
    assert waived == {str(paths[0]): False, str(paths[1]): True}
    # ...and alone, the doc's fleet waiver is not reported as unused
    _, alone = check_json(paths[1])
    assert "WV002" not in {f["rule"] for f in alone["findings"]}


def test_fleet_command_shows_the_map() -> None:
    run = deploylint("fleet", str(FLEET_0217), "--format", "json")
    assert run.code == 0
    [row] = run.json()
    assert row["resource"] == "orders-db/cluster"
    assert row["status"] == "collision: no shared lock"
    assert {w["agent"] for w in row["writers"]} == AGENTS_0217
    assert {k["lock_holder"] for k in row["locks"]} == AGENTS_0217
    markdown = deploylint("fleet", str(FLEET_0217), "--format", "markdown").stdout
    assert "```mermaid" in markdown and ":::collision" in markdown
    text = deploylint("fleet", str(FLEET_0217), env={"COLUMNS": "160"}).stdout
    assert "orders-db/cluster" in text and "collision" in text


def test_check_json_carries_the_fleet_map() -> None:
    _, report = check_json(FLEET_0217)
    assert [row["resource"] for row in report["fleet"]] == ["orders-db/cluster"]
    _, alone = check_json(DOCS_0217[0])
    assert alone["fleet"] == []


def test_hostile_names_are_inert_in_the_markdown_map(write) -> None:
    evil = '<img src=x onerror=alert(1)> | `x` @org/team ]["'
    a = _doc("a", "perf", lock="db/perf", holder="perf", objective="x").replace(
        "orders-db/cluster", f"'{evil}'"
    )
    b = _doc("b", "cost", lock="db/cost", holder="cost", objective="x").replace(
        "orders-db/cluster", f"'{evil}'"
    )
    markdown = deploylint(
        "fleet", str(write("a.yaml", a)), str(write("b.yaml", b)), "--format", "markdown"
    ).stdout
    table = markdown.split("```mermaid", 1)[0].replace("<br>", " ")
    assert not re.search(r"(?<!\\)[<`]", table), "every < and ` in the table is escaped"
    assert "\\<img" in table
    assert "@org" not in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") - line.count("\\|") == 3 for line in table_rows[2:])
    graph = markdown.split("```mermaid", 1)[1]
    assert '"<' not in graph and ']"' not in graph.replace('")]', "")


CORPUS = Path(__file__).parent / "corpus" / "realistic"


def test_the_fleet_command_maps_what_check_grades(tmp_path: Path) -> None:
    """`fleet` reads each doc's facts only (from the per-folder index when the file is
    unchanged); its map is the one `check` builds from grading, cold, warm and after edits."""
    import shutil

    shutil.copytree(CORPUS, tmp_path / "repo")
    shutil.copytree(FLEET_0217, tmp_path / "repo" / "zz-fleet")
    repo = str(tmp_path / "repo")

    def both() -> tuple[list[dict], list[dict]]:
        fleet = deploylint("fleet", repo, "--format", "json")
        assert fleet.code == 0, fleet.stderr
        return fleet.json(), check_json(repo)[1]["fleet"]

    cold, graded = both()
    assert len(cold) > 100 and cold == graded
    warm, _ = both()
    assert warm == cold
    edited = tmp_path / "repo" / "zz-fleet" / "db-cost.yaml"
    edited.write_text(edited.read_text().replace("orders-db/cluster", "orders-db/replica"))
    after, graded = both()
    assert after == graded != cold
    assert "orders-db/replica" in {row["resource"] for row in after}


def test_the_fleet_command_says_each_doc_it_cannot_map_on_every_run(write) -> None:
    good = write("a.yaml", _doc("a", "perf", lock="db/perf", holder="perf", objective="x"))
    write("b.yaml", "apiVersion: deploylint/v1\nkind: AgentDeployment\nmetadata: {name: b\n")
    for _ in range(2):  # the second run reads the good doc's facts from the index
        run = deploylint("fleet", str(good.parent), "--format", "json")
        assert run.code == 2
        assert [row["resource"] for row in run.json()] == ["orders-db/cluster"]
        [message] = run.stderr.splitlines()
        assert re.search(r"b\.yaml:4:1: DL001 .*not in the map", message), message


def test_a_file_a_walk_skipped_is_read_when_named(write) -> None:
    """A walk skips a YAML file that doesn't say it is a deploylint doc; named, it is read.
    The per-folder index must not answer for one with what it learnt from the other."""
    broken = write("notes.yaml", "a: [1, 2\n")  # no marker: a walk skips it
    assert deploylint("fleet", str(broken.parent), "--format", "json").code == 2  # no docs
    named = deploylint("fleet", str(broken), "--format", "json")
    assert named.code == 2
    assert re.search(r"notes\.yaml:\d+:\d+: DL001 .*not in the map", named.stderr), named.stderr


def test_fleet_on_a_named_yaml_file_that_is_not_a_doc_says_so(write) -> None:
    """An empty map would read as "no agent writes anything here": it says there is no doc."""
    workflow = write("ci.yaml", "name: ci\non: push\njobs: {}\n")
    run = deploylint("fleet", str(workflow), "--no-config")
    assert run.code == 2 and run.stdout == ""
    assert f"no deploylint docs found in {workflow}" in run.stderr
