"""Read rubric files, validate them against the rubric schema, and build Rule records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

from deploylint import cache as parsed_cache
from deploylint.load.keypath import WILDCARD, KeyPath, format_path, parse_selector
from deploylint.load.loader import LoadedDoc, load_bytes
from deploylint.report.findings import Severity
from deploylint.resources import data_dir
from deploylint.rubric.model import (
    Area,
    Edit,
    Example,
    Gap,
    Reference,
    Rubric,
    Rule,
    SpecBullet,
)

BASE_FILE: Final = "_base.yaml"
DEFS_FILE: Final = "_defs.yaml"
ORDER_FILE: Final = "_rubric.yaml"
# The shipped rubric can't change after the wheel is built, and the test suite validates it
# against the rubric schema; re-validating it on every run cost ~110 ms (measured) of a
# pre-commit hook's start-up. Custom rubrics are always validated.
VALIDATE_SHIPPED: Final = os.environ.get("DEPLOYLINT_VALIDATE_RUBRIC") == "1"
_PREDICATES: Final = (
    "a rule needs exactly one predicate: `require` (a schema), `check` (a named check) or "
    "`engine: true`; or `key` with only `gap.missing` (fires when the key is absent)"
)  # optional: {areas: [...]}, the order reports show them


class RubricError(Exception):
    """A rubric that can't be used; the message names the file and line at fault."""


def default_sources() -> list[Path]:
    """The default rubric, then deploylint's own rules (reading, waivers, fleet, rows)."""
    root = data_dir("rubrics")
    return [root / "default", root / "engine"]


@cache
def load_default() -> Rubric:
    return load_rubric(default_sources())


def _is_shipped(source: Path) -> bool:
    """The installed rubric, or a byte-for-byte copy of one of its folders (the checkout's
    `rubrics/default` beside a wheel install): trusted as the shipped rubric is."""
    installed = data_dir("rubrics").resolve()
    if source.resolve().is_relative_to(installed):
        return True
    twin = installed / source.name
    if not source.is_dir() or source.is_symlink() or not twin.is_dir():
        return False
    mine = {p.name: p for p in source.glob("*.yaml") if p.is_file() and not p.is_symlink()}
    theirs = {p.name: p for p in twin.glob("*.yaml")}
    return mine.keys() == theirs.keys() and all(
        mine[name].read_bytes() == theirs[name].read_bytes() for name in mine
    )


def load_rubric(sources: Sequence[Path]) -> Rubric:
    """Load rubric directories (or single area files), later sources adding rules."""
    rules: dict[str, Rule] = {}
    areas: dict[str, Area] = {}
    base_text = ""
    for source in _distinct(sources):
        folder = source if source.is_dir() else source.parent
        if (folder / BASE_FILE).is_file():
            base_text = (folder / BASE_FILE).read_text("utf-8")
        shipped = _is_shipped(source)
        shipped_engine = source.resolve() == (data_dir("rubrics") / "engine").resolve()
        # A team's rubric may $ref the shipped defs (`declared_text`), as the docs say.
        defs = {**({} if shipped else _shipped_defs()), **_read_defs(folder / DEFS_FILE)}
        for path in _area_files(source):
            area, area_rules = _read_area(path, defs, validate=not shipped or VALIDATE_SHIPPED)
            if not shipped_engine and any(rule.engine for rule in area_rules):
                message = "`engine: true` is for deploylint's own rules; give the rule a predicate"
                raise RubricError(f"{path}: {message}")
            for rule in area_rules:
                if not shipped:
                    check_refs(rule)
                if rule.id in rules:
                    raise RubricError(
                        f"{path}: rule {rule.id} is already defined in {rules[rule.id].source}"
                    )
                rules[rule.id] = rule
            areas[area.name] = area
    return Rubric(rules, areas, base_text)


def _distinct(sources: Sequence[Path]) -> list[Path]:
    """The sources, each once: `test-rubric rubrics/default` names one the default has."""
    distinct: dict[Path, Path] = {}
    for source in sources:
        distinct.setdefault(source.resolve(), source)
    return list(distinct.values())


def _shipped_defs() -> Mapping[str, Any]:
    return _read_defs(data_dir("rubrics") / "default" / DEFS_FILE)


