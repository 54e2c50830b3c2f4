"""Checks for the write_authority area: who may write each resource, under which lock.

The collision logic is a pure function over writers and locks (``collisions``) that knows
nothing about where they were declared, so a fleet view can run it over the writers and
locks of many docs at once; ``doc_writers`` and ``doc_locks`` read them from one doc.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deploylint.keypath import KeyPath
from deploylint.rubric.checks.base import (
    Check,
    CheckInput,
    Fact,
    agents,
    declared,
    human_queues,
    listed,
    mapping,
)

SERIALIZING = frozenset({"lease", "mutex"})  # mechanisms that let several writers take turns

UNLOCKED = "unlocked"  # at least one writer goes through no lock on the resource
SEPARATE_LOCKS = "separate_locks"  # each writer takes a different lock
NOT_SERIALIZING = "not_serializing"  # one shared lock whose mechanism is none or undeclared
SINGLE_WRITER = "single_writer"  # one shared lock that promises a single writer


@dataclass(frozen=True, slots=True)
class Writer:
    """One agent's declared write to one resource, the lock key it names, and where."""

    agent: str
    resource: str
    lock: str | None = None
    where: KeyPath = ()


@dataclass(frozen=True, slots=True)
class Lock:
    """A declared lock on one resource."""

    key: str | None
    resource: str
    mechanism: str | None = None
    holder: str | None = None
    yield_protocol: str | None = None
    where: KeyPath = ()


@dataclass(frozen=True, slots=True)
class Collision:
    """Two or more agents write one resource with no single lock serializing them."""

    resource: str
    writers: tuple[Writer, ...]  # the first write of each agent, in declaration order
    reason: str
    locks: tuple[Lock, ...]  # the distinct locks the writers go through


def resolve_lock(writer: Writer, locks: Sequence[Lock]) -> Lock | None:
    """The lock a write names, if it names one that is declared.

    A write that names no lock goes through none, even if some lock exists on its resource:
    nothing says the agent takes it.
    """
    if writer.lock is None:
        return None
    return next((lock for lock in locks if lock.key == writer.lock), None)


def _first_per_agent(writers: Iterable[Writer]) -> tuple[Writer, ...]:
    first: dict[str, Writer] = {}
    for writer in writers:
        first.setdefault(writer.agent, writer)
    return tuple(first.values())


def writers_by_resource(writers: Iterable[Writer]) -> dict[str, tuple[Writer, ...]]:
    """Each resource's writers: the first write of each agent, in declaration order."""
    grouped: dict[str, list[Writer]] = {}
    for writer in writers:
        grouped.setdefault(writer.resource, []).append(writer)
    return {resource: _first_per_agent(group) for resource, group in grouped.items()}


def _serializes(lock: Lock | None, resource: str) -> bool:
    return lock is not None and lock.resource == resource


def _reason(resource: str, resolved: Sequence[Lock | None]) -> str | None:
    if not all(_serializes(lock, resource) for lock in resolved):
        return UNLOCKED
    if len(set(resolved)) > 1:
        return SEPARATE_LOCKS
    shared = resolved[0]
    assert shared is not None
    if shared.mechanism == "single_writer":
        return SINGLE_WRITER
    if shared.mechanism not in SERIALIZING:
        return NOT_SERIALIZING
    return None


def collisions(writers: Iterable[Writer], locks: Sequence[Lock]) -> list[Collision]:
    """Resources two or more agents write without one shared lease or mutex on them."""
    found: list[Collision] = []
    for resource, group in writers_by_resource(writers).items():
        if len(group) < 2:
            continue
        resolved = [resolve_lock(writer, locks) for writer in group]
        reason = _reason(resource, resolved)
        if reason is not None:
            distinct = tuple(dict.fromkeys(lock for lock in resolved if lock is not None))
            found.append(Collision(resource, group, reason, distinct))
    return found


def doc_writers(doc: Mapping[str, Any]) -> list[Writer]:
    """Every write declared by an agent of the doc (``agents[].writes[]``)."""
    found: list[Writer] = []
    for index, agent in agents(doc):
        if not isinstance(agent.get("id"), str):
            continue
        for position, write in enumerate(listed(agent.get("writes"))):
            resource = mapping(write).get("resource")
            if isinstance(resource, str):
                lock = write.get("lock")
                where = ("agents", index, "writes", position)
                found.append(
                    Writer(agent["id"], resource, lock if isinstance(lock, str) else None, where)
                )
    return found


def doc_locks(doc: Mapping[str, Any]) -> list[Lock]:
    """Every lock the doc declares (``write_authority.locks[]``)."""
    found: list[Lock] = []
    for position, raw in enumerate(listed(mapping(doc.get("write_authority")).get("locks"))):
        lock = mapping(raw)
        if isinstance(lock.get("resource"), str):
            found.append(
                Lock(
                    key=_text(lock.get("key")),
                    resource=lock["resource"],
                    mechanism=_text(lock.get("mechanism")),
                    holder=_text(lock.get("lock_holder")),
                    yield_protocol=_text(lock.get("yield_protocol")),
                    where=("write_authority", "locks", position),
                )
            )
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def write_collision(given: CheckInput) -> Iterator[Fact]:
    """Two or more agents of the doc write one resource with no shared lease or mutex."""
    locks = doc_locks(given.doc)
    for collision in collisions(doc_writers(given.doc), locks):
        names = [writer.agent for writer in collision.writers]
        unlocked = [
            writer.agent
            for writer in collision.writers
            if not _serializes(resolve_lock(writer, locks), collision.resource)
        ]
        shared = collision.locks[0] if len(collision.locks) == 1 else None
        for writer in collision.writers:
            values = {
                "resource": collision.resource,
                "writers": names,
                "others": [name for name in names if name != writer.agent],
                "reason": collision.reason,
                "unlocked": unlocked,
                "lock_keys": [lock.key or "(no key)" for lock in collision.locks],
                "mechanism": shared.mechanism if shared else None,
            }
            yield Fact(writer.where, values=values)


