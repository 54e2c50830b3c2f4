"""Trust, third round: each class of false finding (or missed gap) that fresh writers exposed.

Every test here failed on the code before the class was fixed. Docs are the brief's complete
example (the rubric's base doc) with the one change at issue; a test shows the finding gone
where the doc's data says so, and the rule still firing where the gap is real.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from deploylint.rubric.load import load_default
from tests.conftest import check_json, deploylint
from tests.test_trust import _agent, _base, _found, _graded


def _counted(report: dict) -> list[str]:
    """Rules of the findings at or above low: what `--fail-on low` fails on."""
    return sorted(f["rule"] for f in report["findings"] if f["severity"] != "info")


# --- one identity per reference: a note after a name is the same name ----------------------


def _annotated() -> dict[str, Any]:
    """The brief's example, with a note after every name a writer annotates."""
    doc = _base()
    agent = _agent(doc)
    agent["writes"] = [
        {"resource": "orders-db/checkout (postgres primary, eu-west-1)",
         "lock": "orders/checkout-write — etcd lease, see below"}
    ]  # fmt: skip
    agent["blast_radius"]["resources"] = [
        "orders-db/checkout (about 2,300 refunds a day)",
        "payments-api — Stripe",
    ]
    agent["tools"][0]["counts_against"] = ["payments.refund — one per action"]
    action = agent["actions"][0]
    action["approval"]["approver_queue"] = "svc-ops-princess (finance ops, business hours)"
    lock = doc["write_authority"]["locks"][0]
    lock["key"] = "orders/checkout-write (etcd lease, cluster coord-1)"
    lock["lock_holder"] = "checkout-refund-runner (the only writer)"
    doc["rollback"]["rollback_key_holder"] = "svc-ops-princess (pager, 24/7)"
    doc["rollback"]["human_override_queue"] = "svc-ops-princess; follow-the-sun"
    doc["humans"]["queues"][0]["name"] = "svc-ops-princess (ops primary pager)"
    return doc


def test_a_note_after_a_name_is_the_same_name(write) -> None:
    report = _graded(write, _annotated())
    assert _counted(report) == [], [f["gap"] for f in report["findings"]]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda d: _agent(d)["blast_radius"].update(resources=["payments-api (Stripe)"]), "RV010"),
        (lambda d: d["write_authority"]["locks"][0].update(key="orders/other (lease)"), "WA003"),
        (lambda d: d["humans"]["queues"][0].update(name="svc-ops (pager)"), "RB011"),
        (lambda d: d["write_authority"]["locks"][0].update(lock_holder="svc-ops-princess (x)"),
         "WA006"),
    ],
    ids=["unlisted-resource", "undeclared-lock", "undeclared-queue", "holder-is-a-queue"],
)  # fmt: skip
def test_a_different_name_with_a_note_is_still_a_gap(write, change, rule: str) -> None:
    doc = _annotated()
    change(doc)
    assert _found(_graded(write, doc), rule)


def test_the_second_reader_compares_teams_by_identity(write) -> None:
    doc = _base()
    doc["metadata"]["owner"] = "payments-platform — checkout & refunds, Dublin"
    doc["metadata"]["reviewers"] = [{"name": "ana.p", "team": "Payments-Platform"}]
    assert _found(_graded(write, doc), "RV003")


def test_a_blast_radius_may_name_a_part_or_a_glob_of_what_is_written(write) -> None:
    doc = _base()
    agent = _agent(doc)
    agent["blast_radius"]["resources"] = ["orders-db/checkout.refund_status", "payments-api"]
    assert _found(_graded(write, doc), "RV010") == []
    agent["writes"][0]["resource"] = "github/acme-svc/*:deps/* branches"
    doc["write_authority"]["locks"][0]["resource"] = "github/acme-svc/*:deps/*"
    agent["blast_radius"]["resources"] = ["github/acme-svc/* (~140 repos)"]
    assert _found(_graded(write, doc, "glob.yaml"), "RV010") == []


