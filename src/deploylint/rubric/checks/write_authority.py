"""Checks for the write_authority area: who may write each resource, under which lock.

Writers and locks come from the doc model, compared by identity: a note after a resource
or lock name (`orders-db/checkout (primary)`) is the same resource or lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from deploylint.load.keypath import KeyPath
from deploylint.model.doc_model import Agent, DocModel, Lock
from deploylint.model.identity import key, normalized, ref
from deploylint.model.names import Guess
from deploylint.rubric.checks.base import Check, CheckInput, Fact, declared, mapping
from deploylint.rubric.facts import and_list

SERIALIZING = frozenset({"lease", "mutex"})  # mechanisms that let several writers take turns

UNLOCKED = "unlocked"  # at least one writer goes through no lock on the resource
SEPARATE_LOCKS = "separate_locks"  # each writer takes a different lock
NOT_SERIALIZING = "not_serializing"  # one shared lock whose mechanism is none or undeclared
SINGLE_WRITER = "single_writer"  # one shared lock that promises a single writer


@dataclass(frozen=True, slots=True)
class Writer:
    """One agent's declared write to one resource, the lock key it names, and where: names as
    the doc writes them, identities (``*_key``) for comparing."""

    agent: str
    resource: str
    lock: str | None = None
    where: KeyPath = ()
    resource_key: str = ""
    lock_key: str | None = None
    agent_key: str = ""


@dataclass(frozen=True, slots=True)
class Collision:
    """Two or more agents write one resource with no single lock serializing them."""

    resource: str
    writers: tuple[Writer, ...]  # the first write of each agent, in declaration order
    reason: str
    locks: tuple[Lock, ...]  # the distinct locks the writers go through


def resolve_lock(writer: Writer, model: DocModel) -> Lock | None:
    """The lock a write names, if it names one that is declared.

    A write that names no lock goes through none, even if some lock exists on its resource:
    nothing says the agent takes it.
    """
    return model.lock(ref(writer.lock)) if writer.lock is not None else None


def _first_per_agent(writers: Iterable[Writer]) -> tuple[Writer, ...]:
    first: dict[str, Writer] = {}
    for writer in writers:
        first.setdefault(writer.agent_key, writer)
    return tuple(first.values())


def writers_by_resource(writers: Iterable[Writer]) -> dict[str, tuple[Writer, ...]]:
    """Each resource's writers, by its identity: the first write of each agent, in order."""
    grouped: dict[str, list[Writer]] = {}
    for writer in writers:
        grouped.setdefault(writer.resource_key, []).append(writer)
    return {resource: _first_per_agent(group) for resource, group in grouped.items()}


def _serializes(lock: Lock | None, resource_key: str) -> bool:
    return lock is not None and lock.resource.key == resource_key


def _reason(resource_key: str, resolved: Sequence[Lock | None], holder_writes: bool) -> str | None:
    if not all(_serializes(lock, resource_key) for lock in resolved):
        return UNLOCKED
    if len(set(resolved)) > 1:
        return SEPARATE_LOCKS
    shared = resolved[0]
    assert shared is not None
    if shared.mechanism == "single_writer":
        # Its one holder writes and the others name its lock: they ask it (what the schema
        # says a single-writer lock means); otherwise two agents each think they write alone.
        return None if holder_writes else SINGLE_WRITER
    if shared.mechanism not in SERIALIZING:
        return NOT_SERIALIZING
    return None


def asks_the_single_writer(model: DocModel, lock: Lock | None, writers: Sequence[Writer]) -> bool:
    """Whether ``lock`` is a single-writer lock every declaration of which names one holder,
    who is one of ``writers``: the other writers go through it."""
    if lock is None or lock.key is None or lock.mechanism != "single_writer":
        return False
    holders = {
        k.holder.key if k.holder else None
        for k in model.locks
        if k.key and k.key.key == lock.key.key
    }
    return len(holders) == 1 and next(iter(holders)) in {w.agent_key for w in writers}


def collisions(model: DocModel) -> list[Collision]:
    """Resources two or more agents write without one shared lease or mutex on them."""
    found: list[Collision] = []
    for resource_key, group in writers_by_resource(doc_writers(model)).items():
        if len(group) < 2:
            continue
        resolved = [resolve_lock(writer, model) for writer in group]
        holder_writes = asks_the_single_writer(model, resolved[0], group)
        reason = _reason(resource_key, resolved, holder_writes)
        if reason is not None:
            distinct = tuple(dict.fromkeys(lock for lock in resolved if lock is not None))
            found.append(Collision(group[0].resource, group, reason, distinct))
    return found


