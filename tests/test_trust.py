"""Findings people can trust: the doc's data decides, and a guess says it is a guess.

Each test is one class of false finding that docs written by outsiders exposed: it shows the
finding gone when the doc states the fact, and the rule still firing when the fact is a gap.
Docs are the brief's complete example (the rubric's base doc) with the one change at issue.
"""

from __future__ import annotations

import copy
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


def _counted(report: dict) -> list[tuple[str, str]]:
    """Findings at or above low: what `--fail-on low` fails on."""
    return [(f["rule"], f["gap"]) for f in report["findings"] if f["severity"] != "info"]


def _agent(doc: dict[str, Any]) -> dict[str, Any]:
    agent: dict[str, Any] = doc["agents"][0]
    return agent


# --- side effects: what a tool does, and which cap counts it, are the doc's to say ---------


@pytest.mark.parametrize(
    "tool",
    [
        {"name": "github.pulls.get_diff", "scopes": ["pull_requests:read"]},
        {"name": "payments.lookup", "scopes": ["payments:read"]},
        {"name": "email.draft", "scopes": ["email:compose"]},
        {"name": "email.send", "scopes": ["email:send"], "effect": "read"},  # the doc decides
    ],
    ids=["read-scope", "lookup", "draft", "declared-read"],
)
def test_a_tool_that_only_reads_needs_no_side_effect_cap(write, tool: dict) -> None:
    doc = _base()
    _agent(doc)["tools"].append(tool)
    assert _found(_graded(write, doc), "SE007") == []


def test_caps_named_for_the_business_effect_count_the_tools_they_cover(write) -> None:
    doc = _base()
    _agent(doc)["tools"] += [
        {"name": "zendesk.reply", "scopes": ["tickets:write"], "effect": "send"},
        {"name": "slack.post", "scopes": ["chat:write"], "effect": "send"},
    ]
    ceiling = _agent(doc)["actions"][0]["side_effect_ceiling"]
    ceiling["per_action"]["public_replies"] = 2
    ceiling["per_hour"]["public_replies"] = 200
    ceiling["covers"] = {"public_replies": ["zendesk.reply", "slack.post"]}
    assert _found(_graded(write, doc), "SE007") == []
    # the same tool counted from its own side
    del ceiling["covers"]
    _agent(doc)["tools"][-2]["counts_against"] = ["public_replies"]
    _agent(doc)["tools"][-1]["counts_against"] = ["public_replies"]
    assert _found(_graded(write, doc, "again.yaml"), "SE007") == []


