"""Checks for the checkpoints area: logic that spans the checkpoints and retries sections."""

from __future__ import annotations

from collections.abc import Iterator

from deploylint.rubric.checks.base import Check, CheckInput, Fact, mapping


def checkpoint_non_idempotent_retried(given: CheckInput) -> Iterator[Fact]:
    """A component's non-idempotent writes are retried without a natively deduplicated key."""
    component = mapping(given.node)
    if component.get("operations") != "non_idempotent":
        return
    if component.get("mechanism") == "idempotency_key" and component.get("dedup") == "native":
        return  # a retry re-sends the same key and the data layer drops the duplicate
    attempts = mapping(given.doc.get("retries")).get("max_attempts")
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts <= 1:
        return  # no retries, or an undeclared limit (a retries-area finding)
    values = {"component": component.get("component"), "attempts": attempts}
    yield Fact((*given.path, "operations"), values=values)


CHECKS: dict[str, Check] = {
    "checkpoint_non_idempotent_retried": checkpoint_non_idempotent_retried,
}
