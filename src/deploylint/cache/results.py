"""A result cache for the unchanged doc, as ruff and mypy keep one.

A file's whole graded result (its findings, the rules that applied, its waivers, and the
facts the fleet rules read) is stored under the file's name and bytes and a digest of
everything else grading depends on: deploylint's code (its files' content, not its version
number: deploylint.cache.codedigest), the rubric as configured (every
rule's fields, severity and parameters), --today, the ignored and unwaivable rules, the
limits, and whether the file was named or found. So a hit is exactly what a miss would
compute, and the fleet rules still see every doc. Entries live in `deploylint.cache`: plain
JSON with an HMAC, written atomically, never trusted to run anything; an entry that doesn't
verify or decode is graded again. `--no-cache` or DEPLOYLINT_NO_CACHE=1 turns it off, and
in CI it is off unless DEPLOYLINT_CACHE=1 (deploylint.cache.enabled).
"""

from __future__ import annotations

import hashlib
import sys
from typing import Any, Final

from deploylint import cache
from deploylint.cache.codedigest import digest as code_digest
from deploylint.cache.plain import plain
from deploylint.fleet.facts import decode_facts, encode_facts
from deploylint.gate.waivers import ActiveWaiver
from deploylint.report.findings import Finding, Severity
from deploylint.rubric.grade import DocResult, FileResult, Settings, grade_file

_KIND: Final = "result"
_DIGESTS: dict[int, tuple[Settings, str]] = {}  # id(settings) -> (settings, digest): one a run


def settings_digest(settings: Settings) -> str:
    """What grading depends on besides the file, as one hash (worked out once a run)."""
    known = _DIGESTS.get(id(settings))
    if known is not None and known[0] is settings:
        return known[1]
    rules = sorted(settings.rubric.rules.values(), key=lambda rule: rule.id)
    parts = [
        code_digest(),
        settings.today.isoformat(),
        repr(sorted(settings.ignored)),
        repr(sorted(settings.unwaivable)),
        repr(settings.limits),
        *(repr(rule) for rule in rules),  # every field: predicate, templates, params, severity
    ]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    if len(_DIGESTS) > 64:  # a long-lived process (the test suite) makes many settings
        _DIGESTS.clear()
    _DIGESTS[id(settings)] = (settings, digest)
    return digest


def grade_cached(content: bytes, *, file: str, settings: Settings, sniff: bool) -> FileResult:
    """``grade_file``'s result, from the cache when this file's bytes were graded before
    with the same settings."""
    if not settings.use_cache or cache.folder() is None:
        return grade_file(content, file=file, settings=settings, sniff=sniff)
    kind = f"{_KIND}-{settings_digest(settings)[:32]}-{'found' if sniff else 'named'}"
    key = file.encode("utf-8", "surrogateescape") + b"\0" + content
    entry = cache.load(kind, key)
    if isinstance(entry, dict):
        try:
            return _decoded(entry, file)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            pass  # another shape of entry: grade again
    result = grade_file(content, file=file, settings=settings, sniff=sniff)
    cache.store(kind, key, _encoded(result))
    return result


def _encoded(result: FileResult) -> dict[str, Any]:
    return {
        "skipped": result.skipped,
        "documents": [
            {
                "index": doc.index,
                "name": doc.name,
                "graded": doc.graded,
                "findings": [{**plain(f), "severity": int(f.severity)} for f in doc.findings],
                "applied": sorted(doc.applied),
                "facts": encode_facts(doc.facts) if doc.facts is not None else None,
                "active_waivers": [plain(w) for w in doc.waivers],
                "blast_radius": doc.blast_radius,
            }
            for doc in result.documents
        ],
    }


def _decoded(entry: dict[str, Any], file: str) -> FileResult:
    documents = tuple(
        DocResult(
            index=int(doc["index"]),
            name=doc["name"] if isinstance(doc["name"], str) else None,
            graded=bool(doc["graded"]),
            findings=tuple(_finding(f) for f in doc["findings"]),
            applied=frozenset(str(rule) for rule in doc["applied"]),
            facts=decode_facts(doc["facts"], file) if doc["facts"] is not None else None,
            waivers=tuple(
                ActiveWaiver(**{**w, "path": tuple(w["path"])}) for w in doc["active_waivers"]
            ),
            blast_radius=_text_or_none(doc["blast_radius"]),
        )
        for doc in entry["documents"]
    )
    return FileResult(file, documents, skipped=int(entry["skipped"]))


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# Text that many findings repeat. A fresh result shares these strings (a rule's own
# title, the doc's columns), and so does its pickle on the way from a worker; decoded
# from JSON each finding had its own copies: 162 MB against 147 MB for 10,000 cached docs.
_SHARED_TEXT: Final = frozenset(
    ("rule", "area", "title", "file", "path", "blast_radius", "rollback_unit", "remediation")
)


def _finding(record: dict[str, Any]) -> Finding:
    fields: dict[str, Any] = {
        name: sys.intern(value) if name in _SHARED_TEXT and isinstance(value, str) else value
        for name, value in record.items()
    }
    return Finding(**{**fields, "severity": Severity(fields["severity"])})
