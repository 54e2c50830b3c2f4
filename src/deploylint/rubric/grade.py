"""Grade one file: load its documents, check their shape, apply the rubric, render findings.

Everything here is a pure function of the file's bytes and the settings, so files can be
graded in any order (or in worker processes) and give the same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final, Protocol

from deploylint.fleet.facts import DocFacts, doc_facts
from deploylint.gate.waivers import ActiveWaiver, apply_waivers, mark_waived
from deploylint.load.docschema import api_version_problem, shape_problems
from deploylint.load.loader import Limits, LoadedDoc, ShapeProblem, load_bytes, oversized
from deploylint.model import written
from deploylint.model.doc_model import build
from deploylint.model.written import is_deploylint_doc
from deploylint.report.findings import Finding, Position
from deploylint.rubric import budget
from deploylint.rubric.engine import Hit, evaluate
from deploylint.rubric.model import Rubric
from deploylint.rubric.overlap import TWO_READINGS, one_each, read_once
from deploylint.rubric.render import DocView, build_finding, finding


@dataclass(frozen=True, slots=True)
class Settings:
    """What grading depends on besides the file itself."""

    rubric: Rubric  # with any per-rule severity and parameters from the config applied
    today: date
    limits: Limits = field(default_factory=Limits)
    ignored: frozenset[str] = frozenset()  # rules not selected, or ignored: never reported
    unwaivable: frozenset[str] = frozenset()  # rules a doc's waiver may not accept
    use_cache: bool = True  # results of unchanged files from the cache (deploylint.cache.results)


@dataclass(frozen=True, slots=True)
class DocResult:
    """One graded document: its findings, and its data for fleet views and reports."""

    index: int
    name: str | None
    graded: bool
    findings: tuple[Finding, ...]
    applied: frozenset[str] = frozenset()  # rules that applied: met unless they have findings
    facts: DocFacts | None = None  # what the doc contributes to the fleet view
    waivers: tuple[ActiveWaiver, ...] = ()
    blast_radius: str | None = None  # the doc's whole blast radius (None: not graded)


@dataclass(frozen=True, slots=True)
class FileResult:
    """Every document of one file; ``skipped`` counts documents that aren't deploylint docs."""

    file: str
    documents: tuple[DocResult, ...]
    skipped: int = 0

    @property
    def findings(self) -> list[Finding]:
        return [f for doc in self.documents for f in doc.findings]


def grade_file(
    content: bytes | int, *, file: str, settings: Settings, sniff: bool = False
) -> FileResult:
    """Grade every document in a file, given its bytes (or only its size, when over the limit).

    With ``sniff`` (files found by walking a folder), documents that aren't deploylint docs
    are skipped instead of graded.
    """
    budget.restart()  # each file has its own budget for custom rules' evaluation
    if isinstance(content, int):
        return FileResult(
            file, (grade_doc(oversized(content, settings.limits)[0], file=file, settings=settings),)
        )
    raw = content
    docs = load_bytes(raw, settings.limits)
    if sniff and not _mentions_deploylint(raw, docs):
        return FileResult(file, (), skipped=len(docs))
    graded = [d for d in docs if not (sniff and d.gradable and not is_deploylint_doc(d.data))]
    results = tuple(grade_doc(doc, file=file, settings=settings) for doc in graded)
    return FileResult(file, results, skipped=len(docs) - len(graded))


def _mentions_deploylint(raw: bytes, docs: list[LoadedDoc]) -> bool:
    if any(doc.gradable and is_deploylint_doc(doc.data) for doc in docs):
        return True
    # A file that doesn't load can't say what it is: grade it only if it looks like ours.
    return any(not doc.gradable for doc in docs) and (
        b"deploylint/" in raw or b"AgentDeployment" in raw
    )


def grade_doc(doc: LoadedDoc, *, file: str, settings: Settings) -> DocResult:
    """Shape problems and rubric hits for one document, rendered, waived and sorted."""
    rules = settings.rubric.rules.values()
    problems = list(doc.problems)
    hits: list[Hit] = []
    applied = {rule.id for rule in rules if rule.area == "document"}
    model = build(doc.data) if doc.gradable else None
    graded = False
    if doc.gradable:
        unknown_version = api_version_problem(doc)
        if unknown_version is not None:
            # Not graded: DL010/DL013 is its one finding, not how other readers read it.
            problems = [p for p in problems if p.rule != TWO_READINGS] + [unknown_version]
        else:
            problems = read_once(problems + shape_problems(doc))
            # Ignored rules run too: a placeholder they report stays theirs (quiet with
            # them) rather than turning up as RV011, and a waiver naming one still matches.
            evaluation = evaluate(doc.data, rules, today=settings.today, model=model)
            hits, graded = evaluation.hits, True
            applied |= evaluation.applied
        if written.declares_waivers(doc.data):
            applied |= {rule.id for rule in rules if rule.area == "waivers"}
    hits = one_each(hits, problems, doc.locate)
    hits = [_problem_hit(p, settings.rubric) for p in problems] + hits
    # An ignored rule's hits matter only to a waiver naming it (else WV002: "not needed"),
    # and must not take the place of reported findings under the cap.
    waived = _waived_rules(doc)
    hits = [h for h in hits if h.rule.id not in settings.ignored or h.rule.id in waived]
    hits = _capped(hits, doc, settings)
    view = DocView(doc, settings.today, model)
    findings = [finding(doc, hit, file=file, today=settings.today, view=view) for hit in hits]
    active: list[ActiveWaiver] = []
    if doc.gradable:
        findings, active = apply_waivers(doc, findings, file=file, settings=settings)
    findings = [f for f in findings if f.rule not in settings.ignored]
    name = written.doc_name(doc.data) if doc.gradable else None
    return DocResult(
        index=doc.index,
        name=name,
        graded=doc.gradable,
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        applied=frozenset(applied | {f.rule for f in findings}) - settings.ignored,
        facts=doc_facts(doc, file=file, name=name, model=model) if doc.gradable else None,
        waivers=tuple(active),
        blast_radius=view.blast.text() if graded else None,
    )


