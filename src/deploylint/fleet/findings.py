"""Render the fleet's cross-doc hits as findings, with each doc's own blast and rollback."""

from __future__ import annotations

from collections.abc import Sequence

from deploylint.findings import Finding, Position
from deploylint.fleet.analysis import FleetHit, fleet_hits
from deploylint.fleet.facts import DocFacts
from deploylint.rubric.model import Rubric
from deploylint.rubric.render import build_finding


def fleet_findings(docs: Sequence[DocFacts], rubric: Rubric) -> list[Finding]:
    """The cross-doc findings of a run, rendered with each doc's own blast and rollback."""
    by_doc = {(d.file, d.document): d for d in docs}
    return [
        _render(hit, by_doc[(hit.site.file, hit.site.document)], rubric) for hit in fleet_hits(docs)
    ]


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
