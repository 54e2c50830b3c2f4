"""Compare a doc at the base with the same doc now: pair its agents, class every entry that
differs by its kind (the one table in :mod:`.kinds`), and place each change at its line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deploylint.authority.doc_entries import doc_entries
from deploylint.authority.entries import (
    Entries,
    Entry,
    EntryKey,
    Scalar,
    agent_entries,
    scalar,
    shown,
)
from deploylint.authority.kinds import KINDS, Kind
from deploylint.authority.rules import NEUTRAL, Direction, classify
from deploylint.load.keypath import KeyPath, format_path
from deploylint.load.loader import LoadedDoc
from deploylint.model.doc_agents import Agent
from deploylint.model.doc_model import DocModel, build
from deploylint.model.identity import key


@dataclass(frozen=True, slots=True)
class Change:
    """One change in authority, placed in the doc as it is now (or as it was, when gone)."""

    file: str
    doc: str
    agent: str | None
    kind: str
    direction: Direction
    path: KeyPath
    before: Scalar
    after: Scalar
    summary: str
    line: int
    column: int

    def record(self) -> dict[str, Any]:
        """The JSON object (the fields and their order are the format)."""
        return {
            "file": self.file,
            "doc": self.doc,
            "agent": self.agent,
            "kind": self.kind,
            "direction": self.direction.value,
            "path": format_path(self.path),
            "before": self.before,
            "after": self.after,
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class Doc:
    """One deploylint doc of a file, read."""

    file: str
    loaded: LoadedDoc
    model: DocModel

    @property
    def label(self) -> str:
        return self.model.metadata.name or f"document {self.loaded.index}"


def read_doc(file: str, loaded: LoadedDoc) -> Doc:
    return Doc(file, loaded, build(loaded.data))


def pair(base: Sequence[Any], head: Sequence[Any], alike: Any) -> list[tuple[Any, Any]]:
    """Items paired by ``alike`` (a key function; None never pairs), the rest in order of
    appearance with nothing on the other side."""
    keyed = {alike(b): b for b in base if alike(b) is not None}
    pairs, taken = [], set()
    for h in head:
        found = keyed.get(alike(h)) if alike(h) is not None else None
        if found is not None and id(found) not in taken:
            taken.add(id(found))
        else:
            found = None
        pairs.append((found, h))
    return pairs + [(b, None) for b in base if id(b) not in taken]


def _agent_key(agent: Agent) -> str | None:
    return agent.key or None


def _tools(agent: Agent) -> frozenset[str] | None:
    return frozenset(t.key for t in agent.tools if t.key) or None


def pair_twice(base: Sequence[Any], head: Sequence[Any], first: Any, then: Any) -> list[Any]:
    """Pairs by ``first``; then the rest of each side paired by ``then``."""
    pairs = pair(base, head, first)
    gone = [b for b, h in pairs if h is None]
    new = [h for b, h in pairs if b is None]
    again = [(b, h) for b, h in pair(gone, new, then) if b is not None and h is not None]
    paired = {id(x) for both in again for x in both}
    kept = [p for p in pairs if not any(id(x) in paired for x in p if x is not None)]
    return kept + again


def pair_agents(base: Sequence[Agent], head: Sequence[Agent]) -> list[tuple[Any, Any]]:
    """By identity; then an agent gone and one new with the same tools are one, renamed."""
    return pair_twice(base, head, _agent_key, _tools)


def _waiver_slots(base: Doc | None, head: Doc | None) -> list[dict[int, str]]:
    """Each side's waivers by position -> slot: by rule and path, then by rule (moved)."""
    before, after = (d.model.waivers if d else () for d in (base, head))
    pairs = pair_twice(before, after, lambda w: (w.rule, w.path), lambda w: w.rule)
    slots: list[dict[int, str]] = [{}, {}]
    for slot, both in enumerate(pairs):
        for side, waiver in zip(slots, both, strict=True):
            if waiver is not None:
                side[waiver.position] = str(slot)
    return slots


def _owner(agent: Agent) -> str:
    return agent.key or f"#{agent.index + 1}"


def entries(
    doc: Doc, owners: Mapping[int, str], waivers: Mapping[int, str]
) -> dict[EntryKey, Entry]:
    """The doc's entries, each agent and waiver under its slot (by index, by position)."""
    found = Entries(doc.model)
    names = ", ".join(a.id for a in doc.model.agents[:5]) or "no agents"
    doc_entries(found, doc.label, f"{len(doc.model.agents)} agent(s): {names}", waivers)
    for agent in doc.model.agents:
        agent_entries(found, agent, owners.get(agent.index) or _owner(agent))
    return found.found