def check_refs(rule: Rule) -> None:
    """A custom rule's schemas may only ``$ref`` inside themselves and the rubric's defs:
    nothing is read from a file or the network, and a ref to nothing is said at load."""
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    from deploylint.load.inline import closed_registry, outside_refs
    from deploylint.rubric.engine import rule_schema

    where = f"{rule.source}: rule {rule.id}"
    _check_regexes(rule, where)
    _check_templates(rule, where)
    for which in ("when", "require"):
        if getattr(rule, which) is None:
            continue
        schema = rule_schema(rule, which)
        outside = outside_refs(schema)
        if outside:
            raise RubricError(
                f"{where}: {which}: `{outside[0]}` points outside the rule: a rule's schema "
                "may only use refs like `#/$defs/NAME` into the rubric's defs"
            )
        resource = DRAFT202012.create_resource(schema)
        resolver = closed_registry().resolver_with_root(resource)
        for ref in _refs(schema):
            try:
                resolver.lookup(ref)
            except Unresolvable:
                known = ", ".join(sorted(rule.defs)) or "none"
                raise RubricError(
                    f"{where}: {which}: $ref {ref!r} resolves to nothing (defs: {known})"
                ) from None


def _check_regexes(rule: Rule, where: str) -> None:
    """A custom rule's regexes (schema patterns, and parameters) can't take exponential time."""
    from deploylint.rubric.regexguard import risky, schema_patterns, strings

    schemas = [rule.when, rule.require, dict(rule.defs)]
    judged = [(p, True) for s in schemas for p in schema_patterns(s)]
    judged += [(p, False) for p in strings(rule.params)]
    for pattern, must_compile in judged:
        reason = risky(pattern, must_compile=must_compile)
        if reason:
            raise RubricError(f"{where}: regex {pattern[:80]!r}: {reason}")


MAX_TEMPLATE_INT: Final = 10_000


def _check_templates(rule: Rule, where: str) -> None:
    """A custom rule's column templates render once per finding, in the sandbox, which
    bounds what they can reach but not how long they run: refuse what makes them costly
    (`**`, `*`, large integer literals, a loop inside a loop)."""
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    columns = {"gap.missing": rule.gap.missing, "gap.failing": rule.gap.failing}
    columns |= {"blast_radius": rule.blast_radius, "rollback_unit": rule.rollback_unit}
    for column, text in columns.items():
        if not isinstance(text, str):
            continue
        try:
            tree = SandboxedEnvironment().parse(text)
        except TemplateSyntaxError:
            continue  # said when the rule renders, as for the shipped rubric
        costly = next(_costly(tree, nodes, loops=0), None)
        if costly:
            raise RubricError(f"{where}: {column} template: {costly}")


def _costly(node: Any, nodes: Any, *, loops: int) -> Iterator[str]:
    if isinstance(node, nodes.Pow | nodes.Mul):
        yield f"`{'**' if isinstance(node, nodes.Pow) else '*'}` is not allowed in a column"
    elif isinstance(node, nodes.Const) and isinstance(node.value, int):
        if abs(node.value) > MAX_TEMPLATE_INT:
            yield f"the number {node.value} is over {MAX_TEMPLATE_INT:,}"
    elif isinstance(node, nodes.For):
        if loops:
            yield "a loop inside a loop is not allowed in a column"
        loops += 1
    for child in node.iter_child_nodes():
        yield from _costly(child, nodes, loops=loops)


def _refs(schema: Any) -> Iterator[str]:
    from deploylint.load.inline import keyword_values

    return (ref for ref in keyword_values(schema, "$ref") if isinstance(ref, str))