def test_an_uncounted_tool_the_doc_says_sends_is_a_finding(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append({"name": "slack.post", "scopes": ["chat:write"], "effect": "send"})
    [finding] = _found(_graded(write, doc), "SE007")
    assert finding["severity"] == "medium"
    assert "guess" not in finding["gap"]


def test_a_finding_on_a_name_alone_is_a_guess_at_info_that_never_fails_the_gate(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append({"name": "okta.groups.add_member", "scopes": ["groups:manage"]})
    path = write("doc.yaml", yaml.safe_dump(doc, sort_keys=False))
    code, report = check_json(path, extra=("--fail-on", "low"))
    [finding] = _found(report, "SE007")
    assert finding["severity"] == "info"
    assert "a guess from the word 'add'" in finding["gap"]
    assert "`effect:` and `counts_against:` on tool okta.groups.add_member" in finding["gap"]
    assert code == 0, _counted(report)


def test_a_cap_keyed_like_the_tool_by_a_shared_word_counts_it(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append({"name": "email.send", "scopes": ["email:send"]})
    ceiling = _agent(doc)["actions"][0]["side_effect_ceiling"]
    ceiling["per_action"]["emails_sent"] = 1
    ceiling["per_hour"]["emails_sent"] = 100
    assert _found(_graded(write, doc), "SE007") == []


# --- permissions: money moved is data, compute spend is not money, counts are thresholds ----


def test_an_explicit_zero_beats_a_money_word_in_a_name(write) -> None:
    doc = _base()
    agent = _agent(doc)
    agent["blast_radius"]["max_usd_per_action"] = 0
    action = agent["actions"][0]
    del action["approval"]
    action["side_effect_ceiling"] = {
        "per_action": {"invoices_flagged": 1},
        "per_hour": {"invoices_flagged": 100},
    }
    agent["tools"] = [{"name": "invoices.flag", "scopes": ["invoices:annotate"]}]
    assert _found(_graded(write, doc), "PM005") == []


def test_the_agents_money_is_not_charged_to_an_action_that_moves_none(write) -> None:
    doc = _base()
    agent = _agent(doc)
    ticket = copy.deepcopy(agent["actions"][0])
    ticket.update(name="file_ticket", max_usd_moved=0)
    del ticket["approval"]
    ticket["cost_ceiling"]["per_action_usd"] = 2.5  # compute spend, not money moved
    ticket["side_effect_ceiling"] = {"per_action": {"tickets": 1}, "per_hour": {"tickets": 50}}
    agent["actions"].append(ticket)
    report = _graded(write, doc)
    assert [f["path"] for f in _found(report, "PM005")] == []


def test_money_the_action_declares_needs_an_approval(write) -> None:
    doc = _base()
    action = _agent(doc)["actions"][0]
    action["max_usd_moved"] = 500
    del action["approval"]
    [finding] = _found(_graded(write, doc), "PM005")
    assert finding["severity"] == "high"
    assert "moves up to 500 USD per run" in finding["gap"]


def test_a_count_approval_answers_actions_whose_money_is_not_their_own(write) -> None:
    doc = _base()
    agent = _agent(doc)
    notify = copy.deepcopy(agent["actions"][0])
    notify.update(name="notify_customers", impact=["bulk_messaging"])
    notify["approval"] = {"required_above_count": 50, "approver_queue": "svc-ops-princess"}
    agent["actions"].append(notify)  # the agent states 500 USD at risk per action
    assert [f["gap"] for f in _found(_graded(write, doc), "PM005")] == []


def test_a_threshold_equal_to_the_agent_wide_figure_is_not_never_fires(write) -> None:
    doc = _base()
    _agent(doc)["actions"][0]["approval"]["required_above_usd"] = 500  # blast radius: 500
    assert _found(_graded(write, doc), "PM005") == []


def test_a_threshold_the_action_can_never_reach_is_a_finding(write) -> None:
    doc = _base()
    action = _agent(doc)["actions"][0]
    action["max_usd_moved"] = 300
    action["approval"]["required_above_usd"] = 300
    [finding] = _found(_graded(write, doc), "PM005")
    assert "never fires" in finding["gap"]


@pytest.mark.parametrize(
    ("tool", "fires"),
    [
        ({"name": "docs.fetch", "scopes": ["docs:read"], "open_ended": False}, None),
        ({"name": "docs.fetch", "scopes": ["docs:read"]}, "info"),
        ({"name": "http.request", "scopes": ["net:outbound"], "open_ended": True}, "high"),
        ({"name": "jumphost.run", "scopes": ["shell:exec"]}, "high"),
    ],
    ids=["declared-closed", "name-only", "declared-open", "shell-scope"],
)
def test_open_ended_tools_by_data_and_by_name(write, tool: dict, fires: str | None) -> None:
    doc = _base()
    _agent(doc)["tools"].append(tool)
    found = _found(_graded(write, doc), "PM004")
    assert [f["severity"] for f in found] == ([fires] if fires else [])


@pytest.mark.parametrize(
    ("scope", "broad"),
    [
        ("chat:write:dm-to-account-owner", False),
        ("metrics:read/pg-*", False),
        ("crm:admin", True),
        ("repo:*", True),
    ],
)
def test_a_broad_scope_is_a_whole_segment(write, scope: str, broad: bool) -> None:
    doc = _base()
    _agent(doc)["tools"].append({"name": "x.tool", "scopes": [scope], "effect": "read"})
    assert bool(_found(_graded(write, doc), "PM003")) is broad


# --- checkpoints: what a component does is its role, not its name ---------------------------


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ({"component": "ticket-queue-consumer", "role": "consumer", "writes": False}, None),
        ({"component": "cursor", "writes": False}, None),
        ({"component": "correlation-window"}, None),
        ({"component": "refund-executor"}, "info"),
        ({"component": "refund-executor", "role": "worker"}, "medium"),
        ({"component": "poller", "writes": True}, "medium"),
    ],
    ids=["consumer", "cursor", "unknown", "guessed-worker", "worker", "writes"],
)
def test_worker_demands_follow_the_role_and_writes(write, component: dict, expected) -> None:
    doc = _base()
    doc["checkpoints"].append(
        {**component, "mechanism": "snapshot", "cadence": "per_step",
         "recovery_time_objective_min": 5}
    )  # fmt: skip
    found = _found(_graded(write, doc), "CP004")
    assert [f["severity"] for f in found] == ([expected] if expected else [])
    if found:
        assert "orders-db/checkout" in found[0]["blast_radius"]


def test_only_an_orchestrator_checkpoint_for_agents_that_write(write) -> None:
    doc = _base()
    doc["checkpoints"] = [doc["checkpoints"][0]]
    assert [f["severity"] for f in _found(_graded(write, doc), "CP002")] == ["high"]
    # agents that write nothing have no workers to checkpoint
    del _agent(doc)["writes"]
    doc["write_authority"]["locks"] = []
    assert _found(_graded(write, doc, "again.yaml"), "CP002") == []


# --- rollback: a literal route with a note is still a route ---------------------------------


@pytest.mark.parametrize(
    ("route", "fires"),
    [
        ("/internal/x/rollback?since={ts} (resets status to Pending Review)", False),
        ('runbook DATA-RB-13 "Restore a partition"', False),
        ("POST /internal/payfix/admin/rollback?batch_id={id} (rescinds the batch)", False),
        ("/runbooks/pg.md#revert (pgctl revert --change-id {id})", False),
        ("https://console.vendor.example/agents/refunds/rollback", True),
        ("https://acme.vendor.app/admin/agents/settings -> Pause agent", True),
        ("ask the on-call to roll it back", True),
    ],
)
def test_a_literal_route_may_carry_a_note(write, route: str, fires: bool) -> None:
    doc = _base()
    doc["rollback"]["rollback_path"] = route
    assert bool(_found(_graded(write, doc), "RB008")) is fires


def test_an_agent_like_name_declared_as_a_human_queue_is_only_a_guess(write) -> None:
    doc = _base()
    doc["rollback"]["rollback_key_holder"] = "agent-ops-humans"
    doc["humans"]["queues"].append({"name": "agent-ops-humans", "rotation": "ops-secondary"})
    found = _found(_graded(write, doc), "RB010")
    assert [f["severity"] for f in found] == ["info"]
    # an agent of the doc is a fact
    doc["rollback"]["rollback_key_holder"] = "checkout-refund-runner"
    found = _found(_graded(write, doc, "again.yaml"), "RB010")
    assert [f["severity"] for f in found] == ["critical"]


# --- retries: the budget scales with the action ---------------------------------------------


@pytest.mark.parametrize(
    ("retries", "calls", "fires"),
    [
        ({"retry_budget_ratio": 0.1}, 30, False),
        ({"retry_budget_ratio": 0.5}, 30, True),
        ({"retry_budget_per_action": 20}, 200, False),
        ({"retry_budget_per_action": 20}, 30, True),
        ({"retry_budget_per_action": 8}, 30, False),
    ],
)
def test_the_retry_budget_is_a_ratio_or_the_docs_own_scale(
    write, retries: dict, calls: int, fires: bool
) -> None:
    doc = _base()
    del doc["retries"]["retry_budget_per_action"]
    doc["retries"].update(retries)
    _agent(doc)["actions"][0]["cost_ceiling"]["max_tool_calls"] = calls
    assert bool(_found(_graded(write, doc), "RT007")) is fires


# --- one problem, one finding ----------------------------------------------------------------


def test_a_value_of_the_wrong_type_is_the_type_finding_only(write) -> None:
    doc = _base()
    _agent(doc)["actions"][0]["cost_ceiling"]["per_action_usd"] = "0.50"
    report = _graded(write, doc)
    at = [f["rule"] for f in report["findings"] if f["path"].endswith("per_action_usd")]
    assert at == ["DL007"]


def test_a_named_file_that_is_not_a_deploylint_doc_is_one_finding(write) -> None:
    path = write("ci.yaml", "name: nightly\non: [push]\njobs: {build: {runs-on: ubuntu}}\n")
    code, report = check_json(path)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("DL013", 1)]