def direction(kind: Kind, before: Entry | None, after: Entry | None) -> Direction | None:
    """How the change from ``before`` to ``after`` is classed; None when it is no change."""
    if before is not None and after is not None:
        if before.value == after.value or (
            kind.same_as is not None and kind.same_as(before.data) == kind.same_as(after.data)
        ):
            return None
        return classify(kind.changed, before.measure, after.measure)
    if kind.added is None:  # absence is a value (a flag left out is off)
        was = kind.absent if before is None else before.measure
        now = kind.absent if after is None else after.measure
        return None if was == now else classify(kind.changed, was, now)
    return kind.added if before is None else kind.removed


def differences(
    base: Mapping[EntryKey, Entry], head: Mapping[EntryKey, Entry]
) -> Iterator[tuple[Entry | None, Entry | None, Direction]]:
    """Each entry that differs, unless its parent was added or removed (that says it)."""
    for slot in [*head, *(k for k in base if k not in head)]:
        before, after = base.get(slot), head.get(slot)
        parent = (after or before).parent  # type: ignore[union-attr]
        if parent is not None and (parent not in base or parent not in head):
            continue
        found = direction(KINDS[slot[0]], before, after)
        if found is not None:
            yield before, after, found


def _side(kind: Kind, entry: Entry | None) -> tuple[Scalar, str]:
    if entry is not None:
        return entry.data, entry.shown
    return scalar(kind.absent), shown(kind.absent)


@dataclass(frozen=True, slots=True)
class Sides:
    """A doc at the base and now (either may be missing), its entries and agents' names."""

    base: Doc | None
    head: Doc | None
    before: Mapping[EntryKey, Entry]
    after: Mapping[EntryKey, Entry]
    agents: Mapping[str, str]  # slot -> the agent's id as written (now, else before)

    def place(self, before: Entry | None, after: Entry | None) -> tuple[Doc, KeyPath]:
        """Where a change is shown: the entry now; a removed one at its parent now (its old
        place may hold another thing); a doc that is gone, as it was."""
        if after is not None and self.head is not None:
            return self.head, after.path
        assert before is not None
        if self.head is None:
            assert self.base is not None
            return self.base, before.path
        parent = self.after.get(before.parent) if before.parent is not None else None
        return self.head, parent.path if parent is not None else before.path[:1]

    def change(self, before: Entry | None, after: Entry | None, toward: Direction) -> Change:
        either = after or before
        assert either is not None
        kind = KINDS[either.key[0]]
        (was, was_shown), (now, now_shown) = _side(kind, before), _side(kind, after)
        agent = self.agents.get(either.key[1]) if either.key[1] else None
        moved = 2 if kind.added is None else 0 if before is None else 1 if after is None else 2
        template = kind.says[moved]  # absence that is a value is a change from or to it
        text = template.format(
            agent=agent or "",
            item=either.name,
            detail=either.detail,
            before=was_shown,
            after=now_shown,
        )
        doc, at = self.place(before, after)
        where = doc.loaded.locate(at)
        return Change(
            doc.file,
            doc.label,
            agent,
            kind.name,
            toward,
            either.path,
            was,
            now,
            text,
            where.line,
            where.column,
        )


def renamed(kind: str, doc: Doc, was: str, now: str, *, agent: str | None = None) -> Change:
    """A doc or agent under another name (neutral), at the doc's top or the agent's place."""
    path: KeyPath = ()
    if agent is not None:
        path = next((a.path for a in doc.model.agents if a.id == now), ("agents",))
    text = KINDS[kind].says[2].format(before=was, after=now)
    where = doc.loaded.locate(path)
    return Change(
        doc.file, doc.label, agent, kind, NEUTRAL, path, was, now, text, where.line, where.column
    )


def compare_docs(base: Doc | None, head: Doc | None) -> list[Change]:
    """Every change in authority from ``base`` to ``head`` (one of them may be None)."""
    pairs = pair_agents(base.model.agents if base else (), head.model.agents if head else ())
    slots = {id(x): _owner(h or b) for b, h in pairs for x in (b, h) if x is not None}
    owners = [{a.index: slots[id(a)] for a in d.model.agents} if d else {} for d in (base, head)]
    names = {slots[id(x)]: x.id for b, h in pairs for x in (b, h) if x is not None}
    names.update({slots[id(h)]: h.id for _, h in pairs if h is not None})
    waivers = _waiver_slots(base, head)
    before = entries(base, owners[0], waivers[0]) if base else {}
    sides = Sides(base, head, before, entries(head, owners[1], waivers[1]) if head else {}, names)
    found = [sides.change(b, a, toward) for b, a, toward in differences(sides.before, sides.after)]
    if base is not None and head is not None:
        if key(base.label) != key(head.label):
            found.append(renamed("doc_renamed", head, base.label, head.label))
        found += [
            renamed("agent_renamed", head, b.id, h.id, agent=h.id)
            for b, h in pairs
            if b is not None and h is not None and b.key != h.key
        ]
    return sorted(found, key=lambda c: (c.line, c.column))
