"""`init`'s template agrees with the rubric: a starter doc with every TBD filled in and every
commented example uncommented passes, with one agent or several (which share a lease, each
doc entry naming its own writer as lock_holder: the one meaning of a lock's holder)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

import pytest
import yaml

from deploylint.load.keypath import format_path
from deploylint.load.loader import load_text
from tests.conftest import check_json, deploylint

# A commented example, as init writes one: `# key: value` or `# - {...}` (prose comments are
# end-of-line, or sentences that don't start with a key).
_EXAMPLE = re.compile(r"^(\s*)# ((?:[a-z_]+:(?: |$)|- \{).*)$")
TODAY = "2026-12-07"

# The value a writer would put where init wrote TBD, by key path (first match wins).
FILL: list[tuple[str, Any]] = [
    ("$.metadata.owner", "payments-platform"),
    ("$.metadata.authors[*]", "maria.k"),
    ("$.metadata.reviewers[*].name", "jun.t"),
    ("$.metadata.reviewers[*].team", "sre"),
    ("$.metadata.reviewed_on", "2026-12-01"),
    ("$.agents[*].objective", "send receipts for refunded checkouts"),
    ("$.agents[*].reads[*]", "orders-db/checkout"),
    ("$.agents[*].tools[*].name", "email.send"),
    ("$.agents[*].tools[*].scopes[*]", "email:customer"),
    ("$.agents[*].tools[*].effect", "send"),
    ("$.agents[*].tools[*].counts_against[*]", "email.send"),
    ("$.agents[*].writes[*].resource", "orders-db/receipts"),
    ("$.agents[*].writes[*].lock", "orders/receipts-write"),
    ("$.agents[*].actions[*].name", "send_receipt"),
    ("$.agents[*].actions[*].max_usd_moved", 0),
    ("$.agents[*].actions[*].cost_ceiling.per_action_usd", 0.4),
    ("$.agents[*].actions[*].cost_ceiling.max_turns", 12),
    ("$.agents[*].actions[*].cost_ceiling.max_tokens", 200_000),
    ("$.agents[*].actions[*].approval.approver_queue", "svc-ops-princess"),
    ("$.agents[*].blast_radius.resources[*]", "orders-db/receipts"),
    ("$.agents[*].blast_radius.max_usd_per_action", 0),
    ("$.agents[*].blast_radius.users_affected", "one customer per action"),
    ("$.kill_switch.mechanism", "feature flag receipts.enabled"),
    ("$.kill_switch.owner", "oncall-payments"),
    ("$.kill_switch.triggers.automatic", "error_rate > 2% over 5m"),
    ("$.kill_switch.triggers.manual", "/ops/killswitch/receipts"),
    ("$.kill_switch.halts_in_flight", True),
    ("$.kill_switch.revokes_credentials", True),
    ("$.kill_switch.tests[*].date", "2026-11-20"),
    ("$.kill_switch.tests[*].under_load", True),
    ("$.kill_switch.tests[*].time_to_halt_s", 4),
    ("$.kill_switch.tests[*].evidence", "DRILL-2291"),
    ("$.retries.max_attempts", 3),
    ("$.retries.honors_retry_after", True),
    ("$.retries.retry_budget_per_action", 3),
    ("$.retries.agent_sees_failures", False),
    ("$.checkpoints[*].component", "template-cache"),
    ("$.checkpoints[*].recovery_time_objective_min", 5),
    ("$.rollback.feature_flag", "receipts.enabled"),
    ("$.rollback.rollback_allowed", True),
    ("$.rollback.rollback_path", "/internal/receipts/admin/rollback?agent={agent}"),
    ("$.rollback.rollback_key_holder", "svc-ops-princess"),
    ("$.rollback.human_override_queue", "svc-ops-princess"),
    ("$.rollback.rollback_denominator_is_defect", False),
    ("$.rollback.tested_on", "2026-11-20"),
    ("$.peer_auth.authenticates_peers", True),
    ("$.write_authority.locks[*].key", "orders/receipts-write"),
    ("$.write_authority.locks[*].resource", "orders-db/receipts"),
    ("$.write_authority.locks[*].yield_protocol", "release on kill switch; lease ttl 30s"),
    ("$.humans.queues[*].name", "svc-ops-princess"),
    ("$.humans.queues[*].rotation", "ops-primary"),
    ("$.audit.sink", "audit-log/receipts"),
]
CAPS = {"per_action": 1, "per_hour": 100}  # a cap keyed TBD: the tool's own name, this many


def _uncommented(text: str) -> str:
    return "\n".join(
        (m.group(1) + m.group(2)) if (m := _EXAMPLE.match(line)) else line
        for line in text.splitlines()
    )


def _pattern(path: tuple[Any, ...]) -> str:
    return re.sub(r"\[\d+\]", "[*]", format_path(path))


def _filled(value: Any, path: tuple[Any, ...] = ()) -> Any:
    """Every TBD replaced by what a writer would put there (a test fails naming any TBD the
    table doesn't cover: init's template and this table must move together)."""
    if isinstance(value, dict):
        filled = {}
        for key, item in value.items():
            if key == "TBD":  # a cap keyed by the effect it counts
                key = "email.send"
                item = [key] if path[-1:] == ("covers",) else CAPS[path[-1]]
            filled[key] = _filled(item, (*path, key))
        return filled
    if isinstance(value, list):
        return [_filled(item, (*path, i)) for i, item in enumerate(value)]
    if value == "TBD":
        where = _pattern(path)
        found = [fill for pattern, fill in FILL if fnmatchcase(where, pattern.replace("[", "[[]"))]
        assert found, f"init writes TBD at {where}, which this test can't fill"
        return found[0]
    return value


@pytest.mark.parametrize("agents", [1, 3])
def test_a_filled_in_init_doc_passes(write, agents: int) -> None:
    text = deploylint("init", "--name", "receipts", "--agents", str(agents)).stdout
    [doc] = load_text(_uncommented(text))
    assert not doc.problems, doc.problems
    path = write("filled.yaml", yaml.safe_dump(_filled(doc.data), sort_keys=False))
    code, report = check_json(path, extra=("--today", TODAY, "--fail-on", "low"))
    findings = [(f["rule"], f["path"], f["gap"]) for f in report["findings"]]
    assert code == 0 and findings == [], findings


def test_init_itself_lists_what_remains_at_each_line() -> None:
    run = deploylint("check", "-", "--format", "json", stdin=deploylint("init").stdout)
    placeholders = [f for f in run.json()["findings"] if f["rule"] in ("RV011", "DL007")]
    assert run.code == 1 and len(placeholders) > 20
