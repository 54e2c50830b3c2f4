"""Issue 21, the second week's reports: each thing said once, no token split, one meaning
per word, paths as the repository names them."""

from __future__ import annotations

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
