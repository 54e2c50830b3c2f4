"""`deploylint diff` on pull requests (issue #20): a widening fails `--fail-on widened` and
its reverse passes, a rename with re-worded notes widens nothing, the base is read as it
was (never through the pull request's links), and every format is safe to post."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Run, deploylint_process
from tests.test_security_gate import _git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
CORPUS = Path(__file__).resolve().parent / "corpus" / "realistic"
REFUNDS = (CORPUS / "a" / "refunds-chargebacks.yaml").read_text()
FIRST_TOOL = '      - {name: shop.orders.read, scopes: ["orders:read"]}\n'
PAY_TOOL = "      - {name: psp.payouts.create (Stripe Connect), effect: pay}\n"
CAP, RAISED = "per_hour: {psp.refunds.create: 300,", "per_hour: {psp.refunds.create: 3000,"


def widened(text: str) -> str:
    """The pull request of the issue: a pay tool, with a valid cap, and a cap raised."""
    return text.replace(FIRST_TOOL, FIRST_TOOL + PAY_TOOL).replace(CAP, RAISED)


def repo_with(tmp_path: Path, base: dict[str, str], head: dict[str, str | None]) -> Path:
    """A repository: main holds ``base``; the checked-out branch `pr` writes (or, None,
    deletes) ``head``, committed as a pull request is."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for name, text in base.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "main")
    _git(repo, "checkout", "-qb", "pr")
    for name, text in head.items():
        if text is None:
            (repo / name).unlink()
        else:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "pr", "--allow-empty")
    return repo


def diff(repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    run = deploylint_process("diff", *args, cwd=repo, env=env, timeout=120)
    assert "Traceback" not in run.stderr
    return run


def kinds(run: Run) -> list[tuple[str, str]]:
    return sorted((c["kind"], c["direction"]) for c in run.json()["changes"])


def test_a_pay_tool_and_a_raised_cap_are_both_widened_and_fail_the_gate(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    run = diff(repo, "--fail-on", "widened", "--format", "json")
    assert run.code == 1, run.stderr
    assert kinds(run) == [("side_effect_cap", "widened"), ("tool", "widened")]
    report = run.json()
    assert set(report) == {"base", "changes", "summary"}
    assert report["summary"] == {"widened": 2, "narrowed": 0, "neutral": 0}
    fields = ["file", "doc", "agent", "kind", "direction", "path", "before", "after", "summary"]
    assert all(list(change) == fields for change in report["changes"])
    cap = next(c for c in report["changes"] if c["kind"] == "side_effect_cap")
    assert (cap["before"], cap["after"], cap["agent"]) == (300, 3000, "returns-refund-issuer")
    assert (
        cap["path"] == '$.agents[0].actions[0].side_effect_ceiling.per_hour["psp.refunds.create"]'
    )
    assert diff(repo, "--format", "json").code == 0  # no gate, no failure
    text = diff(repo, "--fail-on", "widened")
    line = widened(REFUNDS).splitlines().index(PAY_TOOL.rstrip("\n")) + 1
    assert f"deploy/refunds.yaml:{line}:9  returns-refund-issuer gets psp.payouts.create (pay)" in (
        text.stdout
    )
    assert text.stdout.rstrip().endswith("2 widened, 0 narrowed, 0 neutral: FAIL")


def test_the_reverse_change_is_narrowed_and_passes(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": widened(REFUNDS)},
                     {"deploy/refunds.yaml": REFUNDS})  # fmt: skip
    run = diff(repo, "--fail-on", "widened", "--format", "json")
    assert run.code == 0, run.stderr
    assert kinds(run) == [("side_effect_cap", "narrowed"), ("tool", "narrowed")]
    assert diff(repo, "--fail-on", "widened").stdout.rstrip().endswith(": PASS")


REWORDED = (  # notes after names, a list re-wrapped, a mapping made a block, comments
    ("resources: [psp/refunds, shop-db/returns, customer-email]",
     "resources: [psp/refunds (the PSP's refund API), shop-db/returns — returns table,\n"
     "                  customer-email]"),
    ("{resource: shop-db/returns, lock: shop/returns-lease}",
     '{resource: "shop-db/returns (history rows)", lock: "shop/returns-lease (60s ttl)"}'),
    ("approver_queue: payments-ops-review, skippable",
     'approver_queue: "payments-ops-review (EU/US)", skippable'),
    ("rollback_key_holder: payments-oncall", "rollback_key_holder: payments-oncall (pager, 24/7)"),
    ("per_hour: {psp.refunds.create: 300, mailer.send_transactional: 300}",
     "per_hour:\n            psp.refunds.create: 300      # the PSP's own cap is 400\n"
     "            mailer.send_transactional: 300"),
    ("(both agents)", "(both agents; flips in 2s)"),
    ('{name: psp.refunds.create, scopes: ["refunds:write"]}',
     '{name: "psp.refunds.create (Stripe, restricted key)", scopes: ["refunds:write"]}'),
    ("rollback_path: /internal/payments/refund-agents/rollback?agent={agent_id}&since={ts}",
     "rollback_path: /internal/payments/refund-agents/rollback?agent={agent_id}&since={ts}"
     " (reverses status changes)"),
    ("reads: [shop-db/orders, shop-db/returns, warehouse/return-scans, fraud/risk-scores]",
     "reads:\n      - shop-db/orders\n      - shop-db/returns\n      - warehouse/return-scans\n"
     "      - fraud/risk-scores"),
    ("  description: Issues", "  description: Refunds and disputes. Issues"),
)  # fmt: skip


def test_a_pure_rename_with_re_worded_notes_widens_nothing(tmp_path: Path) -> None:
    moved = REFUNDS
    for old, new in REWORDED:
        assert old in moved, old
        moved = moved.replace(old, new, 1)
    head = {"deploy/refunds.yaml": None, "deploy/payments/refunds.yaml": moved}
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, head)
    run = diff(repo, "--fail-on", "widened", "--format", "json")
    assert run.code == 0, run.stderr
    assert kinds(run) == [("doc_renamed", "neutral")]
    [renamed] = run.json()["changes"]
    assert (renamed["before"], renamed["after"]) == (
        "deploy/refunds.yaml",
        "deploy/payments/refunds.yaml",
    )


def test_a_new_doc_added_as_a_link_to_an_old_one_is_new(tmp_path: Path) -> None:
    """The base is read at the path as spelled, never through the pull request's link: a
    link to a doc already on main is a new doc, with every agent it authorizes."""
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {})
    (repo / "deploy" / "refunds-eu.yaml").symlink_to("refunds.yaml")
    run = diff(repo, "--format", "json")
    assert run.code == 0, run.stderr
    assert kinds(run) == [("agent", "widened"), ("agent", "widened"), ("doc", "widened")]
    assert {c["file"] for c in run.json()["changes"]} == {"deploy/refunds-eu.yaml"}


