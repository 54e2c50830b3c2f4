"""What ``deploylint rules`` and ``deploylint explain`` show: the rubric, described."""

from __future__ import annotations

import difflib
import json
from datetime import date
from typing import Any, Final

from deploylint.load.keypath import format_path
from deploylint.report.findings import Finding
from deploylint.rubric.examples import dump_yaml, example_text
from deploylint.rubric.grade import Settings, grade_file, with_fleet
from deploylint.rubric.model import Example, Rubric, Rule


class UnknownRule(Exception):
    """A rule id the rubric doesn't have; the message suggests the closest one."""


def find_rule(rubric: Rubric, rule_id: str) -> Rule:
    wanted = rule_id.strip().upper()
    if wanted in rubric.rules:
        return rubric.rules[wanted]
    close = difflib.get_close_matches(wanted, list(rubric.rules), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UnknownRule(f"unknown rule {rule_id!r}{hint}; `deploylint rules` lists them all")


def rule_record(rule: Rule) -> dict[str, Any]:
    """A rule as JSON: what it is, why, how to fix it, and where it looks."""
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "area": rule.area,
        "severity": rule.severity.label,
        "precision": rule.precision,
        "why": rule.why,
        "trigger": trigger(rule),
        "guess": " ".join(rule.guess.split()) if rule.guess else None,
        "remediation": rule.remediation,
        "subject": rule.subject,
        "references": [{"title": r.title, "url": r.url} for r in rule.references],
    }


def rules_json(rubric: Rubric) -> str:
    return (
        json.dumps([rule_record(r) for r in rubric.rules.values()], indent=2, ensure_ascii=False)
        + "\n"
    )


def rules_markdown(rubric: Rubric) -> str:
    """The rubric as Markdown (docs/rules.md), from templates/rules.md.j2."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from deploylint.resources import data_dir

    environment = Environment(
        loader=FileSystemLoader(data_dir("templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        autoescape=False,  # Markdown, not HTML; table cells are escaped by `cell`
    )
    environment.filters["cell"] = lambda text: " ".join(str(text).split()).replace("|", "\\|")
    template = environment.get_template("rules.md.j2")
    return template.render(areas=list(rubric.areas.values()), rules=rubric.rules, trigger=trigger)


def trigger(rule: Rule) -> str:
    """What makes the rule fire, in words: the rubric's own sentence, or one built from its
    data; then where it doesn't apply (its `unless:` facts)."""
    exempt = "".join(f" Not applied to {EXEMPTION_TEXT[fact]}." for fact in rule.unless)
    return _fires(rule) + exempt


def _fires(rule: Rule) -> str:
    if rule.trigger:
        return " ".join(rule.trigger.split())
    if rule.engine:
        return "Raised by deploylint while reading the doc's YAML, shape or waivers."
    where = f"At {rule.subject}"
    if rule.check:
        settings = json.dumps(dict(rule.params))
        return f"{where}: the check {rule.check} finds a gap (parameters: {settings})."
    parts = ["when it is not declared"] if rule.gap.missing else []
    if rule.require is not None:
        parts.append(f"when it does not satisfy {json.dumps(rule.require)}")
    return f"{where}: fires {' or '.join(parts)}."


EXEMPTION_TEXT: Final = {
    "agent_reads_only": (
        "an agent whose every tool declares `effect: read` and that declares no writes: it "
        "changes nothing"
    ),
    "component_writes_nothing": (
        "a component that writes nothing (`writes: false`, or `role:` reader, consumer, "
        "cursor or cache without `writes: true`)"
    ),
}


def example_finding(rubric: Rubric, rule: Rule, today: date) -> Finding | None:
    """The finding the rule's bad example produces, to show the three columns for real."""
    raw = example_text(rubric, rule.bad).encode("utf-8")
    if rule.area == "audit_rows":
        from io import BytesIO

        from deploylint.audit.rows import read_rows
        from deploylint.audit.run import findings, spec_from_doc

        rows = read_rows(BytesIO(raw))
        found = findings(rows, spec_from_doc(None, rubric), rubric, "bad-example.jsonl")
        return next((f for f in found if f.rule == rule.id), None)
    settings = example_settings(rubric, rule.bad, today)
    result = grade_file(raw, file="bad-example.yaml", settings=settings)
    graded = with_fleet([result], settings)[0]  # a fleet rule's example is two documents
    return next((f for f in graded.findings if f.rule == rule.id), None)


