"""What one doc contributes to the fleet: agents, writes, locks, queues and key holders.

Extracted while the doc is graded (positions are at hand then) into small records, so a
run over thousands of docs keeps this, not every doc's data, and results stay cheap to
send between worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploylint.keypath import KeyPath, format_path
from deploylint.loader import LoadedDoc
from deploylint.rubric.checks.base import agents, human_queues, listed, mapping
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


@dataclass(frozen=True, slots=True)
class WriteFact:
    """An agent's declared write to a resource, through a lock key or none."""

    agent: str
    resource: str
    lock: str | None
    site: Site


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


@dataclass(frozen=True, slots=True)
class HolderRef:
    """A name that must be a human queue: a rollback key holder, override queue or approver."""

    role: str
    name: str
    site: Site


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


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") and not isinstance(value, dict | list) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def doc_facts(doc: LoadedDoc, *, file: str, name: str | None) -> DocFacts:
    """Everything the fleet view needs from one gradable document."""
    data: dict[str, Any] = doc.data

    def site(path: KeyPath) -> Site:
        where = doc.locate(path)
        return Site(file, doc.index, path, where.line, where.column)

    agent_facts, writes = [], []
    for index, agent in agents(data):
        agent_id = _text(agent.get("id"))
        if agent_id is None:
            continue
        agent_facts.append(
            AgentFact(
                agent_id,
                _text(agent.get("vendor")),
                _text(agent.get("objective")),
                _text(agent.get("yields_write_authority")),
                site(("agents", index)),
            )
        )
        for w, write in enumerate(listed(agent.get("writes"))):
            resource = _text(mapping(write).get("resource"))
            if resource is not None:
                path: KeyPath = ("agents", index, "writes", w)
                writes.append(WriteFact(agent_id, resource, _text(write.get("lock")), site(path)))
    locks = [
        LockFact(
            _text(lock.get("key")),
            str(lock["resource"]),
            _text(lock.get("lock_holder")),
            _text(lock.get("mechanism")),
            _number(lock.get("revert_cooldown_min")),
            _text(lock.get("coordination")),
            _text(lock.get("yield_protocol")),
            site(("write_authority", "locks", i)),
        )
        for i, lock in enumerate(listed(mapping(data.get("write_authority")).get("locks")))
        if isinstance(lock, dict) and _text(lock.get("resource")) is not None
    ]
    return DocFacts(
        file=file,
        document=doc.index,
        name=name,
        agents=tuple(agent_facts),
        writes=tuple(writes),
        locks=tuple(locks),
        queues=tuple(sorted(human_queues(data))),
        holders=tuple(_holders(data, site)),
        blast=tuple(
            (a["id"], str(blast_radius([a]))) for _, a in agents(data) if _text(a.get("id"))
        ),
        rollback=str(rollback_unit(data)),
    )


def _holders(data: dict[str, Any], site: Any) -> list[HolderRef]:
    section = mapping(data.get("rollback"))
    found = [
        HolderRef(role, name, site(("rollback", role)))
        for role in ("rollback_key_holder", "human_override_queue")
        if (name := _text(section.get(role))) is not None
    ]
    for index, waiver in enumerate(listed(data.get("waivers"))):
        if (name := _text(mapping(waiver).get("approved_by"))) is not None:
            found.append(
                HolderRef("waiver approver", name, site(("waivers", index, "approved_by")))
            )
    return found