def test_a_link_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("apiVersion: deploylint/v1\ntoken: hunter2-do-not-print\n")
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {})
    (repo / "deploy" / "refunds.yaml").unlink()
    (repo / "deploy" / "refunds.yaml").symlink_to(secret)
    run = diff(repo, "--format", "json")
    assert run.code == 2
    assert "deploy/refunds.yaml: a link leading out of the repository: not read" in run.stderr
    assert "hunter2" not in run.stdout + run.stderr


def test_the_base_is_what_git_holds_not_a_folder_the_pull_request_linked(tmp_path: Path) -> None:
    """The pull request turns `deploy` into a link to its own folder of wider docs: the
    base's deploy/refunds.yaml is read from the base commit, and is gone now."""
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"wide/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    shutil.rmtree(repo / "deploy")
    (repo / "deploy").symlink_to("wide")
    run = diff(repo, "deploy", "--format", "json")
    assert run.code == 0, run.stderr
    by_file = {(c["file"], c["kind"], c["direction"]) for c in run.json()["changes"]}
    assert ("deploy/refunds.yaml", "doc", "narrowed") in by_file  # the doc main had is gone


def test_the_default_base_is_the_merge_base_with_the_default_branch(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    _git(repo, "checkout", "-q", "main")
    (repo / "deploy" / "later.yaml").write_text(REFUNDS)  # main moves on after the branch
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "main moves on")
    _git(repo, "checkout", "-q", "pr")
    report = diff(repo, "--format", "json").json()
    assert report["base"]["merge_base"] and report["base"]["ref"] == "main"
    assert {c["file"] for c in report["changes"]} == {"deploy/refunds.yaml"}  # not later.yaml
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--no-local", str(repo), str(clone))  # sets origin/HEAD
    assert diff(clone, "--format", "json").json()["base"]["ref"] == "origin/HEAD"