def example_settings(rubric: Rubric, example: Example, today: date) -> Settings:
    """The settings an example runs with: its own config, if it has one."""
    if example.config is None:
        return Settings(rubric, today)
    from deploylint.gate.config import config_from
    from deploylint.gate.configure import ignored_rules, unwaivable_rules

    config = config_from(example.config, None)
    return Settings(
        rubric,
        today,
        ignored=ignored_rules(rubric, config),
        unwaivable=unwaivable_rules(rubric, config),
    )


def _example_lines(example: Example) -> list[str]:
    if example.text is not None:
        return ["  " + line for line in example.text.rstrip("\n").splitlines()]
    if not example.edits:
        return ["  the rubric's base doc, unchanged"]
    lines: list[str] = []
    if example.config is not None:
        lines += [
            "  with the config:",
            *("    " + line for line in dump_yaml(dict(example.config)).splitlines()),
        ]
    for edit in example.edits:
        if edit.delete:
            lines.append(f"  {format_path(edit.path)}: (removed)")
            continue
        lines.append(f"  {format_path(edit.path)}:")
        lines += ["    " + line for line in dump_yaml(edit.value).rstrip("\n").splitlines()]
    return lines


EXPLAIN_WIDTH: Final = 92  # columns, when the terminal's width isn't known
MIN_WIDTH: Final = 40


def explain(rubric: Rubric, rule: Rule, today: date, width: int | None = None) -> str:
    """The full description ``deploylint explain RULE`` prints, ``width`` columns wide."""
    columns = max(MIN_WIDTH, min(width or EXPLAIN_WIDTH, 100))

    def _wrap(text: str, indent: str = "  ") -> list[str]:
        return wrap(text, columns, indent)

    head = f"{rule.id} {rule.name} · {rule.area} · {rule.severity.label}"
    lines = [*_wrap(f"{head} · precision {rule.precision}", ""), *_wrap(rule.title, ""), ""]
    lines += ["Why", *_wrap(rule.why), "", "What triggers it", *_wrap(trigger(rule)), ""]
    if rule.severity_why:
        lines += [f"Why {rule.severity.label}", *_wrap(rule.severity_why), ""]
    if rule.guess:
        lines += [*_wrap("Where the doc is silent (a guess, reported at info)", "")]
        lines += [*_wrap(rule.guess), ""]
    shown = example_finding(rubric, rule, today)
    if shown is not None:
        lines += _wrap("The three columns (as the bad example reports them)", "")
        for label, value in (
            ("Gap", shown.gap),
            ("Blast radius", shown.blast_radius),
            ("Rollback unit", shown.rollback_unit),
        ):
            lines += [f"  {label}:", *_wrap(value, indent="    ")]
        lines.append("")
    lines += ["Remediation", *_wrap(rule.remediation), ""]
    lines += [f"Bad example (fires {rule.id})", *_example_lines(rule.bad), ""]
    lines += ["Good example", *_example_lines(rule.good)]
    if rule.references:
        lines += ["", "References"]
        lines += [f"  - {r.title}" + (f" <{r.url}>" if r.url else "") for r in rule.references]
    return "\n".join(lines) + "\n"


def wrap(text: str, width: int, indent: str) -> list[str]:
    """Prose wrapped at spaces only: a hyphenated name (`svc-ops-princess`) or a route is
    never split."""
    import textwrap

    return textwrap.wrap(
        " ".join(text.split()),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def rules_table(rubric: Rubric) -> Any:
    """The rules as a rich table: id, severity, precision, area, title."""
    from rich.table import Table
    from rich.text import Text

    table = Table("Rule", "Severity", "Precision", "Area", "Title", box=None, pad_edge=False)
    for rule in rubric.rules.values():
        cells = (rule.id, rule.severity.label, rule.precision, rule.area, rule.title)
        table.add_row(*(Text(cell) for cell in cells))
    return table