def doc_writers(model: DocModel) -> list[Writer]:
    """Every write declared by an agent of the doc (``agents[].writes[]``) that has an id."""
    return [
        Writer(
            agent.id,
            w.resource.name,
            w.lock.name if w.lock else None,
            w.path,
            w.resource.key,
            w.lock.key if w.lock else None,
            agent.key,
        )
        for agent in model.agents
        if agent.key
        for w in agent.writes
    ]


def write_collision(given: CheckInput) -> Iterator[Fact]:
    """Two or more agents of the doc write one resource with no shared lease or mutex."""
    model = given.doc_model
    for collision in collisions(model):
        names = [writer.agent for writer in collision.writers]
        unlocked = [
            writer.agent
            for writer in collision.writers
            if not _serializes(resolve_lock(writer, model), writer.resource_key)
        ]
        shared = collision.locks[0] if len(collision.locks) == 1 else None
        for writer in collision.writers:
            values = {
                "resource": collision.resource,
                "writers": names,
                "others": [name for name in names if name != writer.agent],
                "reason": collision.reason,
                "unlocked": unlocked,
                "lock_keys": [
                    lock.key.name if lock.key else "(no key)" for lock in collision.locks
                ],
                "mechanism": shared.mechanism if shared else None,
            }
            yield Fact(writer.where, values=values)


def write_covered_by_lock(given: CheckInput) -> Iterator[Fact]:
    """A write names a lock the doc doesn't declare (or one on another resource), or, for a
    resource with a single writer, names no lock at all."""
    model = given.doc_model
    if not model.locks:
        return  # no locks at all is WA001's finding, once
    writers = doc_writers(model)
    grouped = writers_by_resource(writers)
    keys = [lock.key.name for lock in model.locks if lock.key]
    for writer in writers:
        if writer.lock is not None:
            named = resolve_lock(writer, model)
            if named is None or named.resource.key != writer.resource_key:
                values = {
                    "resource": writer.resource,
                    "lock": writer.lock,
                    "lock_resource": named.resource.name if named else None,
                    "lock_keys": keys,
                }
                yield Fact((*writer.where, "lock"), values=values)
        elif len(grouped[writer.resource_key]) < 2:
            # several writers and no lock is a collision: WA002 says it, with the names
            others = [
                lock.key.name
                for lock in model.locks
                if lock.resource.key == writer.resource_key and lock.key
            ]
            values = {"resource": writer.resource, "lock": None, "lock_keys": others}
            yield Fact((*writer.where, "lock"), missing=True, values=values)


def lock_holder_writes(given: CheckInput) -> Iterator[Fact]:
    """A lock's holder is not one of the agents of the doc that write its resource."""
    model = given.doc_model
    lock = model.lock_at(given.path)
    if lock is None or lock.holder is None:
        return  # an unnamed holder is WA005's finding
    writers = writers_by_resource(doc_writers(model)).get(lock.resource.key, ())
    names = [writer.agent for writer in writers]
    if not names or lock.holder.key in {writer.agent_key for writer in writers}:
        return
    # Only what this doc proves: the holder is one of its agents that doesn't write the
    # resource, or one of its human queues. A holder this doc doesn't declare may be an
    # agent of another doc sharing the lock: the fleet rules (FL002) judge that.
    is_agent = model.is_agent(lock.holder)
    if is_agent or model.queue(lock.holder) is not None:
        values = {
            "holder": lock.holder.text,
            "resource": lock.resource.name,
            "writers": names,
            "is_agent": is_agent,
        }
        yield Fact((*given.path, "lock_holder"), values=values)


def _objective(objective: str | None) -> str | None:
    return normalized(objective) if declared(objective) else None