# --- placeholders are gaps -------------------------------------------------------------------


def test_every_placeholder_init_writes_is_reported_at_its_line(tmp_path: Path) -> None:
    doc = tmp_path / "new.yaml"
    assert deploylint("init", "-o", str(doc)).code == 0
    placeholders = {
        number
        for number, line in enumerate(doc.read_text().splitlines(), 1)
        if "TBD" in line.split("#")[0]
    }
    assert len(placeholders) > 15
    _, report = check_json(doc)
    lines = {f["line"] for f in report["findings"]}
    assert placeholders <= lines, sorted(placeholders - lines)
    # and each placeholder once: no line holds two findings about the same value
    paths = [f["path"] for f in report["findings"]]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("text", ["TBD", "todo", "?", "<your team>", "changeme", "n/a", ""])
def test_placeholders_are_gaps_where_a_value_is_needed(write, text: str) -> None:
    doc = _base()
    _agent(doc)["objective"] = text
    [finding] = _found(_graded(write, doc), "RV011")
    assert finding["path"] == "$.agents[0].objective"


# --- the fleet: a shared, coordinated lock passes; private locks on one resource fail --------


def _fleet_doc(base: dict, agent: str, *, key: str, holder: str, objective: str) -> dict:
    doc = copy.deepcopy(base)
    doc["metadata"]["name"] = f"{agent}-doc"
    a = _agent(doc)
    a.update(id=agent, objective=objective)
    a["writes"] = [{"resource": "orders-db/cluster", "lock": key}]
    a["blast_radius"]["resources"] = ["orders-db/cluster", "payments-api"]
    doc["rollback"]["rollback_path"] = f"/internal/rollback?agent={agent}"
    doc["write_authority"]["locks"] = [
        {
            "key": key, "resource": "orders-db/cluster", "mechanism": "lease",
            "lock_holder": holder, "yield_protocol": "lease handed to each writer in turn",
            "revert_cooldown_min": 15,
            "coordination": "ask the holder before reverting a change made in the last 15 min",
        }
    ]  # fmt: skip
    return doc


