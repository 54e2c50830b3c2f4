"""The fleet map: for each resource, its writers, their locks and lock holders, and a status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deploylint.fleet.analysis import Fleet, disputed, shared_lock
from deploylint.fleet.facts import DocFacts, Site
from deploylint.report.escape import markdown, mermaid
from deploylint.rubric.facts import and_list

if TYPE_CHECKING:  # annotations only
    from deploylint.rubric.grade import ContextFleet, FileResult

SERIALIZED, SINGLE_WRITER, COLLISION, CONFLICT = (
    "serialized",
    "single writer",
    "collision: no shared lock",
    "conflicting lock holders",
)


@dataclass(frozen=True, slots=True)
class Writer:
    agent: str
    doc: str
    lock: str | None
    location: str
    doc_name: str = ""  # the doc's own name, for views that give its file:line beside it


@dataclass(frozen=True, slots=True)
class Lock:
    key: str | None
    holder: str | None
    mechanism: str | None
    doc: str
    doc_name: str = ""
    key_id: str | None = None  # the key's identity: one lock, however many docs declare it


@dataclass(frozen=True, slots=True)
class ResourceRow:
    """One resource of the fleet and everything that touches it."""

    resource: str
    writers: tuple[Writer, ...]
    locks: tuple[Lock, ...]
    status: str

    def record(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "status": self.status,
            "writers": [
                {"agent": w.agent, "doc": w.doc, "lock": w.lock, "location": w.location}
                for w in self.writers
            ],
            "locks": [
                {"key": k.key, "lock_holder": k.holder, "mechanism": k.mechanism, "doc": k.doc}
                for k in self.locks
            ],
        }


def _status(writers: set[str], shared: Sequence[Any]) -> str:
    if len(writers) <= 1:
        return SINGLE_WRITER
    if not shared:
        return COLLISION
    return CONFLICT if disputed(shared) else SERIALIZED


def run_map(results: Sequence[FileResult], context: ContextFleet) -> tuple[ResourceRow, ...]:
    """A run's fleet map: its docs, and the docs of the rest of the fleet that meet them
    (--fleet-context); none for a run of one doc and no such neighbour."""
    facts = [d.facts for r in results for d in r.documents if d.facts is not None]
    facts += context.relevant(facts) if facts else []
    return tuple(fleet_map(facts)) if len(facts) > 1 else ()


def fleet_map(docs: Sequence[DocFacts]) -> list[ResourceRow]:
    """Every written or locked resource, sorted, with its status."""
    fleet = Fleet(tuple(docs))
    rows = []
    for key in sorted(set(fleet.writes) | set(fleet.locks)):
        writes, locks = fleet.writes.get(key, []), fleet.locks.get(key, [])
        resource = fleet.resource_name(key)
        writers = tuple(
            Writer(w.agent, fleet.label(w.site), w.lock, w.site.location, _named(fleet, w.site))
            for w in writes
        )
        declared = tuple(
            Lock(k.key, k.holder, k.mechanism, fleet.label(k.site), _named(fleet, k.site), k.key_id)
            for k in locks
        )
        status = _status({w.agent_key for w in writes}, shared_lock(writes, locks))
        rows.append(ResourceRow(resource, writers, declared, status))
    return rows


def _named(fleet: Fleet, site: Site) -> str:
    doc = fleet.by_doc[(site.file, site.document)]
    return doc.name or doc.file


def writer_text(writer: Writer) -> str:
    """A writer once: its agent, its doc's name and where (never the doc's file twice)."""
    return f"{writer.agent} ({writer.doc_name}, {writer.location})"


def lock_texts(row: ResourceRow) -> list[str]:
    """Each lock once, however many docs declare it: its key, then who holds it where."""
    held: dict[str | None, dict[str, list[str]]] = {}
    keys: dict[str | None, str] = {}
    for lock in row.locks:
        keys.setdefault(lock.key_id, lock.key or "?")
        docs = held.setdefault(lock.key_id, {}).setdefault(lock.holder or "no holder", [])
        docs += [lock.doc_name] if lock.doc_name not in docs else []
    return [
        f"{keys[key]} ({'; '.join(f'{_holder(h)} in {and_list(d)}' for h, d in holders.items())})"
        for key, holders in held.items()
    ]


def _holder(holder: str) -> str:
    return holder if holder == "no holder" else f"held by {holder}"


def as_blocks(rows: Sequence[ResourceRow], width: int) -> str:
    """Off a terminal: a block per resource, wrapped only at spaces (no path is split)."""
    from deploylint.report.escape import printable
    from deploylint.report.text import wrapped

    lines: list[str] = []
    for row in rows:
        lines.append(printable(f"{row.resource} · {row.status}"))
        items = [("writer", writer_text(w)) for w in row.writers] or [("writer", "none")]
        items += [("lock", text) for text in lock_texts(row)] or [("lock", "none")]
        for label, text in items:
            lines += wrapped(f"  {label:<8}", printable(text), width, " " * 10)
        lines.append("")
    return "".join(line + "\n" for line in lines)


def as_markdown(rows: Sequence[ResourceRow]) -> str:
    """A table and a Mermaid graph (agents -> resources, edges labelled by lock)."""
    lines = ["| resource | writers | locks (holder) | status |", "|---|---|---|---|"]
    for row in rows:
        writers = "<br>".join(markdown(writer_text(w)) for w in row.writers)
        locks = "<br>".join(markdown(text) for text in lock_texts(row))
        resource = markdown(row.resource)
        lines.append(f"| {resource} | {writers or 'none'} | {locks or 'none'} | {row.status} |")
    return "\n".join([*lines, "", *_mermaid(rows)]) + "\n"


def _mermaid(rows: Sequence[ResourceRow]) -> list[str]:
    ordered = dict.fromkeys(w.agent for row in rows for w in row.writers)
    agents = {agent: f"a{i}" for i, agent in enumerate(ordered)}
    graph = ["```mermaid", "graph LR"]
    graph += [f'  {node}["{mermaid(agent)}"]' for agent, node in agents.items()]
    for r, row in enumerate(rows):
        style = ":::collision" if row.status in (COLLISION, CONFLICT) else ""
        graph.append(f'  r{r}[("{mermaid(row.resource)}")]{style}')
        for writer in row.writers:
            label = mermaid(writer.lock or "no lock")
            graph.append(f'  {agents[writer.agent]} -->|"{label}"| r{r}')
    return [*graph, "  classDef collision stroke:#c00,stroke-width:3px", "```"]


def as_table(rows: Sequence[ResourceRow]) -> Any:
    """A rich table: resource, writers (with doc), locks (with holder), status."""
    from rich.table import Table
    from rich.text import Text

    from deploylint.report.escape import printable

    table = Table(show_lines=True, expand=True)
    for title in ("Resource", "Writers", "Locks (holder)", "Status"):
        table.add_column(title, overflow="fold")
    for row in rows:
        writers = [writer_text(w) for w in row.writers]
        locks = lock_texts(row)
        style = "bold red" if row.status in (COLLISION, CONFLICT) else "green"
        cells = ([row.resource], writers or ["none"], locks or ["none"])
        lines = (Text("\n").join(Text(printable(item)) for item in cell) for cell in cells)
        table.add_row(*lines, Text(row.status, style=style))
    return table