def test_no_default_branch_is_a_one_line_error(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {})
    _git(repo, "branch", "-q", "-m", "main", "trunk")
    run = diff(repo)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("deploylint: error: diff: no default branch to compare with")
    assert "--base REF" in run.stderr and len(run.stderr.splitlines()) == 1
    outside = diff(tmp_path)
    assert outside.code == 2 and "is not inside a git repository" in outside.stderr
    assert diff(repo, "--base", "nope").stderr.strip() == (
        "deploylint: error: --base nope: no such commit, branch or tag"
    )


def test_an_uncommitted_new_doc_is_seen(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {})
    (repo / "deploy" / "draft.yaml").write_text(widened(REFUNDS))  # not even `git add`ed
    assert ("doc", "widened") in kinds(diff(repo, "--format", "json"))


def test_a_change_in_the_second_document_of_a_file(tmp_path: Path) -> None:
    other = (CORPUS / "k" / "pharmacy-refill-outreach.yaml").read_text()
    repo = repo_with(tmp_path, {"deploy/both.yaml": f"{other}---\n{REFUNDS}"},
                     {"deploy/both.yaml": f"{other}---\n{widened(REFUNDS)}"})  # fmt: skip
    changes = diff(repo, "--format", "json").json()["changes"]
    assert {c["doc"] for c in changes} == {"shop-refunds-and-disputes"}
    assert len(changes) == 2


HOSTILE = "      - {name: '##[add-mask]x', effect: pay}\n      - {name: '::stop-commands::t'}\n"


@pytest.mark.parametrize("chosen", ["text", "json", "markdown", "github"])
def test_no_format_prints_a_workflow_command_from_a_doc(tmp_path: Path, chosen: str) -> None:
    hostile = REFUNDS.replace(FIRST_TOOL, FIRST_TOOL + HOSTILE)
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {"deploy/refunds.yaml": hostile})
    run = diff(repo, "--format", chosen)
    assert run.code == 0 and "add-mask" in run.stdout
    assert "##[" not in run.stdout
    commands = [line for line in run.stdout.splitlines() if line.lstrip().startswith("::")]
    assert all(re.match(r"::(warning|notice) file=", line) for line in commands)


def test_the_markdown_comment_has_its_marker_a_headline_and_a_table_per_agent(
    tmp_path: Path,
) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    text = diff(repo, "--format", "markdown").stdout
    assert text.startswith("<!-- deploylint:diff -->\n")
    assert "**2 widened:** returns-refund-issuer gets psp.payouts.create \\(pay\\); " in text
    assert "#### returns-refund-issuer · deploy/refunds.yaml" in text
    assert text.count("| **widened** |") == 2


def test_a_huge_change_still_fits_one_comment(tmp_path: Path) -> None:
    tools = "".join(f"      - {{name: tool{i}.send, effect: send}}\n" for i in range(3000))
    huge = REFUNDS.replace(FIRST_TOOL, FIRST_TOOL + tools)
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS}, {"deploy/refunds.yaml": huge})
    text = diff(repo, "--format", "markdown").stdout
    assert len(text) <= 65_536 and "**3000 widened:**" in text
    assert re.search(r"\d+ change\(s\) left out to fit a comment", text)


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    assert "\x1b[" not in diff(repo).stdout  # a pipe
    assert "\x1b[1;31mwidened" in diff(repo, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in diff(repo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_the_output_file(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"deploy/refunds.yaml": REFUNDS},
                     {"deploy/refunds.yaml": widened(REFUNDS)})  # fmt: skip
    run = diff(repo, "-f", "markdown", "-o", "comment.md", "--fail-on", "widened")
    assert run.code == 1 and run.stdout == ""
    assert (repo / "comment.md").read_text().startswith("<!-- deploylint:diff -->")
    assert os.access(repo / "comment.md", os.R_OK)


def test_the_command_line_offers_exactly_the_formats_there_are() -> None:
    from deploylint.authority import DIFF_FORMATS, INVENTORY_FORMATS
    from deploylint.authority.inventory import FORMATS
    from deploylint.authority.render import RENDERERS

    assert tuple(RENDERERS) == DIFF_FORMATS
    assert tuple(FORMATS) == INVENTORY_FORMATS


def test_two_docs_of_one_name_in_a_file_each_count(tmp_path: Path) -> None:
    """A file with the same doc twice loses one: that doc's removal is reported, not lost
    behind the other's name."""
    repo = repo_with(tmp_path, {"deploy/twice.yaml": f"{REFUNDS}---\n{widened(REFUNDS)}"},
                     {"deploy/twice.yaml": REFUNDS})  # fmt: skip
    found = kinds(diff(repo, "--format", "json"))
    assert found.count(("doc", "narrowed")) == 1 and ("agent", "narrowed") in found