def test_the_fleet_sees_one_resource_whatever_the_notes(write) -> None:
    def doc(name: str, agent: str, resource: str) -> str:
        return (
            f"apiVersion: deploylint/v1\nkind: AgentDeployment\nmetadata: {{name: {name}}}\n"
            f"agents:\n  - id: {agent}\n    writes: [{{resource: '{resource}', lock: {name}/w}}]\n"
            f"write_authority:\n  locks:\n    - {{key: {name}/w, resource: '{resource}', "
            f"mechanism: lease, lock_holder: {agent}}}\n"
        )

    a = write("a.yaml", doc("a", "perf", "orders-db/cluster (primary, eu-west-1)"))
    b = write("b.yaml", doc("b", "cost", "orders-db/cluster — nightly consolidation"))
    _, report = check_json(a, b)
    assert sorted(f["rule"] for f in report["findings"] if f["area"] == "fleet") == [
        "FL001",
        "FL001",
    ]


# --- one route classifier, the same verdict in `check` and `audit` --------------------------


ROUTES = [
    ("CALL system.rollback_to_snapshot('events', {snapshot_id}) via runbook DP-RB-3", True),
    ("git revert on infra-gitops repo", True),
    ("kubectl rollout undo deployment/checkout -n prod", True),
    ("the on-call runs `helm rollback checkout 41`", True),
    ("UPDATE pricing.overrides SET price = previous_price WHERE agent = 'x'", True),
    ("runbook RB-CI-03 step 4: revert the quarantine commit", True),
    ("via runbook CAT-RB-7 step 3 (catalog on-call)", True),
    ("DP-RB-3 step 4", True),
    ("./scripts/rollback.sh --agent checkout-refund-runner", True),
    ("catalogctl restore --writer menu-ingest-agent --as-of $SINCE (runbook MP-RB-06)", True),
    ("ui-flags revert (the pricing team's own tool)", False),
    ("POST https://api.vendor.example/v2/agents/refunds/rollback", True),
    ("https://vendor.example/admin/bulk-untag", False),
    ("https://mlflow.dataplat.internal/#/models/churn-model/versions", False),  # a web app's route
    ("https://argo.internal/api/v1/workflows#!/rollback", False),
    ("POST https://api.vendor.example/v2/rollback#section-3", True),  # a fragment, not a page
    ("POST https://api.vendor.example/v2/agents/rollback#/x", True),  # a method: an API
    ("https://console.vendor.example/agents/refunds/rollback", False),
    ("Adyen Customer Area → Transfers → Return funds", False),
    ("Stripe dashboard → Refund (see runbook R-4)", False),
    ("use the aws console to restore the table", False),
    ("ask the on-call to roll it back", False),
]


@pytest.mark.parametrize(("route", "is_route"), ROUTES, ids=[r[:32] for r, _ in ROUTES])
def test_route_forms_in_the_doc(write, route: str, is_route: bool) -> None:
    doc = _base()
    doc["rollback"]["rollback_path"] = route
    assert bool(_found(_graded(write, doc), "RB008")) is not is_route


@pytest.mark.parametrize(("route", "is_route"), ROUTES, ids=[r[:32] for r, _ in ROUTES])
def test_route_forms_in_audit_rows_get_the_same_verdict(write, route: str, is_route: bool) -> None:
    row = {"timestamp": "2026-11-02T02:17:00Z", "agent_id": "a", "resource": "r",
           "lock_holder": "a", "rollback_allowed": True, "rollback_path": route,
           "approved_by": "jun.t", "rollback_key_holder": "q",
           "human_override_queue": "q"}  # fmt: skip
    rows = write("rows.jsonl", json.dumps(row) + "\n")
    run = deploylint("audit", str(rows), "--format", "json")
    fired = {f["rule"] for f in run.json()["findings"]}
    assert ("AR005" in fired) is not is_route


# --- components and agents that write nothing owe nothing -----------------------------------


