"""The rest of the fleet, for a run that grades only some docs (pre-commit passes only the
staged files): the other docs' fleet facts (agents, writes, locks, holders), and nothing
else. They are never graded or reported on; the fleet rules see them beside the graded docs,
so a staged doc that collides with a committed one is caught, at the staged doc's line."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

from deploylint import cache
from deploylint.fleet.facts import (
    DocFacts,
    decode_facts,
    doc_facts,
    encode_facts,
)
from deploylint.input.sources import (
    Filter,
    Source,
    Unreadable,
    discover,
    read,
    with_stdin_read,
)
from deploylint.load.loader import Limits, LoadedDoc, load_bytes, oversized
from deploylint.messages import say
from deploylint.model import written
from deploylint.model.written import is_deploylint_doc
from deploylint.pool import ordered, workers_for

_MARKERS: Final = (b"deploylint/", b"AgentDeployment")  # a doc says one: read nothing else
# One cache entry per folder of context docs (and deploylint's code), as JSON: each doc's
# stat stamp and facts. The name changes with the records' shape.
_INDEX: Final = "fleet-index-5"  # per folder: each doc's stat and the names it shares
_RECORDS: Final = "fleet-records-4"  # per folder: each doc's stat and facts


@dataclass(frozen=True, slots=True)
class ContextDoc:
    """One context file: the names it shares with a fleet, and (once read) its facts."""

    source: Source
    shares: frozenset[str]  # "r:" resources, "l:" lock keys, "a:" agent ids (identities)
    stamp: tuple[int, ...] | None  # its stat when indexed
    records: tuple[Any, ...] | None = None  # its DocFacts as JSON data, when at hand
    # Read this run and not cached, so said again each run: its docs that don't load
    # (not in the map), or why the file couldn't be read.
    unread: tuple[LoadedDoc, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Context:
    """The rest of the fleet, for the graded docs: only the context docs that share a
    resource, a lock, an agent id or a key holder with them can change a finding on them,
    so only those have their facts read (from their folder's cache entry, or the file)."""

    docs: tuple[ContextDoc, ...] = ()
    limits: Limits = field(default_factory=Limits)

    def relevant(self, graded: Sequence[DocFacts]) -> list[DocFacts]:
        wanted = set().union(*(shares(doc) | holders(doc) for doc in graded)) if graded else set()
        stored: dict[Path, dict[str, Any]] = {}  # each folder's facts entry, read once
        found: list[DocFacts] = []
        for doc in self.docs:
            if doc.shares & wanted:
                found += _facts_of(doc, self.limits, stored)
        return found


def shares(doc: DocFacts) -> frozenset[str]:
    """The names through which a doc can meet another in a fleet finding."""
    return frozenset(
        [f"r:{w.key}" for w in doc.writes]
        + [f"r:{lock.resource_key}" for lock in doc.locks]
        + [f"l:{lock.key_id}" for lock in doc.locks if lock.key_id]
        + [f"l:{w.lock_key}" for w in doc.writes if w.lock_key]
        + [f"a:{agent.key}" for agent in doc.agents]
    )


def holders(doc: DocFacts) -> frozenset[str]:
    """Key holders, override queues and approvers a doc names: an agent of another doc
    holding one is a fleet finding on this doc (FL005)."""
    return frozenset(f"a:{ref.key}" for ref in doc.holders)


def context_facts(
    context: Sequence[str],
    *,
    graded: Sequence[str],
    limits: Limits,
    only: Filter | None = None,
    err: TextIO,
    jobs: int | None = None,
    use_cache: bool = True,
) -> tuple[Context, list[str]]:
    """The fleet facts of every deploylint doc under ``context`` that isn't being graded
    (decoded lazily: ``Context.relevant``), and the errors (a context path that doesn't
    exist: the run is then incomplete)."""
    skip = set(discover(graded, only).keys)  # real paths: a graded doc isn't its own neighbour
    found = discover(context, only)
    for warning in found.warnings:
        say(err, f"--fleet-context: {warning}", "warning")
    for note in found.notes:
        say(err, f"--fleet-context: {note}", "note")
    sources = [
        source
        for source, real in zip(found.sources, found.keys, strict=True)
        if source.path is not None and real not in skip
    ]
    docs = _indexed(sources, limits, jobs, use_cache=use_cache)
    for doc in docs:
        if doc.error is not None:
            say(err, f"--fleet-context: {doc.error}", "warning")
    return Context(tuple(docs), limits), [f"--fleet-context: {error}" for error in found.errors]


@dataclass(frozen=True, slots=True)
class FleetFacts:
    """Every doc's fleet facts under some paths (``deploylint fleet``), in file order; the
    docs that don't load (each a LoadedDoc with its problems, named by its file); errors."""

    facts: list[DocFacts]
    unread: list[tuple[str, LoadedDoc]]
    errors: list[str]


def fleet_facts(
    paths: Sequence[str],
    *,
    limits: Limits,
    only: Filter | None,
    err: TextIO,
    jobs: int | None = None,
    use_cache: bool = True,
) -> FleetFacts:
    """The facts of every deploylint doc under ``paths``, from the same per-folder index as
    the hook's context: nothing is graded, and a file unchanged since the last run isn't
    read. A named file counts even if it doesn't say it is a deploylint doc."""
    found = discover(paths, only)
    for warning in found.warnings:
        say(err, warning, "warning")
    for note in found.notes:
        say(err, note, "note")
    sources = with_stdin_read(found.sources, limits.max_bytes)
    docs = _indexed(sources, limits, jobs, use_cache=use_cache)
    facts: list[DocFacts] = []
    unread: list[tuple[str, LoadedDoc]] = []
    errors = list(found.errors)
    by_folder: dict[Path | None, list[ContextDoc]] = {}
    for doc in docs:
        by_folder.setdefault(doc.source.path.parent if doc.source.path else None, []).append(doc)
    decoded: dict[Source, list[DocFacts]] = {}
    for group in by_folder.values():  # one folder's facts entry in memory at a time
        stored: dict[Path, dict[str, Any]] = {}
        decoded.update((doc.source, _facts_of(doc, limits, stored)) for doc in group)
    for doc in docs:
        if doc.error is not None:
            errors.append(doc.error)
        facts += decoded[doc.source]
        unread += [(doc.source.name, loaded) for loaded in doc.unread]
    return FleetFacts(facts, unread, errors)


@dataclass(slots=True)
class _Folder:
    """One folder's context files and its index entry, while they are being read."""

    key: bytes | None  # None: standard input, not cached
    index: dict[str, Any]  # as stored: each file's [stat, names]
    files: list[tuple[Source, tuple[int, ...] | None, Any]]  # source, stat, its index row


def _indexed(
    sources: list[Source], limits: Limits, jobs: int | None, *, use_cache: bool
) -> list[ContextDoc]:
    """Each source's ContextDoc, in the order given. Each folder has an index entry (each
    file's stat and the names it shares): a file whose stat hasn't changed (size, times,
    inode) isn't read; the others are read in one pool of workers for the whole run (a
    first run after a clone reads every doc). The folder's two entries (its index, and its
    docs' facts) are each written once, when something changed: a warm hook in a 2,000-doc
    repository reads one small entry per folder. A file that doesn't load, or can't be
    read, is left out of both, so it is read (and said) again next run. Without
    ``use_cache`` (--no-cache) every file is read and no entry is read or written."""
    folders: dict[Path | None, _Folder] = {}
    changed: list[Source] = []
    settled_before = time.time_ns() - cache.RACY_NS  # before any stat: see RACY_NS
    for source in sources:
        folder = source.path.parent if source.path else None
        if folder not in folders:
            key = _folder_key(folder, limits) if folder is not None and use_cache else None
            stored = cache.load(_INDEX, key) if key is not None else None
            folders[folder] = _Folder(key, stored if isinstance(stored, dict) else {}, [])
        entry = folders[folder]
        stamp, kept = _stamp(source), entry.index.get(_row(source))
        fresh = kept and stamp and _well_formed(kept) and tuple(kept[0]) == stamp
        entry.files.append((source, stamp, kept if fresh else None))
        if not fresh:
            changed.append(source)
    workers = workers_for(len(changed), jobs)
    read_now = dict(zip(changed, ordered(_read, changed, limits, workers), strict=True))
    docs: dict[Source, ContextDoc] = {}
    for entry in folders.values():
        for doc in _folder_docs(entry, read_now, settled_before):
            docs[doc.source] = doc
    return [docs[source] for source in sources]


def _folder_docs(
    entry: _Folder, read_now: dict[Source, _Read], settled_before: int
) -> list[ContextDoc]:
    """One folder's ContextDocs, and its entries stored if anything changed (a file last
    written after ``settled_before`` isn't: it is read again next run)."""
    fresh: dict[str, Any] = {}
    new: dict[str, Any] = {}  # the facts read afresh, for the folder's facts entry
    docs: list[ContextDoc] = []
    for source, stamp, kept in entry.files:
        if kept is not None:
            docs.append(ContextDoc(source, frozenset(kept[1]), stamp))
            fresh[_row(source)] = kept
            continue
        read_ = read_now[source]
        records = tuple(read_.records)
        names = frozenset(read_.names)
        docs.append(ContextDoc(source, names, stamp, records, read_.unread, read_.error))
        settled = stamp is not None and stamp[1] < settled_before  # its mtime
        if settled and stamp and not read_.unread and read_.error is None:
            fresh[_row(source)] = [list(stamp), read_.names]
            new[_row(source)] = [list(stamp), read_.records]
    if entry.key is not None:
        if new:
            _remember(entry.key, new, fresh)
        if fresh != entry.index:
            cache.store(_INDEX, entry.key, fresh)
    return docs


def _folder_key(folder: Path, limits: Limits) -> bytes:
    return json.dumps([os.path.realpath(folder), repr(limits)]).encode()


def _row(source: Source) -> str:
    """A file's row in its folder's entries: by its name, and whether it was named or met
    walking a folder (a walk skips a file that doesn't say it is a deploylint doc; named,
    the same file is read)."""
    return f"{'found' if source.found else 'named'}:{source.name}"


@dataclass(frozen=True, slots=True)
class _Read:
    """What one file says to a fleet: the names its docs share, their facts as JSON data,
    its docs that don't load, and why it couldn't be read (None: it could)."""

    names: list[str]
    records: list[Any]
    unread: tuple[LoadedDoc, ...] = ()
    error: str | None = None


def _read(source: Source, limits: Limits) -> _Read:
    """``_extracted``, where one file's internal error is that file's, not the run's."""
    try:
        return _extracted(source, limits)
    except Exception as error:  # said as this file's error: the others are still read
        return _Read(
            [],
            [],
            error=f"{source.name}: internal error while reading its fleet "
            f"facts: {type(error).__name__}: {error}",
        )


def _extracted(source: Source, limits: Limits) -> _Read:
    """A file's fleet facts, read from the file."""
    try:
        raw = read(source, limits.max_bytes)
    except Unreadable as error:
        return _Read([], [], error=str(error))
    if isinstance(raw, int):  # over the size limit: its one doc says so
        return _Read([], [], unread=tuple(oversized(raw, limits)))
    if source.found and not any(marker in raw for marker in _MARKERS):
        return _Read([], [])
    facts: list[DocFacts] = []
    unread: list[LoadedDoc] = []
    for doc in load_bytes(raw, limits):
        if not doc.gradable:
            unread.append(doc)
        elif is_deploylint_doc(doc.data):
            facts.append(doc_facts(doc, file=source.name, name=written.doc_name(doc.data)))
    names = sorted(set().union(*(shares(fact) for fact in facts)) if facts else set())
    return _Read(names, [encode_facts(fact) for fact in facts], tuple(unread))


def _remember(key: bytes, new: dict[str, Any], index: dict[str, Any]) -> None:
    """Add the docs read afresh to the folder's facts entry (dropping docs it no longer has)."""
    stored = cache.load(_RECORDS, key) if len(new) < len(index) else None
    kept = stored if isinstance(stored, dict) else {}
    merged = {name: kept[name] for name in index if name in kept and name not in new}
    cache.store(_RECORDS, key, {**merged, **new})


def _facts_of(
    doc: ContextDoc, limits: Limits, stored: dict[Path, dict[str, Any]]
) -> list[DocFacts]:
    """A relevant context doc's facts: as read this run, from its folder's facts entry, or
    from the file again if the entry is gone or stale."""
    records: Any = doc.records
    if records is None and doc.source.path is not None and doc.stamp is not None:
        folder = doc.source.path.parent
        if folder not in stored:
            entry = cache.load(_RECORDS, _folder_key(folder, limits))
            stored[folder] = entry if isinstance(entry, dict) else {}
        kept = stored[folder].get(_row(doc.source))
        if isinstance(kept, list) and len(kept) == 2 and tuple(kept[0]) == doc.stamp:
            records = kept[1]
    decoded = _decoded(records, doc.source.name) if records is not None else None
    if decoded is None:
        decoded = _decoded(_extracted(doc.source, limits).records, doc.source.name)
    return decoded or []


def _well_formed(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)


def _stamp(source: Source) -> tuple[int, ...] | None:
    """What says a file is unchanged since it was indexed (None: it can't be said)."""
    try:
        info = source.path.stat() if source.path is not None else None
    except OSError:
        return None
    if info is None:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _decoded(records: Any, file: str) -> list[DocFacts] | None:
    try:
        return [decode_facts(record, file) for record in records]
    except (IndexError, KeyError, TypeError, ValueError):
        return None  # an entry from another shape of the records: read the doc again
