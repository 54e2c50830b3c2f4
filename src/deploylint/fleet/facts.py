"""What one doc contributes to the fleet: agents, writes, locks, queues and key holders.

Extracted while the doc is graded (positions are at hand then) into small records, so a
run over thousands of docs keeps this, not every doc's data, and results stay cheap to
send between worker processes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from typing import Any, Final

from deploylint.load.keypath import KeyPath, format_path
from deploylint.load.loader import LoadedDoc
from deploylint.model.doc_model import Agent, DocModel, Lock, build
from deploylint.model.identity import key
from deploylint.rubric.facts import blast_radius, rollback_unit


@dataclass(frozen=True, slots=True)
class Site:
    """Where something is declared: file, document, key path and position."""

    file: str
    document: int
    path: KeyPath
    line: int
    column: int

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def key_path(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True, slots=True)
class AgentFact:
    id: str
    vendor: str | None
    objective: str | None
    yields: str | None
    site: Site
    key: str = ""  # the id's identity
    actions: tuple[str, ...] = ()  # the identities of its actions' names


@dataclass(frozen=True, slots=True)
class WriteFact:
    """An agent's declared write to a resource, through a lock key or none. A guessed write
    (``guess``: why) is a resource in the blast radius of an agent whose tools write but
    which declares no `writes:`: the fleet sees it, and a finding on it is a guess."""

    agent: str
    resource: str  # as the doc names it (a note after the identifier is left off)
    lock: str | None
    site: Site
    key: str = ""  # the resource's identity: what the fleet groups writes by
    lock_key: str | None = None
    agent_key: str = ""
    guess: str | None = None


@dataclass(frozen=True, slots=True)
class LockFact:
    key: str | None
    resource: str
    holder: str | None
    mechanism: str | None
    cooldown: float | None
    coordination: str | None
    yield_protocol: str | None
    site: Site
    resource_key: str = ""
    key_id: str | None = None  # the lock key's identity
    holder_key: str | None = None


@dataclass(frozen=True, slots=True)
class HolderRef:
    """A name that must be a human queue: a rollback key holder, override queue or approver."""

    role: str
    name: str
    site: Site
    key: str = ""


@dataclass(frozen=True, slots=True)
class DocFacts:
    file: str
    document: int
    name: str | None
    agents: tuple[AgentFact, ...]
    writes: tuple[WriteFact, ...]
    locks: tuple[LockFact, ...]
    queues: tuple[str, ...]
    holders: tuple[HolderRef, ...]
    blast: tuple[tuple[str, str], ...]  # (agent id, blast radius text)
    rollback: str

    @property
    def label(self) -> str:
        """How findings name this doc: its metadata name, or the file."""
        return f"{self.name} ({self.file})" if self.name else self.file


def doc_facts(
    doc: LoadedDoc, *, file: str, name: str | None, model: DocModel | None = None
) -> DocFacts:
    """Everything the fleet view needs from one gradable document (from its model)."""
    model = model if model is not None else build(doc.data)

    def site(path: KeyPath) -> Site:
        where = doc.locate(path)
        return Site(file, doc.index, path, where.line, where.column)

    agents = [a for a in model.agents if a.key]
    return DocFacts(
        file=file,
        document=doc.index,
        name=name,
        agents=tuple(
            AgentFact(
                a.id,
                a.vendor,
                a.objective,
                a.yields,
                site(a.path),
                a.key,
                tuple(sorted({key(action.name) or "" for action in a.actions})),
            )
            for a in agents
        ),
        writes=tuple(w for a in agents for w in _writes(a, site)),
        locks=tuple(_lock(lock, site(lock.path)) for lock in model.locks),
        queues=tuple(sorted({q.name.text for q in model.queues})),
        holders=tuple(_holders(model, site)),
        blast=tuple((a.id, str(blast_radius([a]))) for a in agents),
        rollback=str(rollback_unit(model)),
    )


def _writes(agent: Agent, site: Any) -> list[WriteFact]:
    if agent.writes or agent.writes_declared:
        return [
            WriteFact(
                agent.id,
                w.resource.name,
                w.lock.name if w.lock else None,
                site(w.path),
                w.resource.key,
                w.lock.key if w.lock else None,
                agent.key,
            )
            for w in agent.writes
        ]
    evidence = agent.write_evidence()
    if not evidence:
        return []
    tools = ", ".join(t.name for t in evidence[:3])
    why = f"{agent.id} declares no `writes:` but its tools change things ({tools})"
    where = site((*agent.path, "blast_radius", "resources"))
    return [
        WriteFact(agent.id, r.name, None, where, r.key, None, agent.key, why) for r in agent.reaches
    ]


def _lock(lock: Lock, where: Site) -> LockFact:
    return LockFact(
        lock.key.name if lock.key else None,
        lock.resource.name,
        lock.holder.name if lock.holder else None,
        lock.mechanism,
        lock.cooldown,
        lock.coordination,
        lock.yield_protocol,
        where,
        lock.resource.key,
        lock.key.key if lock.key else None,
        lock.holder.key if lock.holder else None,
    )


def _holders(model: DocModel, site: Any) -> list[HolderRef]:
    section = model.rollback
    named = (
        ("rollback_key_holder", section.key_holder),
        ("human_override_queue", section.override_queue),
    )
    found = [
        HolderRef(role, name.name, site(("rollback", role)), name.key)
        for role, name in named
        if name is not None
    ]
    found += [
        HolderRef("waiver approver", n.name, site(path), n.key) for n, path in model.approvers
    ]
    return found


# The facts as cache entries store them: each fact a list of its fields in order, its site
# as [path, line, column] (the file and document are the doc's). Field names written out
# per fact (dataclasses.asdict) made 10,000 docs' facts 43 MB to read back on every run.
_KINDS: Final = (AgentFact, WriteFact, LockFact, HolderRef)
_NAMES: Final = {kind: tuple(f.name for f in fields(kind)) for kind in _KINDS}
_SITE_AT: Final = {kind: names.index("site") for kind, names in _NAMES.items()}


def encode_facts(doc: DocFacts) -> list[Any]:
    """A doc's facts as compact JSON data; ``decode_facts`` reads them back."""

    def each(facts: tuple[Any, ...]) -> list[list[Any]]:
        return [[_encoded(getattr(fact, name)) for name in _NAMES[type(fact)]] for fact in facts]

    return [
        doc.document,
        doc.name,
        each(doc.agents),
        each(doc.writes),
        each(doc.locks),
        list(doc.queues),
        each(doc.holders),
        [list(pair) for pair in doc.blast],
        doc.rollback,
    ]


