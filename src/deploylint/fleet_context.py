"""The rest of the fleet, for a run that grades only some docs (pre-commit passes only the
staged files): the other docs' fleet facts (agents, writes, locks, holders), and nothing
else. They are never graded or reported on; the fleet rules see them beside the graded docs,
so a staged doc that collides with a committed one is caught, at the staged doc's line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Final, TextIO

from deploylint import cache
from deploylint.docschema import is_deploylint_doc
from deploylint.fleet.facts import (
    AgentFact,
    DocFacts,
    HolderRef,
    LockFact,
    Site,
    WriteFact,
    doc_facts,
)
from deploylint.loader import Limits, load_bytes
from deploylint.messages import say
from deploylint.sources import Filter, Source, Unreadable, discover, read

_MARKERS: Final = (b"deploylint/", b"AgentDeployment")  # a doc says one: read nothing else
# Cached per file's bytes (and deploylint's code), as JSON; the name changes with the
# records' shape (2: identities of resources, locks, holders and agents).
_KIND: Final = "fleet-facts-2"


def context_facts(
    context: Sequence[str],
    *,
    graded: Sequence[str],
    limits: Limits,
    only: Filter | None = None,
    err: TextIO,
) -> tuple[list[DocFacts], list[str]]:
    """The fleet facts of every deploylint doc under ``context`` that isn't being graded,
    and the errors (a context path that doesn't exist: the run is then incomplete)."""
    skip = {_same(source) for source in discover(graded, only).sources}
    found = discover(context, only)
    for warning in found.warnings:
        say(err, f"--fleet-context: {warning}", "warning")
    for note in found.notes:
        say(err, f"--fleet-context: {note}", "note")
    facts: list[DocFacts] = []
    for source in found.sources:
        if source.path is not None and _same(source) not in skip:
            facts += _facts(source, limits, err)
    return facts, [f"--fleet-context: {error}" for error in found.errors]


def _same(source: Source) -> str:
    return os.path.realpath(source.path) if source.path is not None else source.name


def _facts(source: Source, limits: Limits, err: TextIO) -> list[DocFacts]:
    try:
        raw = read(source, limits.max_bytes)
    except Unreadable as error:
        say(err, f"--fleet-context: {error}", "warning")
        return []
    if isinstance(raw, int) or not any(marker in raw for marker in _MARKERS):
        return []
    cached = cache.load(_KIND, raw)
    if cached is not None:
        try:
            return [decode_facts(record, source.name) for record in cached]
        except (KeyError, TypeError, ValueError):
            pass  # an entry from another shape of the records: read the doc again
    facts = []
    for doc in load_bytes(raw, limits):
        if doc.gradable and is_deploylint_doc(doc.data):
            metadata = doc.data.get("metadata")
            name = metadata.get("name") if isinstance(metadata, dict) else None
            facts.append(doc_facts(doc, file=source.name, name=_text(name)))
    cache.store(_KIND, raw, [asdict(fact) for fact in facts])
    return facts


def decode_facts(record: dict[str, Any], file: str) -> DocFacts:
    """DocFacts from its cached JSON, named by the file it is read from now."""

    def site(value: dict[str, Any]) -> Site:
        path = tuple(sys.intern(step) if isinstance(step, str) else step for step in value["path"])
        return Site(file, value["document"], path, value["line"], value["column"])

    def each(kind: type[Any], key: str) -> tuple[Any, ...]:
        return tuple(kind(**{**_shared(item), "site": site(item["site"])}) for item in record[key])

    return DocFacts(
        file=file,
        document=record["document"],
        name=record["name"],
        agents=each(AgentFact, "agents"),
        writes=each(WriteFact, "writes"),
        locks=each(LockFact, "locks"),
        queues=tuple(record["queues"]),
        holders=each(HolderRef, "holders"),
        blast=tuple((sys.intern(agent), sys.intern(text)) for agent, text in record["blast"]),
        rollback=record["rollback"],
    )


def _shared(item: dict[str, Any]) -> dict[str, Any]:
    """A fact's fields, its text held once per process (decoded JSON makes a copy of each
    occurrence; 10,000 cached docs' facts were ~10 MB of copies)."""
    return {k: sys.intern(v) if isinstance(v, str) else v for k, v in item.items()}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