MAX_FINDINGS: Final = 1_000  # per document; past that, one DL011 says how many more


def _capped(hits: list[Hit], doc: LoadedDoc, settings: Settings) -> list[Hit]:
    """The first MAX_FINDINGS hits in file order, and a DL011 hit counting the rest."""
    if len(hits) <= MAX_FINDINGS:
        return hits
    placed = sorted(((hit.where or doc.locate(hit.path), hit) for hit in hits), key=_in_file)
    where = placed[MAX_FINDINGS][0]
    message = _over_limit(len(hits) - MAX_FINDINGS, "findings")
    limit = _problem_hit(ShapeProblem("DL011", where, (), message), settings.rubric)
    return [hit for _, hit in placed[:MAX_FINDINGS]] + [limit]


def _waived_rules(doc: LoadedDoc) -> set[Any]:
    return written.waived_rules(doc.data) if doc.gradable else set()


def _over_limit(count: int, kind: str) -> str:
    return f"{count:,} more {kind} in this document are not listed (the first {MAX_FINDINGS:,} are)"


def _in_file(placed: tuple[Position, Hit]) -> tuple[int, int]:
    return placed[0].line, placed[0].column


def _problem_hit(problem: ShapeProblem, rubric: Rubric) -> Hit:
    rule = rubric.rule(problem.rule)
    return Hit(
        rule, problem.path, False, values={"detail": problem.message}, where=problem.position
    )


class ContextFleet(Protocol):
    """The rest of the fleet (deploylint.fleet.context.Context): what bears on some docs."""

    def relevant(self, graded: Sequence[DocFacts]) -> Sequence[DocFacts]: ...


def with_fleet(
    results: list[FileResult],
    settings: Settings,
    context: Sequence[DocFacts] | ContextFleet = (),
) -> list[FileResult]:
    """Add the cross-doc findings of a run to the docs they point at (waivers apply).
    ``context``: other docs' facts (--fleet-context), seen by the fleet rules, never reported."""
    from deploylint.fleet.findings import fleet_findings

    rubric = settings.rubric
    docs = [doc for result in results for doc in result.documents if doc.facts is not None]
    if not isinstance(context, Sequence):
        context = context.relevant([doc.facts for doc in docs if doc.facts is not None])
    if not docs or len(docs) + len(context) < 2:
        return results
    found: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    fleet = [doc.facts for doc in docs if doc.facts is not None] + list(context)
    graded = {(doc.facts.file, doc.facts.document) for doc in docs if doc.facts is not None}
    for extra in fleet_findings(fleet, rubric, graded):
        if extra.rule not in settings.ignored:
            found[(extra.file, extra.document)].append(extra)
    fleet_rules = frozenset(r.id for r in rubric.rules.values() if r.area == "fleet")
    fleet_rules -= settings.ignored

    unions: dict[frozenset[str], frozenset[str]] = {}  # docs share equal sets (see collect)

    def applied(doc: DocResult) -> frozenset[str]:
        if doc.applied not in unions:
            unions[doc.applied] = doc.applied | fleet_rules
        return unions[doc.applied]

    def merged(result: FileResult) -> FileResult:
        documents = [
            _merged(doc, found.get((result.file, doc.index), []), applied(doc), rubric)
            if doc.facts is not None
            else doc
            for doc in result.documents
        ]
        return replace(result, documents=tuple(documents))

    return [merged(result) for result in results]


def _merged(
    doc: DocResult, extra: list[Finding], applied: frozenset[str], rubric: Rubric
) -> DocResult:
    marked, _ = mark_waived(extra, doc.waivers)
    room = max(0, MAX_FINDINGS - len(doc.findings))
    if len(marked) > room:  # the cap holds for fleet findings too
        marked.sort(key=Finding.sort_key)
        first = marked[room]
        limit = build_finding(
            rubric.rule("DL011"),
            missing=False,
            variables={"detail": _over_limit(len(marked) - room, "fleet findings")},
            file=first.file,
            document=first.document,
            where=Position(first.line, first.column),
            path=(),
        )
        marked = [*marked[:room], limit]
    findings = tuple(sorted((*doc.findings, *marked), key=Finding.sort_key))
    return replace(doc, findings=findings, applied=applied)