def _encoded(value: Any) -> Any:
    if isinstance(value, Site):
        return [list(value.path), value.line, value.column]
    return list(value) if isinstance(value, tuple) else value


def decode_facts(record: list[Any], file: str) -> DocFacts:
    """DocFacts from ``encode_facts``'s data, named by the file it is read from now. Text is
    held once per process (decoded JSON makes a copy of each occurrence; 10,000 cached
    docs' facts were ~10 MB of copies); lists come back as tuples. Data of another shape
    raises TypeError or ValueError."""
    document, name, agents, writes, locks, queues, holders, blast, rollback = record
    if not isinstance(document, int):
        raise TypeError("document")

    def each(kind: type[Any], items: list[list[Any]]) -> tuple[Any, ...]:
        at = _SITE_AT[kind]
        found = []
        for item in items:
            path, line, column = item[at]
            site = Site(file, document, tuple(map(_held, path)), line, column)
            found.append(kind(*map(_held, item[:at]), site, *map(_held, item[at + 1 :])))
        return tuple(found)

    return DocFacts(
        file=file,
        document=document,
        name=name,
        agents=each(AgentFact, agents),
        writes=each(WriteFact, writes),
        locks=each(LockFact, locks),
        queues=tuple(queues),
        holders=each(HolderRef, holders),
        blast=tuple((sys.intern(agent), sys.intern(text)) for agent, text in blast),
        rollback=rollback,
    )


def _held(value: Any) -> Any:
    kind = type(value)  # exactly: decoded JSON has no subclasses
    if kind is str:
        return sys.intern(value)
    if kind is list:
        return tuple(map(_held, value))
    return value