def write_covered_by_lock(given: CheckInput) -> Iterator[Fact]:
    """A write names a lock the doc doesn't declare (or one on another resource), or, for a
    resource with a single writer, names no lock at all."""
    locks = doc_locks(given.doc)
    if not locks:
        return  # no locks at all is WA001's finding, once
    writers = doc_writers(given.doc)
    grouped = writers_by_resource(writers)
    for writer in writers:
        if writer.lock is not None:
            named = next((lock for lock in locks if lock.key == writer.lock), None)
            if named is None or named.resource != writer.resource:
                values = {
                    "resource": writer.resource,
                    "lock": writer.lock,
                    "lock_resource": named.resource if named else None,
                    "lock_keys": [lock.key for lock in locks if lock.key],
                }
                yield Fact((*writer.where, "lock"), values=values)
        elif len(grouped[writer.resource]) < 2:
            # several writers and no lock is a collision: WA002 says it, with the names
            others = [lock.key for lock in locks if lock.resource == writer.resource and lock.key]
            values = {"resource": writer.resource, "lock": None, "lock_keys": others}
            yield Fact((*writer.where, "lock"), missing=True, values=values)


def lock_holder_writes(given: CheckInput) -> Iterator[Fact]:
    """A lock's holder is not one of the agents of the doc that write its resource."""
    lock = mapping(given.node)
    holder, resource = lock.get("lock_holder"), lock.get("resource")
    if not declared(holder) or not isinstance(resource, str):
        return  # an unnamed holder is WA005's finding
    writers = writers_by_resource(doc_writers(given.doc)).get(resource, ())
    names = [writer.agent for writer in writers]
    if not names or holder in names:
        return
    # Only what this doc proves: the holder is one of its agents that doesn't write the
    # resource, or one of its human queues. A holder this doc doesn't declare may be an
    # agent of another doc sharing the lock: the fleet rules (FL002) judge that.
    is_agent = any(a.get("id") == holder for _, a in agents(given.doc))
    if is_agent or holder in human_queues(given.doc):
        values = {"holder": holder, "resource": resource, "writers": names, "is_agent": is_agent}
        yield Fact((*given.path, "lock_holder"), values=values)


def _objective(agent: Mapping[str, Any]) -> str | None:
    objective = agent.get("objective")
    return " ".join(objective.lower().split()) if declared(objective) else None


def _objective_text(agent: Mapping[str, Any]) -> str:
    objective = agent.get("objective")
    return objective if declared(objective) else "objective not declared"


def opposing_objectives_coordinated(given: CheckInput) -> Iterator[Fact]:
    """Agents with different objectives write the lock's resource and the lock declares no
    coordination rule (no revert cooldown, no coordination text)."""
    lock = mapping(given.node)
    resource = lock.get("resource")
    if not isinstance(resource, str):
        return
    writers = writers_by_resource(doc_writers(given.doc)).get(resource, ())
    if len(writers) < 2:
        return
    by_id = {str(a.get("id")): a for _, a in agents(given.doc)}
    objectives = [_objective(by_id.get(writer.agent, {})) for writer in writers]
    if None not in objectives and len(set(objectives)) == 1:
        return  # the same declared objective: nothing to oppose
    cooldown = lock.get("revert_cooldown_min")
    if not isinstance(cooldown, int | float) or isinstance(cooldown, bool):
        cooldown = None
    if (cooldown is not None and cooldown > 0) or declared(lock.get("coordination")):
        return
    described = [
        f"{writer.agent}: {_objective_text(by_id.get(writer.agent, {}))}" for writer in writers
    ]
    declared_any = "revert_cooldown_min" in lock or "coordination" in lock
    values = {
        "resource": resource,
        "writers": [writer.agent for writer in writers],
        "objectives": described,
        "cooldown": cooldown,
        "coordination": lock.get("coordination"),
    }
    key = "revert_cooldown_min" if "revert_cooldown_min" in lock else "coordination"
    yield Fact((*given.path, key), missing=not declared_any, values=values)


def vendor_yields_write_authority(given: CheckInput) -> Iterator[Fact]:
    """A vendor agent writes resources and declares no way to yield write authority (neither
    `yields_write_authority` nor a `yield_protocol` on the locks of all its writes)."""
    agent = mapping(given.node)
    vendor = agent.get("vendor")
    in_house = {str(name).lower() for name in given.params.get("in_house", ())}
    if not declared(vendor) or vendor.strip().lower() in in_house:
        return
    writes = [w for w in doc_writers(given.doc) if w.where[:2] == given.path[:2]]
    if not writes or declared(agent.get("yields_write_authority")):
        return
    locks = doc_locks(given.doc)
    resolved = [resolve_lock(writer, locks) for writer in writes]
    if all(lock is not None and declared(lock.yield_protocol) for lock in resolved):
        return
    values = {
        "vendor": vendor,
        "resources": list(dict.fromkeys(writer.resource for writer in writes)),
        "declared_as": agent.get("yields_write_authority"),
    }
    missing = agent.get("yields_write_authority") is None
    yield Fact((*given.path, "yields_write_authority"), missing=missing, values=values)


CHECKS: dict[str, Check] = {
    "write_collision": write_collision,
    "write_covered_by_lock": write_covered_by_lock,
    "lock_holder_writes": lock_holder_writes,
    "opposing_objectives_coordinated": opposing_objectives_coordinated,
    "vendor_yields_write_authority": vendor_yields_write_authority,
}
