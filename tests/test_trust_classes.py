"""Trust, third round: each class of false finding (or missed gap) that fresh writers exposed.

Every test here failed on the code before the class was fixed. Docs are the brief's complete
example (the rubric's base doc) with the one change at issue; a test shows the finding gone
where the doc's data says so, and the rule still firing where the gap is real.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploylint.rubric.load import load_default
from tests.conftest import check_json, deploylint

RANKS = ["info", "low", "medium", "high", "critical"]


def _base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(load_default().base_text)
    return copy.deepcopy(data)


def _graded(write: Callable[..., Path], doc: dict[str, Any], name: str = "doc.yaml") -> dict:
    path = write(name, yaml.safe_dump(doc, sort_keys=False))
    _, report = check_json(path)
    return report


def _found(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def _counted(report: dict) -> list[str]:
    """Rules of the findings at or above low: what `--fail-on low` fails on."""
    return sorted(f["rule"] for f in report["findings"] if f["severity"] != "info")


def _agent(doc: dict[str, Any]) -> dict[str, Any]:
    agent: dict[str, Any] = doc["agents"][0]
    return agent


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
    ("POST https://api.vendor.example/v2/agents/refunds/rollback", True),
    ("https://vendor.example/admin/bulk-untag", False),
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