@pytest.mark.parametrize(
    "component",
    [
        {"component": "cert-inventory-cache", "role": "cache", "mechanism": "stateless_replay"},
        {"component": "summarizer", "role": "reader", "writes": False},
        {"component": "intake-cursor", "role": "cursor", "mechanism": "none", "cadence": "none"},
        {"component": "alerts-consumer", "role": "consumer", "writes": False},
    ],
    ids=["cache", "reader", "cursor", "consumer"],
)
def test_a_component_that_writes_nothing_owes_no_checkpoint(write, component: dict) -> None:
    doc = _base()
    doc["checkpoints"].append(component)
    report = _graded(write, doc)
    assert [f["rule"] for f in report["findings"] if f["area"] == "checkpoints"] == []


def test_a_worker_still_owes_its_checkpoint(write) -> None:
    doc = _base()
    doc["checkpoints"].append({"component": "applier", "role": "worker",
                               "mechanism": "stateless_replay"})  # fmt: skip
    rules = {f["rule"] for f in _graded(write, doc)["findings"]}
    assert {"CP003", "CP008", "CP010"} <= rules


def test_an_agent_that_only_reads_owes_no_side_effect_ceiling(write) -> None:
    doc = _base()
    doc["agents"].append(
        {"id": "flake-scout", "vendor": "in-house", "objective": "score flaky tests",
         "tools": [{"name": "buildkite.builds.list", "scopes": ["read_builds"], "effect": "read"}],
         "spawns": {"max_children": 0},
         "actions": [{"name": "score", "cost_ceiling": _agent(doc)["actions"][0]["cost_ceiling"]}],
         "blast_radius": {"resources": ["buildkite-api-quota"], "users_affected": "none"}}
    )  # fmt: skip
    report = _graded(write, doc)
    assert [f for f in report["findings"] if f["path"].startswith("$.agents[1]")] == []
    # a tool whose effect is only guessed from its name doesn't make the agent read-only
    del doc["agents"][1]["tools"][0]["effect"]
    doc["agents"][1]["tools"][0]["name"] = "buildkite.builds.retry"
    report = _graded(write, doc, "guessed.yaml")
    assert _found(report, "SE001")


# --- severity follows consequence ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "rule", "severity"),
    [
        (lambda d: d["checkpoints"][1].update(flush="sync"), "CP007", "info"),
        (lambda d: d["audit"].update(missing_lock_holder="reject"), "AU005", "info"),
        (lambda d: d["peer_auth"].update(discovery="static_config"), "PA007", "info"),
        (lambda d: d["peer_auth"].update(discovery="shared_config"), "PA003", "medium"),
    ],
    ids=["sync-flush", "reject", "static-authenticated", "shared-config"],
)
def test_severity_follows_consequence(write, change, rule: str, severity: str) -> None:
    doc = _base()
    change(doc)
    report = _graded(write, doc)
    assert [f["severity"] for f in _found(report, rule)] == [severity]
    if severity == "info":
        assert _counted(report) == []


def test_every_rule_at_low_or_medium_says_what_it_can_damage() -> None:
    rules = load_default().rules.values()
    middling = [r for r in rules if r.severity.label in ("low", "medium")]
    assert middling and [r.id for r in middling if not r.severity_why] == []
    assert "Why medium" in deploylint("explain", "CP010").stdout


def test_a_static_list_among_unauthenticated_peers_is_still_a_gap(write) -> None:
    doc = _base()
    doc["peer_auth"].update(discovery="static_config", authenticates_peers=False)
    assert _found(_graded(write, doc), "PA003")


@pytest.mark.parametrize(
    ("scope", "broad"),
    [
        ("glue:GetTable:analytics.*", False),
        ("refs/heads/bot/*", False),
        ("holds:*", True),
        ("AdministratorAccess", True),
        ("AmazonRDSFullAccess", True),
        ("payouts:admin", True),
    ],
)
def test_a_glob_under_a_named_action_is_narrow(write, scope: str, broad: bool) -> None:
    doc = _base()
    _agent(doc)["tools"][1]["scopes"] = [scope]
    assert bool(_found(_graded(write, doc), "PM003")) is broad


# --- money: what an action moves, and what an approval by count means ------------------------


