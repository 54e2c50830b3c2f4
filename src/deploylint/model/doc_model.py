"""One model of a doc, built once: its agents (see :mod:`deploylint.model.doc_agents`),
locks, human queues, rollback, checkpoint components, waiver approvers, and the doc-wide
controls (metadata, kill switch, peer auth, waivers: :mod:`deploylint.model.doc_controls`).

Rules, the three columns and the fleet read the doc here, never from its raw mappings, so
they can't disagree about what it says: every name is compared by its identity
(:mod:`deploylint.model.identity`), every guess says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.model import doc_controls, names
from deploylint.model.doc_agents import (
    SCOPES,
    Action,
    Agent,
    Approval,
    Coverage,
    Spawns,
    Tool,
    Write,
    agent,
    listed,
    mapping,
    number,
)
from deploylint.model.doc_controls import (
    NO_KILL_SWITCH,
    NO_METADATA,
    NO_PEER_AUTH,
    KillSwitch,
    Metadata,
    PeerAuth,
    Waiver,
)
from deploylint.model.identity import Ref, declared, ref
from deploylint.model.names import Guess

__all__ = [
    "SCOPES",
    "Action",
    "Agent",
    "Approval",
    "Component",
    "Coverage",
    "DocModel",
    "KillSwitch",
    "Lock",
    "Metadata",
    "PeerAuth",
    "Queue",
    "Rollback",
    "Spawns",
    "Tool",
    "Waiver",
    "Write",
    "build",
    "exempt",
    "number",
]

NON_WRITING_ROLES = ("reader", "consumer", "cursor", "cache")  # roles that write nothing


@dataclass(frozen=True, slots=True)
class Lock:
    """A declared lock on one resource (``write_authority.locks[]``)."""

    index: int
    key: Ref | None
    resource: Ref
    mechanism: str | None
    holder: Ref | None
    yield_protocol: str | None
    cooldown: float | None
    coordination: str | None

    @property
    def path(self) -> KeyPath:
        return ("write_authority", "locks", self.index)


@dataclass(frozen=True, slots=True)
class Queue:
    """A human queue the doc declares (``humans.queues[]``), with its rotation."""

    name: Ref
    rotation: str | None


@dataclass(frozen=True, slots=True)
class Rollback:
    """The doc's rollback section."""

    declared: bool
    allowed: bool | None
    unit: str | None
    flag: str | None
    path: str | None
    key_holder: Ref | None
    override_queue: Ref | None


@dataclass(frozen=True, slots=True)
class Component:
    """A checkpointed component, with its role and whether it writes."""

    index: int
    name: str
    role: str | None
    role_guess: Guess | None  # set when ``role`` was read off the name
    writes: bool | None  # declared

    @property
    def writes_nothing(self) -> bool:
        """The doc says so: `writes: false`, or a role that writes nothing and no
        `writes: true` (a cache, a reader, a queue consumer, a cursor)."""
        return self.writes is False or (self.writes is None and self.role in NON_WRITING_ROLES)


@dataclass(frozen=True)  # not slotted: its indexes are cached properties
class DocModel:
    """Everything the rules read about one doc, interpreted once."""

    agents: tuple[Agent, ...]
    components: tuple[Component, ...]
    locks: tuple[Lock, ...] = ()
    queues: tuple[Queue, ...] = ()
    rollback: Rollback = Rollback(False, None, None, None, None, None, None)
    approvers: tuple[tuple[Ref, KeyPath], ...] = ()  # waivers' approved_by, where
    metadata: Metadata = NO_METADATA
    kill_switch: KillSwitch = NO_KILL_SWITCH
    peer_auth: PeerAuth = NO_PEER_AUTH
    waivers: tuple[Waiver, ...] = ()

    @cached_property
    def _by_index(self) -> Mapping[int, Agent]:
        return {a.index: a for a in self.agents}  # thousands of agents: one lookup each

    @cached_property
    def _components(self) -> Mapping[int, Component]:
        return {c.index: c for c in self.components}

    @cached_property
    def _locks(self) -> Mapping[KeyPath, Lock]:
        return {lock.path: lock for lock in self.locks}

    @cached_property
    def _lock_keys(self) -> Mapping[str, Lock]:
        found: dict[str, Lock] = {}
        for lock in self.locks:
            if lock.key is not None:
                found.setdefault(lock.key.key, lock)  # the first declaration, as before
        return found

    @cached_property
    def readers(self) -> frozenset[int]:
        """The indexes of the agents the doc says change nothing (``Agent.reads_only``)."""
        return frozenset(a.index for a in self.agents if a.reads_only())

    def agent(self, index: int) -> Agent | None:
        return self._by_index.get(index)

    def component(self, index: int) -> Component | None:
        return self._components.get(index)

    def lock_at(self, path: KeyPath) -> Lock | None:
        """The lock declared at ``write_authority.locks[i]``."""
        return self._locks.get(path)

    def writes_anything(self) -> bool:
        return any(a.writes for a in self.agents)

    @cached_property
    def agent_keys(self) -> frozenset[str]:
        return frozenset(a.key for a in self.agents if a.key)

    @cached_property
    def queue_keys(self) -> Mapping[str, Queue]:
        return {q.name.key: q for q in self.queues}

    def is_agent(self, name: Ref | str | None) -> bool:
        return _key(name) in self.agent_keys

    def queue(self, name: Ref | str | None) -> Queue | None:
        return self.queue_keys.get(_key(name) or "")

    def lock(self, key: Ref | None) -> Lock | None:
        """The declared lock a write names, by its identity (None: none by that key)."""
        return self._lock_keys.get(key.key) if key is not None else None


