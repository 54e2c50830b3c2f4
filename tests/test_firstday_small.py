"""Smaller first-day trips: --write-baseline in a `set -e` script, `init`'s schema line,
code spans in the HTML report's fixes, and `audit` on a YAML file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FAILING, TODAY, deploylint


def test_write_baseline_exits_0_so_a_set_e_adoption_script_goes_on(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "doc.yaml").write_text(FAILING.read_text())
    script = (
        "set -e\n"
        f"{sys.executable} -m deploylint check deploy/ --write-baseline base.json -q\n"
        f"{sys.executable} -m deploylint check deploy/ --baseline base.json -q\n"
        "echo adopted\n"
    )
    run = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("adopted"), run.stderr
    assert (tmp_path / "base.json").exists()
    missing = deploylint("check", str(tmp_path / "nope"), "--write-baseline", str(tmp_path / "b"))
    assert missing.code == 2  # an error is still an error


def test_the_html_report_shows_code_spans_in_fixes_as_code_escaped(write) -> None:
    from tests.test_integrations import CUSTOM_AREA

    hostile = CUSTOM_AREA.replace(
        "remediation: List the agent's reads.",
        "remediation: 'Set `<b>reads</b>` & keep `a` plain'",
    )
    area = write("ours/dr.yaml", hostile)
    doc = write("doc.yaml", FAILING.read_text().replace("    reads:", "    x-reads:"))
    html = deploylint(
        "check", str(doc), "-f", "html", "--rubric", str(area.parent), "--today", TODAY
    ).stdout
    assert "Fix: Set <code>&lt;b&gt;reads&lt;/b&gt;</code> &amp; keep <code>a</code> plain" in html
    assert "<b>reads" not in html
    shipped = deploylint("check", str(FAILING), "-f", "html", "--today", TODAY).stdout
    assert "<code>kill_switch.owner</code>" in shipped and "Fix: Name" in shipped
    assert not [line for line in shipped.splitlines() if "Fix:" in line and "`" in line]


def test_audit_on_a_yaml_file_is_one_finding_saying_it_isnt_json_lines() -> None:
    run = deploylint("audit", str(FAILING), "--format", "json")
    findings = run.json()["findings"]
    assert run.code == 1 and len(findings) == 1
    assert findings[0]["rule"] == "AR001" and "not JSON Lines" in findings[0]["gap"]
    text = deploylint("audit", str(FAILING))
    assert text.stdout.rstrip().endswith("1 row: 1 finding (1 high). 1 at or above high: FAIL")


def test_audit_still_reports_each_bad_line_of_real_json_lines(write) -> None:
    good = '{"agent": "a", "lock_holder": "h"}'
    rows = write("rows.jsonl", "not json\n" + f"{good}\n" + "{broken\n" + f"{good}\n")
    findings = deploylint("audit", str(rows), "--format", "json").json()["findings"]
    bad = [f for f in findings if f["rule"] == "AR001"]
    assert [f["line"] for f in bad] == [1, 3] and "not JSON Lines" not in bad[0]["gap"]


def test_init_writes_the_schema_its_first_line_names_beside_the_doc(tmp_path: Path) -> None:
    import json

    doc = tmp_path / "deploy" / "refunds.yaml"
    doc.parent.mkdir()
    run = deploylint("init", "-o", str(doc))
    assert run.code == 0
    first = doc.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=deploylint.schema.json"
    schema = doc.parent / "deploylint.schema.json"
    assert json.loads(schema.read_text()) == json.loads(deploylint("schema", "doc").stdout)
    assert f"wrote {schema}" in run.stderr
    schema.write_text("{}")  # a schema already there is the team's: never overwritten
    assert deploylint("init", "-o", str(doc.parent / "other.yaml")).code == 0
    assert schema.read_text() == "{}"
    url = deploylint("init", "--schema", "https://example.com/s.json").stdout
    assert "`deploylint init -o` writes it" not in url  # a URL: nothing to write, no note