def test_compute_dollars_in_the_agent_wide_figure_are_a_guess(write) -> None:
    """max_usd_per_action equal to the action's cost ceiling may be compute spend; with an
    approval by count, nothing fails."""
    doc = _base()
    agent = _agent(doc)
    action = agent["actions"][0]
    action["cost_ceiling"]["per_action_usd"] = 60
    agent["blast_radius"]["max_usd_per_action"] = 60
    action["approval"] = {"required_above_count": 500, "approver_queue": "svc-ops-princess"}
    report = _graded(write, doc)
    assert [f["severity"] for f in _found(report, "PM005")] in ([], ["info"])
    del action["approval"]
    found = _found(_graded(write, doc, "no-approval.yaml"), "PM005")
    assert [f["severity"] for f in found] == ["info"] and "compute" in found[0]["gap"]


def test_an_agent_that_moves_money_declares_how_much(write) -> None:
    doc = _base()
    agent = _agent(doc)
    agent["tools"][0]["effect"] = "pay"
    del agent["blast_radius"]["max_usd_per_action"]
    assert [f["severity"] for f in _found(_graded(write, doc), "RV012")] == ["medium"]
    # an agent that moves no money owes no figure
    agent["tools"] = [t for t in agent["tools"] if t["name"] != "payments.refund"]
    agent["actions"][0]["max_usd_moved"] = 0
    assert _found(_graded(write, doc, "no-money.yaml"), "RV012") == []
    assert _found(_graded(write, doc, "no-money.yaml"), "RV009") == []


def test_one_message_per_run_is_not_bulk_whatever_the_impact_says(write) -> None:
    doc = _base()
    action = _agent(doc)["actions"][0]
    action["impact"] = ["bulk_messaging"]
    action["max_usd_moved"] = 0
    del action["approval"]
    found = _found(_graded(write, doc), "PM005")
    assert [f["severity"] for f in found] == ["info"]
    action["side_effect_ceiling"]["per_action"]["email.customer"] = 200
    assert [f["severity"] for f in _found(_graded(write, doc, "bulk.yaml"), "PM005")] == ["high"]


# --- write evidence without `writes:` ----------------------------------------------------------


def _kubectl_agent(doc: dict[str, Any]) -> dict[str, Any]:
    agent = _agent(doc)
    agent["tools"] = [{"name": "kubectl.patch", "scopes": ["deployments:patch"], "effect": "write"}]
    agent["blast_radius"]["resources"] = ["k8s/prod/deployments"]
    del agent["writes"]
    doc["write_authority"]["locks"] = []
    return doc


def test_a_writing_tool_without_writes_is_a_write_authority_finding(write) -> None:
    doc = _kubectl_agent(_base())
    [finding] = _found(_graded(write, doc), "WA009")
    assert finding["severity"] == "high" and "kubectl.patch" in finding["gap"]
    _agent(doc)["writes"] = []  # the doc says it writes no shared resource
    assert _found(_graded(write, doc, "none.yaml"), "WA009") == []


def test_the_fleet_sees_a_write_the_doc_forgot_to_declare(write) -> None:
    one = _kubectl_agent(_base())
    other = _base()
    _agent(other)["id"] = "deploy-bot"
    _agent(other)["writes"] = [{"resource": "k8s/prod/deployments", "lock": "deploys/prod"}]
    other["write_authority"]["locks"] = [
        {"key": "deploys/prod", "resource": "k8s/prod/deployments", "mechanism": "lease",
         "lock_holder": "deploy-bot"}
    ]  # fmt: skip
    a = write("a.yaml", yaml.safe_dump(one, sort_keys=False))
    b = write("b.yaml", yaml.safe_dump(other, sort_keys=False))
    _, report = check_json(a, b)
    collisions = [f for f in report["findings"] if f["rule"] == "FL001"]
    assert collisions and {f["severity"] for f in collisions} == {"info"}
    assert all("writes:" in f["gap"] for f in collisions)


def test_audit_columns_with_notes_are_the_columns(write) -> None:
    doc = _base()
    doc["audit"]["columns"] = [f"{c} (see the runbook)" for c in doc["audit"]["columns"]]
    report = _graded(write, doc)
    assert _found(report, "AU002") == [] and _found(report, "AU003") == []


