"""Render the fleet's cross-doc hits as findings, with each doc's own blast and rollback."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Final

from deploylint.fleet.analysis import FleetHit, fleet_hits
from deploylint.fleet.facts import DocFacts
from deploylint.report.findings import Finding, Position
from deploylint.rubric.model import Rubric
from deploylint.rubric.render import MAX_COLUMN, build_finding

MAX_PER_RULE: Final = 1_000  # fleet findings of one rule listed per run; then a count


def fleet_findings(
    docs: Sequence[DocFacts], rubric: Rubric, graded: Collection[tuple[str, int]] | None = None
) -> list[Finding]:
    """The cross-doc findings of a run on the ``graded`` docs (all, by default), rendered
    with each doc's own blast and rollback. A fleet of N docs sharing M agent ids finds
    N x M of them: each rule lists the first MAX_PER_RULE in file order, and the next one
    says how many more there are, so output and time stay bounded."""
    by_doc = {(d.file, d.document): d for d in docs}
    grouped: dict[str, list[FleetHit]] = defaultdict(list)
    for hit in fleet_hits(docs):
        if graded is None or (hit.site.file, hit.site.document) in graded:
            grouped[hit.rule].append(hit)
    found: list[Finding] = []
    for rule, hits in grouped.items():
        hits.sort(
            key=lambda hit: (hit.site.file, hit.site.document, hit.site.line, hit.site.column)
        )
        found += [_render(hit, by_doc[_doc(hit)], rubric) for hit in hits[:MAX_PER_RULE]]
        if len(hits) > MAX_PER_RULE:
            first = _render(hits[MAX_PER_RULE], by_doc[_doc(hits[MAX_PER_RULE])], rubric)
            more = len(hits) - MAX_PER_RULE
            gap = (
                f"{more:,} more {rule} findings in this run are not listed (the first "
                f"{MAX_PER_RULE:,} are); the next: {first.gap}"
            )
            found.append(replace(first, gap=gap[:MAX_COLUMN]))
    return found


def _doc(hit: FleetHit) -> tuple[str, int]:
    return hit.site.file, hit.site.document


def _render(hit: FleetHit, doc: DocFacts, rubric: Rubric) -> Finding:
    blast = dict(doc.blast)
    agent = hit.values.get("agent")
    variables = {
        **hit.values,
        "blast": blast.get(agent, "") if agent else "; ".join(blast.values()),
        "rollback": doc.rollback,
    }
    return build_finding(
        rubric.rule(hit.rule),
        missing=False,
        variables=variables,
        file=hit.site.file,
        document=hit.site.document,
        where=Position(hit.site.line, hit.site.column),
        path=hit.site.path,
        guess=hit.guess,
    )