def _reads_only(model: DocModel, path: KeyPath) -> bool:
    if len(path) < 2 or path[0] != "agents" or not isinstance(path[1], int):
        return False
    return path[1] in model.readers


def _writes_nothing(model: DocModel, path: KeyPath) -> bool:
    if len(path) < 2 or path[0] != "checkpoints" or not isinstance(path[1], int):
        return False
    component = model.component(path[1])
    return component is not None and component.writes_nothing


# What a rule's `unless:` may name: facts of the model under which a node owes nothing.
EXEMPTIONS: Final[Mapping[str, Callable[[DocModel, KeyPath], bool]]] = {
    "agent_reads_only": _reads_only,
    "component_writes_nothing": _writes_nothing,
}


def exempt(model: DocModel, facts: Sequence[str], path: KeyPath) -> bool:
    """Whether one of the named facts holds for the node at ``path``."""
    return any(EXEMPTIONS[fact](model, path) for fact in facts)


def _key(name: Ref | str | None) -> str | None:
    if isinstance(name, Ref):
        return name.key
    return ref(name).key if isinstance(name, str) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _named(value: Any) -> Ref | None:
    return ref(value) if declared(value) else None


def _lock(index: int, raw: dict[str, Any]) -> Lock | None:
    if not declared(raw.get("resource")):
        return None
    return Lock(
        index=index,
        key=_named(raw.get("key")),
        resource=ref(raw["resource"]),
        mechanism=_text(raw.get("mechanism")),
        holder=_named(raw.get("lock_holder")),
        yield_protocol=_text(raw.get("yield_protocol")),
        cooldown=number(raw.get("revert_cooldown_min")),
        coordination=_text(raw.get("coordination")),
    )


def _rollback(raw: Any) -> Rollback:
    if not isinstance(raw, dict):
        return Rollback(False, None, None, None, None, None, None)
    allowed = raw.get("rollback_allowed")
    text = {k: raw[k] if declared(raw.get(k)) else None for k in ("unit", "feature_flag")}
    return Rollback(
        declared=True,
        allowed=allowed if isinstance(allowed, bool) else None,
        unit=text["unit"],
        flag=text["feature_flag"],
        path=raw["rollback_path"] if declared(raw.get("rollback_path")) else None,
        key_holder=_named(raw.get("rollback_key_holder")),
        override_queue=_named(raw.get("human_override_queue")),
    )


def _component(index: int, raw: dict[str, Any]) -> Component:
    name = str(raw.get("component", ""))
    stated = raw.get("role")
    role = stated if isinstance(stated, str) and stated in names.ROLES else None
    guess = None
    if role is None:
        # The brief's own words: a component called `orchestrator` or `worker` is that role.
        plain = ref(name).key if name.strip() else ""
        role = plain if plain in names.ROLES else None
        if role is None and name:
            guess = names.component_role(name)
            role = guess.value if guess is not None else None
    writes = raw.get("writes")
    return Component(index, name, role, guess, writes if isinstance(writes, bool) else None)


def _queues(raw: Any) -> tuple[Queue, ...]:
    found = []
    for queue in listed(mapping(raw).get("queues")):
        name = mapping(queue).get("name")
        if isinstance(name, str) and name.strip():
            rotation = queue.get("rotation")
            found.append(Queue(ref(name), rotation if declared(rotation) else None))
    return tuple(found)


def build(doc: Mapping[str, Any]) -> DocModel:
    """Interpret one doc's data (any shape: what isn't the expected type is left out)."""
    locks = listed(mapping(doc.get("write_authority")).get("locks"))
    approvers = [
        (_named(mapping(w).get("approved_by")), ("waivers", i, "approved_by"))
        for i, w in enumerate(listed(doc.get("waivers")))
    ]
    return DocModel(
        agents=tuple(agent(i, a) for i, a in enumerate(listed(doc.get("agents"))) if _is(a)),
        components=tuple(
            _component(i, c) for i, c in enumerate(listed(doc.get("checkpoints"))) if _is(c)
        ),
        locks=tuple(found for i, raw in enumerate(locks) if _is(raw) and (found := _lock(i, raw))),
        queues=_queues(doc.get("humans")),
        rollback=_rollback(doc.get("rollback")),
        approvers=tuple((name, path) for name, path in approvers if name is not None),
        metadata=doc_controls.metadata(doc.get("metadata")),
        kill_switch=doc_controls.kill_switch(doc.get("kill_switch")),
        peer_auth=doc_controls.peer_auth(doc.get("peer_auth")),
        waivers=doc_controls.waivers(doc.get("waivers")),
    )


def _is(value: Any) -> bool:
    return isinstance(value, dict)