def _shards(doc: dict[str, Any]) -> dict[str, Any]:
    """Three reapers built from one template, one per repo tier, sharing a tombstone table
    through one mutex declared once per writer: shards of one job, not opposing objectives."""
    template = _agent(doc)
    agents = []
    for tier in ("core", "sdk", "docs"):
        agent = copy.deepcopy(template)
        agent["id"] = f"reaper-{tier}"
        agent["objective"] = f"keep the {tier} repos free of stale branches"
        agents.append(agent)
    doc["agents"] = agents
    doc["write_authority"]["locks"] = [
        {**doc["write_authority"]["locks"][0], "lock_holder": f"reaper-{tier}",
         "revert_cooldown_min": None}
        for tier in ("core", "sdk", "docs")
    ]  # fmt: skip
    for lock in doc["write_authority"]["locks"]:
        del lock["revert_cooldown_min"]
    return doc


def test_shards_of_one_job_are_not_opposing_objectives(write) -> None:
    doc = _shards(_base())
    found = _found(_graded(write, doc), "WA007")
    assert [f["severity"] for f in found] == ["info"]  # once, and a guess
    assert "they all run issue_refund" in found[0]["gap"]
    doc["agents"][1]["actions"][0]["name"] = "consolidate_capacity"  # different work
    assert [f["severity"] for f in _found(_graded(write, doc, "b.yaml"), "WA007")] == ["high"]


def test_writers_that_ask_the_single_writer_are_not_a_collision(write) -> None:
    """A single-writer lock means "only lock_holder writes; the others ask it" (the schema):
    a second agent naming that lock goes through its holder."""
    doc = _base()
    drafter = copy.deepcopy(_agent(doc))
    drafter["id"] = "copy-drafter"
    drafter["objective"] = "draft product copy"
    doc["agents"].append(drafter)
    doc["write_authority"]["locks"][0]["mechanism"] = "single_writer"
    report = _graded(write, doc)
    assert _found(report, "WA002") == [] and _found(report, "WA007") == []
    # two declarations naming two single writers: each thinks it writes alone
    doc["write_authority"]["locks"].append(
        {**doc["write_authority"]["locks"][0], "lock_holder": "copy-drafter"}
    )
    assert _found(_graded(write, doc, "two.yaml"), "WA002")


def test_a_retry_share_within_the_limit_bounds_the_retries_beside_a_count(write) -> None:
    doc = _base()
    doc["retries"].update(retry_budget_ratio=0.05, retry_budget_per_action=50)
    assert _found(_graded(write, doc), "RT007") == []
    doc["retries"]["retry_budget_ratio"] = 0.5
    assert _found(_graded(write, doc, "wide.yaml"), "RT007")


# --- "not applicable" written out: an empty approval, an empty blast radius ---------------


def test_an_approval_that_asks_for_nothing_owes_no_queue(write) -> None:
    """`approval: {}` says "none needed here" (PM005 decides whether one is); one with a
    threshold must still say who approves."""
    doc = _base()
    action = _agent(doc)["actions"][0]
    action["approval"] = {"required_above_usd": 200}
    assert _found(_graded(write, doc), "PM006")
    action["approval"] = {}
    report = _graded(write, doc, "empty.yaml")
    assert not _found(report, "PM006") and _found(report, "PM005")  # money: one is owed


def test_an_agent_that_only_reads_may_say_it_can_damage_nothing(write) -> None:
    doc = _base()
    agent = _agent(doc)
    agent["blast_radius"] = {"resources": [], "max_usd_per_action": 0, "users_affected": 0}
    assert _found(_graded(write, doc), "RV009")  # it refunds and emails: it can damage
    agent["tools"] = [{"name": "orders.lookup", "scopes": ["orders:read"], "effect": "read"}]
    agent["writes"] = []
    agent["actions"] = [{"name": "look_up", "impact": ["none"], "max_usd_moved": 0}]
    assert not _found(_graded(write, doc, "reader.yaml"), "RV009")
