"""The gap report's content, shared by the Markdown and HTML reporters: a verdict per doc, a
grade per area, the findings, the waivers and the fleet map, ready for a template.

Verdicts and grades come from ``deploylint.gate.verdict``; nothing here re-grades. jinja2 is
imported only when a template is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploylint.fleet.map import ResourceRow
from deploylint.gate.verdict import AreaGrade, Grade, Verdict, area_grades, gate_sentence, verdict
from deploylint.gate.waivers import ActiveWaiver
from deploylint.report import RenderOptions, ReportError
from deploylint.report.findings import Finding
from deploylint.report.outcome import Report
from deploylint.rubric.grade import DocResult
from deploylint.rubric.model import Area, Rule

FULL_REPORT = "deploylint check --format html --output report.html"


def doc_label(file: str, name: str | None, index: int, of: int) -> str:
    """How reports name a doc: its file, its metadata.name, and which document of the file."""
    label = f"{file} · {name}" if name else file
    return f"{label} (document {index} of {of})" if of > 1 else label


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class WaiverRow:
    """A waiver the doc honours, and how many of its findings it accepts."""

    rule: str
    scope: str | None  # a key path; None: the whole doc
    reason: str
    approved_by: str
    expires: str
    covers: int


@dataclass(frozen=True, slots=True)
class DocSection:
    """One graded doc as the report shows it; ``findings`` may be cut to fit a size limit."""

    number: int  # 1-based, in report order: anchors and cross-references
    file: str
    name: str | None
    index: int
    of: int  # documents in the file
    verdict: Verdict
    areas: tuple[AreaGrade, ...]
    findings: tuple[Finding, ...]
    total: int  # findings in the doc, shown or not
    waived: int
    waivers: tuple[WaiverRow, ...]  # honoured: complete, approved by a human, unexpired
    waiver_problems: tuple[Finding, ...]  # waivers that can't be honoured (expired, ...)
    blast_radius: str | None = None  # the doc's whole blast radius, said once (None: ungraded)

    @property
    def label(self) -> str:
        return doc_label(self.file, self.name, self.index, self.of)

    @property
    def hidden(self) -> int:
        return self.total - len(self.findings)

    @property
    def met(self) -> int:
        return sum(len(area.met) for area in self.areas)

    @property
    def applied(self) -> int:
        return sum(len(a.met) + len(a.gaps) + len(a.waived) for a in self.areas)


@dataclass(frozen=True, slots=True)
class GapReport:
    """Everything a gap-report template reads."""

    report: Report
    docs: tuple[DocSection, ...]  # every doc, for the summary table
    detailed: int  # how many docs get a full section (all of them unless cut to fit)
    verdict: Verdict
    rules: Mapping[str, Rule]
    areas: tuple[Area, ...]  # the graded areas, in the order every doc's grades come in
    area_detail: bool = True  # each doc's rule lists per area (else only the grade matrix)
    full_report: str = FULL_REPORT

    @property
    def shown(self) -> int:
        return sum(len(doc.findings) for doc in self.docs[: self.detailed])

    @property
    def truncated(self) -> bool:
        cut = self.shown < len(self.report.findings) or self.detailed < len(self.docs)
        return cut or not self.area_detail

    @property
    def fleet(self) -> tuple[ResourceRow, ...]:
        return self.report.fleet

    @property
    def summary(self) -> str:
        return summary(self.report)

    @property
    def gate(self) -> str:
        return gate(self.report)


def summary(report: Report) -> str:
    """Docs, findings by severity and waived ones, in one sentence (no doc content)."""
    from deploylint.report.text import findings_phrase

    text = f"{_plural(report.documents, 'document')} in {_plural(len(report.files), 'file')}"
    return f"{text}: {findings_phrase(report)}."


def gate(report: Report) -> str:
    """What the exit code says: the threshold, how many findings reach it, pass or fail;
    INCOMPLETE when an error kept something from being graded."""
    return gate_sentence(report) + "."


def overall(verdicts: list[Verdict]) -> Verdict:
    """The run's verdict: the worst of its docs' (authorized when there are none)."""
    order = [Verdict.AUTHORIZED, Verdict.ACCEPTED_RISK, Verdict.NOT_AUTHORIZED]
    return max(verdicts, key=order.index, default=Verdict.AUTHORIZED)


def _priority(found: Finding) -> tuple[bool, int, tuple[str, int, int, int, str, str]]:
    return (found.waived, -found.severity, found.sort_key())


def kept(report: Report, limit: int | None) -> set[int]:
    """Positions (in ``report.findings``) of the ``limit`` findings a cut report keeps: open
    before waived (accepted risk can wait), the most severe first, then in file order."""
    findings = report.findings
    if limit is None:
        return set(range(len(findings)))
    return set(sorted(range(len(findings)), key=lambda i: _priority(findings[i]))[:limit])


def gap_report(
    report: Report,
    *,
    area_detail: bool = True,
    findings: int | None = None,
    detailed: int | None = None,
) -> GapReport:
    """The report's content. To fit a size limit: without ``area_detail`` docs show no rule
    lists per area, ``findings`` keeps only that many (the most severe), ``detailed`` gives a
    full section to only the first that many docs."""
    keep = kept(report, findings)
    docs: list[DocSection] = []
    position = 0
    for result in report.files:
        for doc in result.documents:
            shown = tuple(f for i, f in enumerate(doc.findings, position) if i in keep)
            position += len(doc.findings)
            where = (len(docs) + 1, result.file, len(result.documents))
            docs.append(_section(report, doc, where, shown))
    rubric = report.rubric
    return GapReport(
        report=report,
        docs=tuple(docs),
        detailed=len(docs) if detailed is None else min(detailed, len(docs)),
        verdict=Verdict.INCOMPLETE if report.errors else overall([d.verdict for d in docs]),
        rules=rubric.rules if rubric is not None else {},
        areas=tuple(rubric.areas[a.area] for a in docs[0].areas) if docs and rubric else (),
        area_detail=area_detail,
    )


def _section(
    report: Report, doc: DocResult, where: tuple[int, str, int], shown: tuple[Finding, ...]
) -> DocSection:
    number, file, of = where
    areas = tuple(area_grades(doc, report.rubric)) if report.rubric is not None else ()
    return DocSection(
        number=number,
        file=file,
        name=doc.name,
        index=doc.index,
        of=of,
        verdict=verdict(doc, report.fail_on),
        areas=areas,
        findings=shown,
        total=len(doc.findings),
        waived=sum(f.waived for f in doc.findings),
        waivers=tuple(_waiver_row(w, doc.findings) for w in doc.waivers),
        waiver_problems=tuple(f for f in doc.findings if f.area == "waivers"),
        blast_radius=doc.blast_radius,
    )


def _waiver_row(waiver: ActiveWaiver, findings: tuple[Finding, ...]) -> WaiverRow:
    # the first matching waiver accepts a finding, and stamps its text on it
    covers = sum(f.waiver_reason == waiver.accepted and waiver.covers(f) for f in findings)
    return WaiverRow(
        waiver.rule, waiver.scope, waiver.reason, waiver.approved_by, waiver.expires, covers
    )


def load_template(
    default: str,
    options: RenderOptions,
    *,
    html: bool,
    filters: Mapping[str, Callable[..., Any]],
) -> Any:
    """The report's own template (or ``--template``), with partials found beside either.

    A --template may come from a pull request: it renders in a bounded sandbox."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from deploylint.report.sandbox import BoundedSandbox, ContainedLoader
    from deploylint.resources import data_dir

    folders: list[Path] = [data_dir("templates")]
    if options.template is None:
        kind: type[Environment] = Environment
        loader: FileSystemLoader = FileSystemLoader(folders)
        name = default
    else:
        real = _readable_template(options.template)
        folders.insert(0, real.parent)
        kind, loader, name = BoundedSandbox, ContainedLoader(folders), real.name
    environment = kind(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=html,  # doc content can never become markup; Markdown escapes per value
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(filters)
    environment.globals.update(Grade=Grade, Verdict=Verdict)
    if options.template is None:
        return environment.get_template(name)
    return UserTemplate(environment, name, options.template)


def _readable_template(template: Path) -> Path:
    """The --template's real file (a link is rendered from its target, its partials from
    beside the target); ReportError when it must not be read."""
    from deploylint.input.repository import repository_root
    from deploylint.report.sandbox import template_refusal

    refusal = template_refusal(template, repository_root(Path.cwd()))
    if refusal is not None:
        raise ReportError(f"{template}: {refusal}")
    return template.resolve()


class UserTemplate:
    """A --template: loaded and rendered in a forked, bounded child; one-line errors."""

    def __init__(self, environment: Any, name: str, path: Path) -> None:
        self.environment, self.name, self.path = environment, name, path

    def render(self, **context: Any) -> str:
        from deploylint.report.sandbox import render_bounded

        def rendered() -> str:
            text: str = self.environment.get_template(self.name).render(**context)
            return text

        return render_bounded(rendered, what=str(self.path))
