"""Reason across docs: who writes what, under which locks, and who holds the keys.

Only conflicts that span two or more docs are reported here; within one doc the
write-authority and rollback rules speak, so a doc checked alone grades the same as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from deploylint.fleet.facts import DocFacts, LockFact, Site, WriteFact
from deploylint.model.names import Guess


@dataclass(frozen=True, slots=True)
class FleetHit:
    """A fleet rule that fired at one site, with what its templates say (``guess``: the hit
    rests on a write the doc didn't declare, read off its tools and blast radius)."""

    rule: str
    site: Site
    values: dict[str, Any] = field(default_factory=dict)
    guess: Guess | None = None


def _doc(site: Site) -> tuple[str, int]:
    return site.file, site.document


@dataclass(frozen=True)
class Fleet:
    """Every doc's facts, indexed by resource, agent and doc."""

    docs: tuple[DocFacts, ...]

    @cached_property
    def by_doc(self) -> dict[tuple[str, int], DocFacts]:
        return {(d.file, d.document): d for d in self.docs}

    @cached_property
    def writes(self) -> dict[str, list[WriteFact]]:
        """Writes by the resource's identity: a note after its name is not another resource."""
        found: dict[str, list[WriteFact]] = defaultdict(list)
        for doc in self.docs:
            for write in doc.writes:
                found[write.key].append(write)
        return dict(found)

    @cached_property
    def locks(self) -> dict[str, list[LockFact]]:
        found: dict[str, list[LockFact]] = defaultdict(list)
        for doc in self.docs:
            for lock in doc.locks:
                found[lock.resource_key].append(lock)
        return dict(found)

    @cached_property
    def agent_docs(self) -> dict[str, set[tuple[str, int]]]:
        found: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for doc in self.docs:
            for agent in doc.agents:
                found[agent.key].add((doc.file, doc.document))
        return dict(found)

    def resource_name(self, key: str) -> str:
        """How findings name a resource: as the first doc to write (or lock) it names it."""
        first = self.writes.get(key) or []
        return first[0].resource if first else self.locks[key][0].resource

    def label(self, site: Site) -> str:
        return self.by_doc[_doc(site)].label

    @cached_property
    def _declared_in(self) -> dict[str, list[tuple[str, tuple[str, int]]]]:
        """Per agent id, the docs declaring it as (label, doc), sorted once for the run."""
        return {
            name: sorted((self.by_doc[d].label, d) for d in docs)
            for name, docs in self.agent_docs.items()
        }

    def elsewhere(self, key: str, own: tuple[str, int]) -> list[str]:
        """The labels of the other docs declaring the agent whose identity is ``key``, capped
        as ``some`` caps: 400 docs sharing 400 ids must not build 400 x 400 x 399 labels."""
        declared = self._declared_in.get(key, [])
        named = [label for label, doc in declared[: SHOWN + 2] if doc != own]
        total = len(declared) - (own in self.agent_docs.get(key, ()))
        return [*named[:SHOWN], f"{total - SHOWN:,} more"] if total > SHOWN else named[:total]


SHOWN = 10  # names listed in one finding; a fleet of 2,000 writers must not list 2,000 each


def some(items: Sequence[str]) -> list[str]:
    """At most SHOWN of ``items``, then one entry that counts the rest."""
    if len(items) <= SHOWN:
        return list(items)
    return [*items[:SHOWN], f"{len(items) - SHOWN:,} more"]


def _others(named: Sequence[str], total: int, number: int) -> list[str]:
    """Like ``some``, for the ``total`` items but the one at ``number``; ``named`` need only
    hold the first SHOWN + 1, so each call costs the same however many there are."""
    head = [name for i, name in enumerate(named[: SHOWN + 1]) if i != number][:SHOWN]
    rest = total - 1 - len(head)
    return [*head, f"{rest:,} more"] if rest > 0 else head


def _spans_docs(writes: Sequence[WriteFact]) -> bool:
    return len({_doc(w.site) for w in writes}) > 1


def shared_lock(writes: Sequence[WriteFact], locks: Sequence[LockFact]) -> list[LockFact]:
    """The declarations of the one lock key every writer of a resource names (empty if none)."""
    keys = {w.lock_key for w in writes}
    if len(keys) != 1 or None in keys:
        return []
    return [lock for lock in locks if lock.key_id in keys and lock.mechanism != "none"]


def disputed(locks: Sequence[LockFact]) -> bool:
    """Declarations of one lock that disagree on its holder where that matters: a
    `single_writer` lock names its one writer, so two names are two single writers. (A lease
    or mutex shared by several writers names, in each doc, the writer of that doc that takes
    it: different names there are the lock working.)"""
    single = any(lock.mechanism == "single_writer" for lock in locks)
    return single and len({lock.holder_key for lock in locks}) > 1


def _guess(writes: Sequence[WriteFact]) -> Guess | None:
    """The guess a collision rests on, when some of its writes weren't declared."""
    guessed = next((w for w in writes if w.guess), None)
    if guessed is None:
        return None
    return Guess(
        "write", f"{guessed.guess}, so its blast radius ({guessed.resource}) is read as written",
        f"`writes:` on agent {guessed.agent}",
    )  # fmt: skip


def collisions(fleet: Fleet) -> Iterator[FleetHit]:
    """FL001: writers in different docs that don't share one lock; FL004: opposing objectives."""
    locks = fleet.locks
    objectives = {a.key: _objective(a.objective) for doc in fleet.docs for a in doc.agents}
    actions = {a.key: a.actions for doc in fleet.docs for a in doc.agents}
    shown = {a.key: a.objective for doc in fleet.docs for a in doc.agents}
    for resource_key, writes in sorted(fleet.writes.items()):
        if not _spans_docs(writes) or len({w.agent_key for w in writes}) < 2:
            continue
        shared = shared_lock(writes, locks.get(resource_key, []))
        opposed = len({objectives.get(w.agent_key) for w in writes}) > 1 and not any(
            lock.cooldown or lock.coordination for lock in shared
        )
        if shared and not opposed:
            continue
        resource = fleet.resource_name(resource_key)
        common = {
            "resource": resource,
            "writers": some(sorted({w.agent for w in writes})),
            "locks": some(sorted({w.lock for w in writes if w.lock})),
            "docs": len({_doc(w.site) for w in writes}),
        }
        if shared:
            common["objectives"] = some(
                [f"{w.agent}: {shown.get(w.agent_key) or 'no objective'}" for w in writes]
            )
        named = [f"{w.agent} in {fleet.label(w.site)}" for w in writes[: SHOWN + 1]]
        guess = _guess(writes) or (_same_work(writes, actions) if shared else None)
        for number, write in enumerate(writes):
            others = _others(named, len(writes), number)
            values = {**common, "agent": write.agent, "others": others}
            yield FleetHit("FL001" if not shared else "FL004", write.site, values, guess)


def _same_work(writes: Sequence[WriteFact], actions: dict[str, tuple[str, ...]]) -> Guess | None:
    """A guess, when writers whose objectives read differently all run the same actions:
    shards of one job rather than opposing objectives (checks.write_authority.same_work)."""
    found = {actions.get(w.agent_key, ()) for w in writes}
    if len(found) != 1 or not next(iter(found)):
        return None
    return Guess(
        "opposing",
        f"reading the writers' objectives as opposing, though they all run "
        f"{', '.join(next(iter(found)))}",
        "`revert_cooldown_min` or `coordination` on the shared lock",
    )


def _objective(text: str | None) -> str | None:
    return " ".join(text.lower().split()) if text else None


def _described(lock: LockFact, fleet: Fleet) -> str:
    name = lock.key or "an unnamed lock"
    return f"{name} held by {lock.holder or 'nobody'} in {fleet.label(lock.site)}"


def lock_conflicts(fleet: Fleet) -> Iterator[FleetHit]:
    """FL002: a lock held by no writer of its resource; FL003: docs disagree on its holder."""
    writes = fleet.writes
    for resource_key, locks in sorted(fleet.locks.items()):
        written = writes.get(resource_key, [])
        writers = {w.agent_key for w in written}
        docs = {_doc(lock.site) for lock in locks} | {_doc(w.site) for w in written}
        if len(docs) < 2:
            continue
        by_key: dict[str | None, list[LockFact]] = defaultdict(list)
        for lock in locks:
            by_key[lock.key_id].append(lock)
        shown_writers = some(sorted({w.agent for w in written}))
        resource = fleet.resource_name(resource_key)
        for same_key in by_key.values():
            described = [_described(other, fleet) for other in same_key[: SHOWN + 1]]
            conflict = disputed(same_key)
            for number, lock in enumerate(same_key):
                values = {
                    "resource": resource,
                    "key": lock.key,
                    "holder": lock.holder,
                    "writers": shown_writers,
                    "others": _others(described, len(same_key), number),
                }
                if lock.holder_key and lock.holder_key not in writers:
                    yield FleetHit("FL002", lock.site, values)
                if conflict:  # another declaration of this lock names another single writer
                    yield FleetHit("FL003", lock.site, values)


def agent_key_holders(fleet: Fleet) -> Iterator[FleetHit]:
    """FL005: a key holder, override queue or waiver approver that is an agent of another doc."""
    for doc in fleet.docs:
        for ref in doc.holders:
            where = fleet.elsewhere(ref.key, (doc.file, doc.document))
            if where:
                yield FleetHit(
                    "FL005", ref.site, {"role": ref.role, "name": ref.name, "docs": where}
                )


def duplicate_agents(fleet: Fleet) -> Iterator[FleetHit]:
    """FL006: one agent id declared by two or more docs: every reference to it is ambiguous."""
    for doc in fleet.docs:
        for agent in doc.agents:
            where = fleet.elsewhere(agent.key, (doc.file, doc.document))
            if where:
                yield FleetHit("FL006", agent.site, {"agent": agent.id, "docs": where})


def fleet_hits(docs: Sequence[DocFacts]) -> list[FleetHit]:
    """Every cross-doc finding of a run; nothing when fewer than two docs were graded."""
    if len(docs) < 2:
        return []
    fleet = Fleet(tuple(docs))
    return [
        *collisions(fleet),
        *lock_conflicts(fleet),
        *agent_key_holders(fleet),
        *duplicate_agents(fleet),
    ]