def opposing_objectives_coordinated(given: CheckInput) -> Iterator[Fact]:
    """Agents with different objectives write the lock's resource and the lock declares no
    coordination rule (no revert cooldown, no coordination text)."""
    model = given.doc_model
    lock = model.lock_at(given.path)
    if lock is None:
        return
    writers = writers_by_resource(doc_writers(model)).get(lock.resource.key, ())
    if (
        len(writers) < 2
        or _said_before(model, lock)
        or asks_the_single_writer(model, lock, writers)
    ):
        return  # (a single writer the others ask decides, so nothing is reverted behind it)
    by_key = {agent.key: agent for agent in model.agents}
    objectives = [_objective(by_key[writer.agent_key].objective) for writer in writers]
    if None not in objectives and len(set(objectives)) == 1:
        return  # the same declared objective: nothing to oppose
    if (lock.cooldown is not None and lock.cooldown > 0) or declared(lock.coordination):
        return
    raw = mapping(given.node)
    stated = [by_key[writer.agent_key].objective for writer in writers]
    described = [
        f"{writer.agent}: {objective if declared(objective) else 'objective not declared'}"
        for writer, objective in zip(writers, stated, strict=True)
    ]
    declared_any = "revert_cooldown_min" in raw or "coordination" in raw
    values = {
        "resource": lock.resource.name,
        "writers": [writer.agent for writer in writers],
        "objectives": described,
        "cooldown": lock.cooldown,
        "coordination": raw.get("coordination"),
    }
    field = "revert_cooldown_min" if "revert_cooldown_min" in raw else "coordination"
    guess = same_work([by_key[writer.agent_key] for writer in writers])
    yield Fact((*given.path, field), missing=not declared_any, values=values, guess=guess)


def _said_before(model: DocModel, lock: Lock) -> bool:
    """Whether an earlier declaration of the same lock key was already graded (a lock that
    several writers take may be declared once per writer: one finding for it)."""
    if lock.key is None:
        return False
    return any(
        other.key is not None and other.key.key == lock.key.key
        for other in model.locks
        if other.index < lock.index
    )


def same_work(agents: Sequence[Agent]) -> Guess | None:
    """A guess, when writers whose objectives read differently run the same actions: shards
    of one job (a reaper per repo tier) rather than opposing objectives (a perf agent and a
    cost agent). Whether prose objectives oppose is read from words; the actions are data."""
    actions = [frozenset(key(a.name) for a in agent.actions) for agent in agents]
    if not actions[0] or any(found != actions[0] for found in actions):
        return None
    names = and_list(sorted(actions[0]))
    return Guess(
        "opposing",
        f"reading the writers' objectives as opposing, though they all run {names}",
        "`revert_cooldown_min` or `coordination` on the lock (or one objective for them all)",
    )


def vendor_yields_write_authority(given: CheckInput) -> Iterator[Fact]:
    """A vendor agent writes resources and declares no way to yield write authority (neither
    `yields_write_authority` nor a `yield_protocol` on the locks of all its writes)."""
    model = given.doc_model
    agent = model.agent(given.path[1]) if isinstance(given.path[1], int) else None
    in_house = {normalized(str(name)) for name in given.params.get("in_house", ())}
    if agent is None or not declared(agent.vendor) or normalized(agent.vendor) in in_house:
        return
    writes = [w for w in doc_writers(model) if w.where[:2] == given.path[:2]]
    raw = mapping(given.node).get("yields_write_authority")
    if not writes or declared(raw):
        return
    resolved = [resolve_lock(writer, model) for writer in writes]
    if all(lock is not None and declared(lock.yield_protocol) for lock in resolved):
        return
    values = {
        "vendor": agent.vendor,
        "resources": list(dict.fromkeys(writer.resource for writer in writes)),
        "declared_as": raw,
    }
    yield Fact((*given.path, "yields_write_authority"), missing=raw is None, values=values)


def writes_declared(given: CheckInput) -> Iterator[Fact]:
    """An agent lists no `writes:` though its tools write, delete, pay or execute (as the
    doc declares them, or as their names suggest: a guess)."""
    index = given.path[-1]
    agent = given.doc_model.agent(index) if isinstance(index, int) else None
    if agent is None or agent.writes_declared:
        return
    evidence = agent.write_evidence()
    declared_ones = [t for t in evidence if t.effect_guess is None]
    shown = declared_ones or list(evidence)
    if not shown:
        return
    guess = None if declared_ones else shown[0].effect_guess
    values = {"tools": [t.name for t in shown[:5]], "resources": [r.text for r in agent.reaches]}
    yield Fact((*given.path, "writes"), missing=True, values=values, guess=guess)


CHECKS: dict[str, Check] = {
    "writes_declared": writes_declared,
    "write_collision": write_collision,
    "write_covered_by_lock": write_covered_by_lock,
    "lock_holder_writes": lock_holder_writes,
    "opposing_objectives_coordinated": opposing_objectives_coordinated,
    "vendor_yields_write_authority": vendor_yields_write_authority,
}