AGENTS = [("perf-agent", "keep p99 latency low"), ("cost-agent", "cut spend"),
          ("route-agent", "balance traffic")]  # fmt: skip


def test_three_docs_sharing_one_coordinated_lock_pass(write) -> None:
    base = _base()
    paths = [
        write(
            f"fleet/{agent}.yaml",
            yaml.safe_dump(
                _fleet_doc(base, agent, key="db/cluster", holder="perf-agent", objective=goal),
                sort_keys=False,
            ),
        )
        for agent, goal in AGENTS
    ]
    code, report = check_json(*paths, extra=("--fail-on", "low"))
    assert _counted(report) == []
    assert code == 0


def test_three_docs_with_private_locks_on_one_resource_fail(write) -> None:
    base = _base()
    paths = [
        write(
            f"fleet/{agent}.yaml",
            yaml.safe_dump(
                _fleet_doc(base, agent, key=f"db/{agent}", holder=agent, objective=goal),
                sort_keys=False,
            ),
        )
        for agent, goal in AGENTS
    ]
    code, report = check_json(*paths)
    assert code == 1
    assert {Path(f["file"]).name for f in _found(report, "FL001")} == {
        f"{agent}.yaml" for agent, _ in AGENTS
    }


# --- precision is a rule property, shown where rules are shown -------------------------------


def test_rules_json_and_sarif_carry_each_rules_precision(write) -> None:
    rules = deploylint("rules", "--format", "json").json()
    assert {r["precision"] for r in rules} <= {"very-high", "high", "medium", "low"}
    assert all(r["precision"] for r in rules)
    se007 = next(r for r in rules if r["id"] == "SE007")
    assert "counts_against" in se007["guess"]
    doc = write("doc.yaml", load_default().base_text)
    sarif = deploylint("check", str(doc), "--format", "sarif", "--today", "2026-11-22").json()
    table = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["properties"]["precision"] in RANKS[1:] or rule["properties"]["precision"]
               in ("very-high",) for rule in table)  # fmt: skip


def test_explain_shows_precision_and_how_a_guess_is_settled() -> None:
    text = deploylint("explain", "SE007").stdout
    assert "precision high" in text.splitlines()[0]
    assert "Where the doc is silent" in text
    assert "counts_against" in text
    assert "Where the doc is silent" not in deploylint("explain", "KS001").stdout


# --- the second read: each defect it reproduced ----------------------------------------------


@pytest.mark.parametrize(
    ("route", "fires"),
    [
        ("POST /internal/flags/refunds.enabled/toggle", False),
        ("PATCH /api/v1/agents/checkout-refund-runner/settings", False),
        ("POST https://ui.internal.acme.net/api/rollback", False),
        ("/ops/rollback?screen=all", False),
        ("/internal/checkout/admin/rollback (the settings table lists the flags)", False),
        ("https://app.leadwise.io/workspaces/halyard/agents/qualifier/history", True),
        ("the settings page of the agent", True),
    ],
)
def test_an_api_path_is_a_route_whatever_its_words(write, route: str, fires: bool) -> None:
    doc = _base()
    doc["rollback"]["rollback_path"] = route
    assert bool(_found(_graded(write, doc), "RB008")) is fires


