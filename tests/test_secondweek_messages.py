"""Issue 21, the second week's messages: test-rubric catches what check would trip on, and
`init` refuses what would break the doc it writes."""

from __future__ import annotations

from tests.conftest import PASSING, TODAY, deploylint
from tests.test_integrations import CUSTOM_AREA


def test_test_rubric_fails_a_rule_whose_template_does_not_render(write) -> None:
    """`check` would print "the gap could not be rendered" on every such finding."""
    broken = CUSTOM_AREA.replace('missing: "{{ agent.id }}', 'missing: "{{ agentt.id }}')
    run = deploylint("test-rubric", str(write("ours/dr.yaml", broken)), "--today", TODAY)
    assert run.code == 1
    assert run.stdout.splitlines() == [
        "FAIL DR001: its gap template doesn't render on its bad example (UndefinedError: "
        "'agentt' is undefined)",
        "1 rule(s), 1 failing",
    ]


def test_test_rubric_says_what_check_says_of_a_reused_shipped_id(write) -> None:
    reused = CUSTOM_AREA.replace("prefix: DR", "prefix: KS").replace("DR001", "KS001")
    area = write("ours/ks.yaml", reused)
    checked = deploylint("check", str(PASSING), "--rubric", str(area))
    tested = deploylint("test-rubric", str(area), "--today", TODAY)
    assert checked.code == tested.code == 2 and tested.stdout == ""
    assert "rule KS001 is already defined in" in checked.stderr
    assert tested.stderr == checked.stderr


def test_init_refuses_a_schema_that_is_not_one_line(tmp_path) -> None:
    for schema in ("x.json\napiVersion: evil/v9", "x.json\rkind: Other", "x\u2028y", "x\x1b[2J"):
        run = deploylint("init", "--schema", schema, "-o", str(tmp_path / "doc.yaml"))
        assert run.code == 2 and run.stdout == "" and list(tmp_path.iterdir()) == []
        assert run.stderr.startswith("deploylint: error: --schema: ")
        assert run.stderr.endswith(" is not a path or URL on one line\n")
        assert len(run.stderr.splitlines()) == 1


def test_init_in_three_folders_shares_one_schema(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    for doc in ("deploy/payments/refunds.yaml", "deploy/support/replies.yaml", "infra.yaml"):
        (tmp_path / doc).parent.mkdir(parents=True, exist_ok=True)
        assert deploylint("init", "-o", doc).code == 0
    assert sorted(p.name for p in tmp_path.rglob("*.json")) == ["deploylint.schema.json"]
    first = "# yaml-language-server: $schema="
    assert (
        (tmp_path / "deploy/payments/refunds.yaml")
        .read_text()
        .startswith(f"{first}../../deploylint.schema.json\n")
    )
    assert (tmp_path / "infra.yaml").read_text().startswith(f"{first}deploylint.schema.json\n")
    # a schema a team keeps elsewhere, above the doc, is the one its next docs name
    (tmp_path / "deploy" / "deploylint.schema.json").write_text("{}")
    assert deploylint("init", "-o", "deploy/payments/chargebacks.yaml").code == 0
    chargebacks = (tmp_path / "deploy/payments/chargebacks.yaml").read_text()
    assert chargebacks.startswith(f"{first}../deploylint.schema.json\n")
