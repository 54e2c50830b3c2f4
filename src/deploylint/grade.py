"""Grade one file: load its documents, check their shape, apply the rubric, render findings.

Everything here is a pure function of the file's bytes and the settings, so files can be
graded in any order (or in worker processes) and give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deploylint.docschema import api_version_problem, is_deploylint_doc, shape_problems
from deploylint.findings import Finding
from deploylint.loader import Limits, LoadedDoc, ShapeProblem, load_bytes, oversized
from deploylint.rubric.engine import Hit, evaluate
from deploylint.rubric.model import Rubric
from deploylint.rubric.render import finding
from deploylint.waivers import apply_waivers


@dataclass(frozen=True, slots=True)
class Settings:
    """What grading depends on besides the file itself."""

    rubric: Rubric
    today: date
    limits: Limits = field(default_factory=Limits)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocResult:
    """One graded document: its findings, and its data for fleet views and reports."""

    index: int
    name: str | None
    graded: bool
    findings: tuple[Finding, ...]
    data: Any = None
    applied: frozenset[str] = frozenset()  # rules that applied: met unless they have findings


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
    if doc.gradable:
        unknown_version = api_version_problem(doc)
        if unknown_version is not None:
            problems.append(unknown_version)
        else:
            problems += shape_problems(doc)
            evaluation = evaluate(doc.data, rules, today=settings.today, params=settings.params)
            hits = evaluation.hits
            applied |= evaluation.applied
        if doc.data.get("waivers"):
            applied |= {rule.id for rule in rules if rule.area == "waivers"}
    hits = [_problem_hit(p, settings.rubric) for p in problems] + hits
    findings = [finding(doc, hit, file=file, today=settings.today) for hit in hits]
    if doc.gradable:
        findings = apply_waivers(doc, findings, file=file, settings=settings)
    metadata = doc.data.get("metadata") if doc.gradable else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return DocResult(
        index=doc.index,
        name=name if isinstance(name, str) else None,
        graded=doc.gradable,
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        data=doc.data,
        applied=frozenset(applied | {f.rule for f in findings}),
    )


def _problem_hit(problem: ShapeProblem, rubric: Rubric) -> Hit:
    rule = rubric.rule(problem.rule)
    return Hit(
        rule, problem.path, False, values={"detail": problem.message}, where=problem.position
    )