def _area_files(source: Path) -> Iterable[Path]:
    if not source.exists():
        raise RubricError(f"{source}: no such rubric file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.glob("*.yaml") if not p.name.startswith(("_", ".")))
    order = _data(source / ORDER_FILE).get("areas", []) if (source / ORDER_FILE).is_file() else []
    rank = {name: index for index, name in enumerate(order)}
    return sorted(files, key=lambda p: (rank.get(p.stem, len(rank)), p.name))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise RubricError(f"{path}: {error.strerror or error}") from None


def _data(path: Path, *, validate: bool = False) -> Any:
    """A rubric file's data: from the content-hash cache, or parsed (and validated) and cached.

    An entry exists only for bytes that parsed, and validated when that was asked.
    """
    raw = _read(path)
    kind = "rubric-valid" if validate else "rubric"
    data = parsed_cache.load(kind, raw)
    if data is None:
        doc = _parse(path, raw)
        if validate:
            _rubric_shaped(path, doc)
            _validate(path, doc)
        data = doc.data
        parsed_cache.store(kind, raw, data)
    return data


def _parse(path: Path, raw: bytes | None = None) -> LoadedDoc:
    docs = load_bytes(raw if raw is not None else _read(path))
    problems = [p for doc in docs for p in doc.problems]
    if len(docs) == 1 and not isinstance(docs[0].data, dict | None):
        _rubric_shaped(path, docs[0])  # before the loader's message, which would quote it
    if problems:
        first = problems[0]
        raise RubricError(f"{path}:{first.position.line}:{first.position.column}: {first.message}")
    if len(docs) != 1:
        raise RubricError(f"{path}: a rubric file holds exactly one YAML document")
    return docs[0]


def _rubric_shaped(path: Path, doc: LoadedDoc) -> None:
    """Say plainly when a file isn't a rubric at all, quoting none of it: a config could
    name any file (a token, a key), and an error quoting it would print it in the CI log."""
    if not isinstance(doc.data, dict) or not {"area", "rules"} & doc.data.keys():
        raise RubricError(f"{path}: not a rubric file (a YAML mapping with `area:` and `rules:`)")


def _read_defs(path: Path) -> Mapping[str, Any]:
    if not path.is_file():
        return {}
    return dict(_data(path))


@cache
def _rubric_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((data_dir("schemas") / "rubric.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema)


def _validate(path: Path, doc: LoadedDoc) -> None:
    """Check an area file against schemas/rubric.schema.json; say what's wrong in a sentence."""
    from jsonschema.exceptions import best_match

    error = best_match(_rubric_validator().iter_errors(doc.data))
    if error is not None:
        while error.parent is not None and error.parent.validator != "oneOf":
            error = error.parent
        message = error.message
        if error.parent is not None:  # inside the rule's one-predicate choice: say it plainly
            error, message = error.parent, _PREDICATES
        where = doc.locate(tuple(error.absolute_path))
        location = f"{path}:{where.line}:{where.column}"
        raise RubricError(f"{location}: {format_path(tuple(error.absolute_path))}: {message}")


def _read_area(
    path: Path, shared_defs: Mapping[str, Any], *, validate: bool = True
) -> tuple[Area, list[Rule]]:
    data = _data(path, validate=validate)
    defs = {**shared_defs, **data.get("defs", {})}
    rules = [_rule(raw, data["area"], defs, path) for raw in data["rules"]]
    for rule in rules:
        if not rule.id.startswith(data["prefix"]):
            raise RubricError(
                f"{path}: rule {rule.id} does not start with its area prefix {data['prefix']}"
            )
    spec = tuple(SpecBullet(b["bullet"], tuple(b["rules"])) for b in data.get("spec", []))
    area = Area(
        data["area"],
        data["title"],
        data["prefix"],
        data.get("summary", ""),
        spec,
        tuple(r.id for r in rules),
    )
    return area, rules


def _rule(raw: Mapping[str, Any], area: str, defs: Mapping[str, Any], path: Path) -> Rule:
    from deploylint.rubric.checks import CHECKS

    where = f"{path}: rule {raw['id']}"
    if "check" in raw and raw["check"] not in CHECKS:
        raise RubricError(
            f"{where}: unknown check {raw['check']!r} (known: {', '.join(sorted(CHECKS))})"
        )
    try:
        selector = parse_selector(raw.get("in", "$"))
    except ValueError as error:
        raise RubricError(f"{where}: {error}") from None
    return Rule(
        id=raw["id"],
        name=raw["name"],
        title=raw["title"],
        area=area,
        severity=Severity.parse(raw["severity"]),
        why=raw["why"].strip(),
        remediation=raw["remediation"].strip(),
        gap=Gap(raw["gap"].get("missing"), raw["gap"].get("failing")),
        blast_radius=raw["blast_radius"],
        rollback_unit=raw["rollback_unit"],
        good=_example(raw["examples"]["good"], where),
        bad=_example(raw["examples"]["bad"], where),
        scope=raw.get("in", "$"),
        selector=selector,
        key=tuple(raw["key"].split(".")) if "key" in raw else (),
        when=raw.get("when"),
        unless=tuple(raw.get("unless", ())),
        require=raw.get("require"),
        check=raw.get("check"),
        engine=raw.get("engine", False),
        params=raw.get("params", {}),
        trigger=raw.get("trigger"),
        precision=raw.get("precision", "high"),
        severity_why=raw.get("severity_why"),
        guess=raw.get("guess"),
        references=tuple(Reference(r["title"], r.get("url")) for r in raw.get("references", [])),
        defs=defs,
        source=str(path),
    )


def _example(raw: Any, where: str) -> Example:
    if isinstance(raw, dict) and "text" in raw:
        return Example(text=raw["text"])
    if isinstance(raw, dict):
        edits = tuple(_edit(item, where) for item in raw["edits"])
        return Example(edits=edits, config=raw["config"])
    return Example(edits=tuple(_edit(item, where) for item in raw))


def _edit(raw: Mapping[str, Any], where: str) -> Edit:
    text = raw.get("set", raw.get("delete"))
    steps = parse_selector(text)
    if any(step is WILDCARD for step in steps):
        raise RubricError(f"{where}: example path {text!r} must be concrete, without [*]")
    path: KeyPath = tuple(step for step in steps if step is not WILDCARD)  # type: ignore[misc]
    if "delete" in raw:
        return Edit(path, delete=True)
    return Edit(path, raw["to"])
