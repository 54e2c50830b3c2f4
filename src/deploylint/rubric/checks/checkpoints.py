"""Checks for the checkpoints area: logic that spans the checkpoints and retries sections."""

from __future__ import annotations

from collections.abc import Iterator

from deploylint.model import written
from deploylint.rubric.checks.base import Check, CheckInput, Fact, mapping


def checkpoints_cover_workers(given: CheckInput) -> Iterator[Fact]:
    """Every checkpoint is for an orchestrator while the agents write: none covers a worker.

    A component's `role:` decides (the brief's `component: orchestrator` says it too); where
    only a name like `ingest-scheduler` suggests an orchestrator, the finding is a guess.
    """
    model = given.doc_model
    components = model.components
    if not components or not model.writes_anything():
        return  # none at all is CP001's finding; agents that write nothing have no workers
    if any(c.role != "orchestrator" or c.writes for c in components):
        return  # a component that isn't an orchestrator, or one the doc says writes
    guess = next((c.role_guess for c in components if c.role_guess is not None), None)
    values = {"components": [c.name or "an unnamed component" for c in components]}
    yield Fact((*given.path, "checkpoints"), values=values, guess=guess)


def worker_checkpoint_mechanism(given: CheckInput) -> Iterator[Fact]:
    """A component that writes (a worker) checkpoints by snapshot, not a WAL or keyed writes.

    Whether it writes is the doc's `writes:` and `role:`; a component that writes nothing
    (a consumer, a cursor, a correlation window) has no writes to replay.
    """
    raw = mapping(given.node)
    if raw.get("mechanism") != "snapshot" or not isinstance(given.path[-1], int):
        return
    component = given.doc_model.component(given.path[-1])
    if component is None or component.writes is False:
        return
    if component.writes:  # declared: no name overrides it, whatever its role
        yield Fact((*given.path, "mechanism"), values={"component": component.name})
    elif component.role == "worker":
        values = {"component": component.name}
        yield Fact((*given.path, "mechanism"), values=values, guess=component.role_guess)


def checkpoint_non_idempotent_retried(given: CheckInput) -> Iterator[Fact]:
    """A component's non-idempotent writes are retried without a natively deduplicated key."""
    component = mapping(given.node)
    if component.get("operations") != "non_idempotent":
        return
    if component.get("mechanism") == "idempotency_key" and component.get("dedup") == "native":
        return  # a retry re-sends the same key and the data layer drops the duplicate
    attempts = written.max_attempts(given.doc)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts <= 1:
        return  # no retries, or an undeclared limit (a retries-area finding)
    values = {"component": component.get("component"), "attempts": attempts}
    yield Fact((*given.path, "operations"), values=values)


CHECKS: dict[str, Check] = {
    "checkpoints_cover_workers": checkpoints_cover_workers,
    "worker_checkpoint_mechanism": worker_checkpoint_mechanism,
    "checkpoint_non_idempotent_retried": checkpoint_non_idempotent_retried,
}