def test_declared_writes_beat_a_name_that_looks_like_an_orchestrator(write) -> None:
    doc = _base()
    doc["checkpoints"].append(
        {"component": "traffic-router", "writes": True, "mechanism": "snapshot",
         "cadence": "per_step", "recovery_time_objective_min": 5}
    )  # fmt: skip
    report = _graded(write, doc)
    assert [f["severity"] for f in _found(report, "CP004")] == ["medium"]
    doc["checkpoints"] = [doc["checkpoints"][0], doc["checkpoints"][-1]]
    assert _found(_graded(write, doc, "again.yaml"), "CP002") == []


def test_effect_execute_runs_a_job_and_is_not_open_ended(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append(
        {"name": "dbt.build_models", "scopes": ["dbt:jobs:trigger"], "effect": "execute",
         "counts_against": ["payments.refund"]}
    )  # fmt: skip
    assert _found(_graded(write, doc), "PM004") == []


def test_a_waiver_of_an_ignored_rule_is_not_reported_as_unneeded(write) -> None:
    doc = _base()
    doc["peer_auth"]["discovery"] = "shared_config"
    doc["waivers"] = [
        {"rule": "PA003", "reason": "registry lands in Q1", "approved_by": "jun.t",
         "expires": "2027-01-31"}
    ]  # fmt: skip
    path = write("doc.yaml", yaml.safe_dump(doc, sort_keys=False))
    code, report = check_json(path, extra=("--ignore", "PA003", "--fail-on", "low"))
    assert [f["rule"] for f in report["findings"]] == [] and code == 0


def test_money_the_action_declares_it_moves_needs_a_usd_threshold(write) -> None:
    doc = _base()
    action = _agent(doc)["actions"][0]
    action["approval"] = {"required_above_count": 10, "approver_queue": "svc-ops-princess"}
    action["max_usd_moved"] = 500
    [finding] = _found(_graded(write, doc), "PM005")
    assert finding["severity"] == "high" and "required_above_usd" in finding["gap"]
    # only the agent-wide figure says money moves: a count approval is an approval, and that
    # it needs a USD threshold too is a guess (info), naming the field that settles it
    del action["max_usd_moved"]
    [finding] = _found(_graded(write, doc, "agent-wide.yaml"), "PM005")
    assert finding["severity"] == "info" and "max_usd_moved" in finding["gap"]


def test_a_threshold_above_the_agents_figure_is_a_guess_that_it_never_fires(write) -> None:
    doc = _base()
    _agent(doc)["actions"][0]["approval"]["required_above_usd"] = 600  # at risk: 500
    [finding] = _found(_graded(write, doc), "PM005")
    assert finding["severity"] == "info" and "never fires" in finding["gap"]
    assert "`max_usd_moved`" in finding["gap"]


def test_an_agent_whose_actions_all_lack_an_approval_is_one_finding(write) -> None:
    doc = _base()
    agent = _agent(doc)
    del agent["actions"][0]["approval"]
    lookup = copy.deepcopy(agent["actions"][0])
    lookup.update(name="lookup_order")
    lookup["side_effect_ceiling"] = {"per_action": {"lookups": 5}, "per_hour": {"lookups": 900}}
    agent["actions"].append(lookup)
    found = _found(_graded(write, doc), "PM005")
    assert [(f["severity"], f["path"]) for f in found] == [
        ("high", "$.agents[0].blast_radius.max_usd_per_action")
    ]


def test_a_covers_key_that_is_no_cap_counts_nothing(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append({"name": "slack.post", "scopes": ["chat:write"], "effect": "send"})
    _agent(doc)["actions"][0]["side_effect_ceiling"]["covers"] = {"slack_posts": ["slack.post"]}
    [finding] = _found(_graded(write, doc), "SE007")
    assert finding["severity"] == "medium"


def test_a_declared_sender_counted_by_a_large_cap_is_bulk_messaging(write) -> None:
    doc = _base()
    agent = _agent(doc)
    agent["tools"].append({"name": "mailer.blast", "scopes": ["mail:send"], "effect": "send",
                           "counts_against": ["announcements"]})  # fmt: skip
    notify = copy.deepcopy(agent["actions"][0])
    del notify["approval"]
    notify.update(name="announce", max_usd_moved=0)
    notify["side_effect_ceiling"] = {
        "per_action": {"announcements": 5000},
        "per_hour": {"announcements": 5000},
    }
    agent["actions"].append(notify)
    found = _found(_graded(write, doc), "PM005")
    assert [(f["severity"], f["path"]) for f in found] == [
        ("high", "$.agents[0].actions[1].approval")
    ]


def test_an_effect_capped_only_per_action_beside_a_windowed_one_is_reported_at_info(
    write,
) -> None:
    doc = _base()
    _agent(doc)["actions"][0]["side_effect_ceiling"]["per_action"]["slack_messages"] = 50
    [finding] = _found(_graded(write, doc), "SE004")
    assert (
        finding["severity"] == "info"
        and "per_hour or per_day cap on slack_messages" in (finding["gap"])
    )


@pytest.mark.parametrize(
    ("where", "key", "value", "rule"),
    [
        ("approval", "required_above_usd", "200", "PM005"),
        ("retries", "retry_budget_ratio", "0.1", "RT007"),
    ],
)
def test_a_mistyped_value_is_not_also_reported_as_absent(
    write, where: str, key: str, value: str, rule: str
) -> None:
    doc = _base()
    if where == "retries":
        del doc["retries"]["retry_budget_per_action"]
        doc["retries"][key] = value
    else:
        _agent(doc)["actions"][0]["approval"][key] = value
    report = _graded(write, doc)
    assert _found(report, rule) == [] and _found(report, "DL007")


def test_a_ratio_beside_a_count_is_still_checked(write) -> None:
    doc = _base()
    doc["retries"]["retry_budget_ratio"] = 1.0
    assert _found(_graded(write, doc), "RT007")


def test_a_read_only_scope_of_an_admin_api_is_not_broad(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append(
        {"name": "gdir.lookup", "scopes": ["admin.directory.user.readonly"], "effect": "read"}
    )
    assert _found(_graded(write, doc), "PM003") == []


def test_thousands_of_tools_and_caps_are_matched_in_bounded_time(write) -> None:
    """Which cap counts which tool is indexed once per agent, not tried pair by pair."""
    from tests.hostile.bounded import bounded

    doc = _base()
    count = 3_000
    agent = _agent(doc)
    agent["tools"] = [
        {"name": f"svc{n}.update_record", "scopes": [f"svc{n}:write"], "effect": "write"}
        for n in range(count)
    ]
    agent["actions"][0]["side_effect_ceiling"] = {
        "per_action": {f"writes_{n}": 1 for n in range(count)},
        "per_hour": {f"writes_{n}": 10 for n in range(count)},
    }
    path = write("many.yaml", yaml.safe_dump(doc, sort_keys=False))
    run = bounded("check", str(path), "--format", "json", "--today", "2026-11-22")
    assert run.problems() == [], run.stderr[-500:]
    assert [f for f in run.json()["findings"] if f["rule"] == "SE007"]


# --- hold-out corpus E: the classes it showed ------------------------------------------------


def test_a_glob_under_a_path_prefix_is_not_a_wildcard_scope(write) -> None:
    doc = _base()
    _agent(doc)["tools"].append(
        {"name": "github.push_branch", "effect": "write", "counts_against": ["payments.refund"],
         "scopes": ["contents:write:acme/developer-docs:refs/heads/docs-sync/*"]}
    )  # fmt: skip
    assert _found(_graded(write, doc), "PM003") == []


def test_a_blast_radius_listing_the_parent_resource_covers_its_parts(write) -> None:
    doc = _base()
    _agent(doc)["blast_radius"]["resources"] = [
        "orders-db",
        "payments-api",
    ]  # writes: orders-db/checkout
    assert _found(_graded(write, doc), "RV010") == []
    _agent(doc)["blast_radius"]["resources"] = ["orders", "payments-api"]  # not a path prefix
    assert _found(_graded(write, doc, "again.yaml"), "RV010")


def test_a_wal_journalled_per_batch_is_advice_not_a_gap(write) -> None:
    doc = _base()
    doc["checkpoints"][1]["cadence"] = "per_batch"
    [finding] = _found(_graded(write, doc), "CP009")
    assert finding["severity"] == "info"


def test_none_answers_who_a_read_only_agent_affects(write) -> None:
    doc = _base()
    _agent(doc)["blast_radius"]["users_affected"] = "none"
    assert _found(_graded(write, doc), "RV009") == []
    _agent(doc)["blast_radius"]["users_affected"] = "TBD"
    assert _found(_graded(write, doc, "again.yaml"), "RV009")
