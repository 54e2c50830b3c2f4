"""Issue 21, the second week's reports: each thing said once, no token split, one meaning
per word, paths as the repository names them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import EXAMPLES, deploylint

FLEET_0217 = EXAMPLES / "fleet-0217"


def _shared_lease_fleet(folder: Path) -> list[Path]:
    """Two docs with long names writing one resource through one lock both declare."""
    docs = []
    for agent in ("cost", "perf"):
        text = (FLEET_0217 / f"db-{agent}.yaml").read_text()
        text = text.replace(f"orders-db/{agent}-lease", "orders-db/shared-lease")
        doc = folder / "deploy" / "finance" / f"invoice-reconciler-{agent}.yaml"
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(text)
        docs.append(doc)
    return docs


def test_the_fleet_off_a_terminal_is_plain_blocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    docs = [d.relative_to(tmp_path).as_posix() for d in _shared_lease_fleet(tmp_path)]
    run = deploylint("fleet", "deploy", env={"COLUMNS": "70"})
    assert run.code == 0
    assert not set(run.stdout) & set("┃│┏┡└━"), "no box table off a terminal"
    lines = run.stdout.splitlines()
    assert lines[0] == "orders-db/cluster · serialized"
    for doc in docs:  # each path whole, on one line, once
        assert sum(f"{doc}:25" in line for line in lines) == 1
        assert run.stdout.count(doc) == 1
    assert run.stdout.count("orders-db/shared-lease") == 1  # one lock, declared in two docs
    said = " ".join(run.stdout.split())
    assert "(held by db-cost-agent in db-cost; held by db-perf-agent in db-perf)" in said
    assert all(len(line) <= 70 or " " not in line.strip() for line in lines)


def test_the_fleet_markdown_names_each_writers_doc_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _shared_lease_fleet(tmp_path)
    table = deploylint("fleet", "deploy", "-f", "markdown").stdout.split("```")[0]
    assert table.count("invoice-reconciler-cost.yaml") == 1
    assert table.count("orders-db/shared-lease") == 1


def test_explain_follows_columns_and_never_splits_a_hyphenated_name() -> None:
    wide = deploylint("explain", "WA003", env={"COLUMNS": "200"}).stdout
    assert "svc-ops-princess" in wide  # the bad example's key holder, whole
    narrow = deploylint("explain", "WA003", env={"COLUMNS": "50"}).stdout
    lines = narrow.splitlines()
    assert any("svc-ops-princess" in line for line in lines)
    assert not any(line.rstrip().endswith("-") for line in lines if "-" in line.split()[-1:][0:1])
    assert all(len(line) <= 50 or " " not in line.strip() for line in lines)
    assert (
        max(map(len, wide.splitlines()))
        > 60
        > max(len(line) for line in lines if " " in line.strip())
    )


def test_help_never_splits_a_metavar() -> None:
    for command in ("check", "audit", "fleet", "rules", "init", "schema"):
        for columns in ("40", "60"):
            helptext = deploylint(command, "--help", env={"COLUMNS": columns}).stdout
            for line in helptext.splitlines():  # a <a|b|c> choice list is never cut in two
                assert not re.search(r"<[\w|-]*$|^[\s│]*[\w|-]*>", line), (command, line)
    helptext = deploylint("check", "--help", env={"COLUMNS": "60"}).stdout
    assert "-f, --format FORMAT" in helptext and "--fail-on SEVERITY" in helptext
    said = " ".join(helptext.split())
    assert "Output format: text, json, markdown, html, sarif, github or junit." in said


def test_a_wrapped_title_stays_inside_its_block_on_a_narrow_terminal() -> None:
    from tests.conftest import FAILING, TODAY, deploylint_process

    terminal = {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "60"}
    named = FAILING.relative_to(EXAMPLES.parent).as_posix()
    run = deploylint_process("check", named, "--today", TODAY, env=terminal, cwd=EXAMPLES.parent)
    lines = [line.rstrip() for line in run.stdout.splitlines()]
    [heading] = [i for i, line in enumerate(lines) if line.endswith("AU001 Audit log")]
    assert lines[heading + 1] == "    declared, with a sink"  # in its block, not at column 0
    summary = next(i for i, line in enumerate(lines) if line.startswith("1 file, "))
    assert all(line.startswith(" ") for line in lines[1:summary] if line)


def test_o_writes_what_a_redirect_writes(tmp_path: Path) -> None:
    from tests.conftest import FAILING, TODAY

    report = tmp_path / "out.txt"
    no_columns = {"COLUMNS": ""}
    redirected = deploylint("check", str(FAILING), "--today", TODAY, env=no_columns)
    deploylint("check", str(FAILING), "--today", TODAY, "-o", str(report), env=no_columns)
    assert report.read_text() == redirected.stdout


def test_findings_mean_the_same_in_text_and_json() -> None:
    from tests.conftest import TODAY

    text = deploylint("check", str(EXAMPLES), "--today", TODAY).stdout.splitlines()[-1]
    summary = deploylint("check", str(EXAMPLES), "--today", TODAY, "-f", "json").json()["summary"]
    assert summary["waived"] > 0
    count = summary["findings"]  # waived ones included
    assert text.startswith(f"5 files, 5 documents: {count} findings (")
    assert f", {summary['waived']} waived as accepted risk)" in text
    parts = text.split("(", 1)[1].split(")", 1)[0].split(", ")
    assert sum(int(part.split()[0]) for part in parts) == count  # the parts add up
    markdown = deploylint("check", str(EXAMPLES), "--today", TODAY, "-f", "markdown").stdout
    assert f"5 documents in 5 files: {count} findings (" in markdown


def test_shaped_by_names_paths_as_the_repository_does(tmp_path: Path, monkeypatch) -> None:
    import subprocess

    from tests.conftest import PASSING
    from tests.test_integrations import CUSTOM_AREA

    repo = tmp_path / "repo"
    (repo / "rubrics" / "ours").mkdir(parents=True)
    (repo / "rubrics" / "ours" / "dr.yaml").write_text(CUSTOM_AREA)
    (repo / ".deploylint.yaml").write_text("rubric: [rubrics/ours]\n")
    (repo / "doc.yaml").write_bytes(PASSING.read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    (repo / "deploy").mkdir()
    monkeypatch.chdir(repo / "deploy")
    shaped = deploylint("check", "../doc.yaml", "-f", "json").json()["shaped_by"]
    assert (shaped["config"], shaped["rubrics"]) == (".deploylint.yaml", ["rubrics/ours"])
    gated = deploylint("check", "../doc.yaml", "--gate-from", "HEAD").stdout.splitlines()[-1]
    assert gated == (
        "Shaped by: config .deploylint.yaml (as at HEAD); rubric rubrics/ours (as at HEAD)."
    )
    assert str(tmp_path) not in gated and "deploylint-gate-" not in gated


def test_select_counts_only_rules_check_runs() -> None:
    from tests.conftest import FAILING, TODAY

    run = deploylint("check", str(FAILING), "--select", "RB,FL", "--today", TODAY, "-f", "json")
    switched_off = run.json()["shaped_by"]["ignored_rules"]
    assert switched_off and not [rule for rule in switched_off if rule.startswith("AR")]
    text = deploylint("check", str(FAILING), "--select", "RB,FL", "--today", TODAY).stdout
    assert f"Shaped by: {len(switched_off)} rule(s) switched off (AU001, " in text


def _template_readme() -> str:
    return (Path(__file__).resolve().parents[1] / "templates" / "README.md").read_text()


def test_the_template_context_is_documented() -> None:
    """Every field a --template can read off a doc, and every name it is given, is in
    templates/README.md."""
    from dataclasses import fields

    from deploylint.report.gap import DocSection, GapReport

    documented = _template_readme()
    for name in ("gap", "report", "Grade", "Verdict", "fleet_markdown", "SIGN", "md", "text"):
        assert f"`{name}`" in documented, name
    for record in (DocSection, GapReport):
        for field in fields(record):
            assert f"`{field.name}`" in documented or f"`gap.{field.name}`" in documented, field


def test_the_documented_template_renders(tmp_path: Path) -> None:
    from tests.conftest import FAILING, TODAY

    example = _template_readme().split("```jinja\n", 1)[1].split("```", 1)[0]
    template = tmp_path / "ours.md.j2"
    template.write_text(example)
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.code == 1, run.stderr
    assert "Blast radius: reporting-db-scaler can write reporting-db/cluster and move up" in (
        run.stdout
    )
    assert "- **AU001** high at" in run.stdout


def test_the_docs_blast_radius_is_said_once_and_each_finding_says_its_own() -> None:
    """A doc with 38 findings printed the same agent summary 38 times."""
    from tests.conftest import FAILING, TODAY

    whole = "reporting-db-scaler can write reporting-db/cluster and move up to 4000 USD per action"
    users = "affects every dashboard and export while the reporting DB is degraded"
    text = deploylint("check", str(FAILING), "--today", TODAY, env={"COLUMNS": "1000"}).stdout
    assert text.count(f"  blast radius  {whole} ({users})\n") == 1
    assert text.count(users) == 1
    report = deploylint("check", str(FAILING), "--today", TODAY, "-f", "json").json()
    [document] = report["files"][0]["documents"]
    assert document["blast_radius"] == f"{whole} ({users})"
    columns = [f["blast_radius"] for f in report["findings"]]
    assert len(columns) > 30 and not [c for c in columns if users in c or whole in c]
    assert all("reporting-db-scaler" in c or "reporting-db/cluster" in c for c in columns)
    for fmt, said in (
        ("markdown", "**Blast radius:** "),
        ("html", "<strong>Blast radius:</strong>"),
    ):
        rendered = deploylint("check", str(FAILING), "--today", TODAY, "-f", fmt).stdout
        assert rendered.count(said) == 1 and rendered.count("every dashboard and export") == 1


def test_a_finding_names_only_the_agent_and_resources_it_concerns(write) -> None:
    from tests.conftest import FAILING, TODAY

    second = (
        "  - id: cache-warmer\n    vendor: in-house\n    objective: keep the edge cache warm\n"
        '    tools:\n      - {name: cache.fill, scopes: ["cache:admin"]}\n'
        "    writes:\n      - {resource: edge-cache/eu}\n"
        "    blast_radius: {resources: [edge-cache/eu], max_usd_per_action: 0}\n"
    )
    text = FAILING.read_text().replace("\nbudget:", second + "\nbudget:")
    report = deploylint("check", str(write("two.yaml", text)), "-f", "json", "--today", TODAY)
    findings = report.json()["findings"]
    first = [f for f in findings if f["path"].startswith("$.agents[0]")]
    other = [f for f in findings if f["path"].startswith("$.agents[1]")]
    assert first and other
    assert not [f for f in first if "cache" in f["blast_radius"]]
    assert not [f for f in other if "reporting-db" in f["blast_radius"]]
    assert any("cache-warmer" in f["blast_radius"] for f in other)


def test_no_money_clause_at_zero_usd() -> None:
    from tests.conftest import TODAY

    report = deploylint("check", str(FLEET_0217), "-f", "json", "--today", TODAY).json()
    said = {d["name"]: d["blast_radius"] for f in report["files"] for d in f["documents"]}
    assert said["db-cost"] == (  # max_usd_per_action: 0
        "db-cost-agent can write orders-db/cluster (per action: db.consolidate 1; affects every "
        "checkout while the DB tier is degraded)"
    )
    assert "900 USD per action" in said["db-perf"]
    assert not [f for f in report["findings"] if " 0 USD" in f["blast_radius"]]
