"""The doc schema speaks for the rubric: where a shipped rule flags a value the schema
allows (an enum member, a boolean, an optional field left out), the field's description
says so and names the rule, so a writer with only the schema can write a doc the rubric
accepts. Generated with the rest of the build (``python -m deploylint.compiled.generate``);
tests/test_schema_notes.py fails when the committed schema is stale.

Two passes, both from the shipped rubric: every predicate rule's ``require`` tried on each
value the schema allows where it looks (whatever its ``when``), and the rubric's complete
example doc with one change at a time (each other allowed value of each closed field, each
optional field removed or added), graded for real, so checks written in Python speak too.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from deploylint.load.keypath import WILDCARD, KeyPath, Selector, format_path
from deploylint.report.findings import Severity
from deploylint.rubric.model import Rubric, Rule

MARK: Final = " Rubric: "  # where the generated part of a description starts
ABSENT: Final = "left out"
TODAY: Final = date(2026, 11, 22)  # the complete example's dates are fresh on this day
Pointer = tuple[str, ...]  # a JSON pointer into the schema, as its steps


@dataclass(frozen=True, order=True, slots=True)
class Flag:
    """One rule flagging one value (or the field's absence) at one schema location."""

    value: str  # the value as YAML writes it, or ABSENT
    rule: str
    severity: str


def _resolve(schema: Mapping[str, Any], pointer: Pointer, node: Any) -> tuple[Pointer, Any]:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        steps = tuple(node["$ref"].removeprefix("#/").split("/"))
        pointer, node, seen = steps, _at(schema, steps), seen + 1
    return pointer, node


def _at(schema: Mapping[str, Any], pointer: Pointer) -> Any:
    node: Any = schema
    for step in pointer:
        node = node[step]
    return node


def locate(schema: Mapping[str, Any], path: KeyPath | Selector) -> tuple[Pointer, Any] | None:
    """The schema location describing the doc's ``path`` (``[*]`` or an index alike): the
    property itself (a ``$ref`` beside which its description sits) and the node it means."""
    pointer: Pointer = ()
    node: Any = schema
    for step in path:
        pointer, node = _resolve(schema, pointer, node)
        if not isinstance(node, dict):
            return None
        if isinstance(step, str) and step in node.get("properties", {}):
            pointer, node = (*pointer, "properties", step), node["properties"][step]
        elif (step is WILDCARD or isinstance(step, int)) and isinstance(node.get("items"), dict):
            pointer, node = (*pointer, "items"), node["items"]
        else:
            return None
    if isinstance(node, dict) and set(node) == {"$ref"}:
        # draft-07 ignores a ref's siblings: the note goes on the definition it points at
        pointer, node = _resolve(schema, pointer, node)
    return pointer, node


def closed_values(schema: Mapping[str, Any], node: Any) -> list[Any]:
    """The values a schema node allows, when it allows a closed set of scalars."""
    _, node = _resolve(schema, (), node)
    if not isinstance(node, dict):
        return []
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    if "const" in node:
        return [node["const"]]
    return [True, False] if node.get("type") == "boolean" else []


def _required(schema: Mapping[str, Any], path: KeyPath | Selector) -> bool:
    parent = locate(schema, path[:-1])
    if parent is None:
        return True
    _, node = _resolve(schema, (), parent[1])
    return isinstance(node, dict) and path[-1] in node.get("required", [])


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def static_flags(rubric: Rubric, schema: Mapping[str, Any]) -> Iterator[tuple[Pointer, Flag]]:
    """What each unconditional predicate rule's ``require`` rejects among the values its field
    allows (a rule with a ``when`` speaks through the example pass, where it applies)."""
    from deploylint.rubric.engine import _validator

    for rule in rubric.rules.values():
        if rule.engine or rule.check or not rule.key or rule.when is not None:
            continue
        path = (*rule.selector, *rule.key)
        found = locate(schema, path)
        if found is None:
            continue
        severity = rule.severity.name.lower()
        if rule.gap.missing is not None and not _required(schema, path):
            yield found[0], Flag(ABSENT, rule.id, severity)
        if rule.require is None:
            continue
        for value in closed_values(schema, found[1]):
            if not _validator(rule, "require").is_valid(value):
                yield found[0], Flag(_shown(value), rule.id, severity)


def _paths(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*path, index))


def _set(data: Any, path: KeyPath, value: Any, *, delete: bool = False) -> Any:
    changed = copy.deepcopy(data)
    node = changed
    for step in path[:-1]:
        node = node[step]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


def variants(schema: Mapping[str, Any], base: Any) -> Iterator[tuple[KeyPath, str, Any]]:
    """The complete example with one change: (the path changed, the value shown, the doc)."""
    for path, value in list(_paths(base)):
        found = locate(schema, path) if path else None
        if found is None:
            continue
        if isinstance(value, dict):
            _, node = _resolve(schema, (), found[1])
            for key, member in node.get("properties", {}).items() if isinstance(node, dict) else ():
                for allowed in closed_values(schema, member) if key not in value else ():
                    yield (*path, key), _shown(allowed), _set(base, (*path, key), allowed)
        for allowed in closed_values(schema, found[1]):
            if allowed != value:
                yield path, _shown(allowed), _set(base, path, allowed)
        if isinstance(path[-1], str) and not _required(schema, path):
            yield path, ABSENT, _set(base, path, None, delete=True)


def _findings(rubric: Rubric, doc: Any) -> set[tuple[str, str]]:
    """(rule, key path) of every finding the rubric reports on ``doc``, fleet excluded."""
    from deploylint.rubric.grade import Settings, grade_file

    text = json.dumps(doc).encode("utf-8")
    result = grade_file(text, file="variant.yaml", settings=Settings(rubric, TODAY))
    return {(f.rule, f.path) for f in result.findings}


def example_flags(
    rubric: Rubric, schema: Mapping[str, Any], base: Any
) -> Iterator[tuple[Pointer, Flag]]:
    """What each one-change variant of the complete example makes a rule report, at the
    changed field, its parent or inside it (the example itself reports nothing)."""
    baseline = _findings(rubric, base)
    for path, shown, doc in variants(schema, base):
        pointer = locate(schema, path)
        if pointer is None:
            continue
        here, parent = format_path(path), format_path(path[:-1])
        for rule, where in _findings(rubric, doc) - baseline:
            if where in (here, parent) or where.startswith((f"{here}.", f"{here}[")):
                severity = rubric.rule(rule).severity.name.lower()
                yield pointer[0], Flag(shown, rule, severity)


def collect(rubric: Rubric, schema: Mapping[str, Any], base: Any) -> dict[Pointer, set[Flag]]:
    """Every flag, by the schema location whose description must carry it."""
    flags: dict[Pointer, set[Flag]] = defaultdict(set)
    for pointer, flag in (*static_flags(rubric, schema), *example_flags(rubric, schema, base)):
        if not rubric.rule(flag.rule).engine:
            flags[pointer].add(flag)
    return dict(flags)


def sentence(flags: set[Flag], rules: Mapping[str, Rule]) -> str:
    """`` Rubric: `sync` → CP007 (info); left out → CP010 (medium); ...``: the rules that
    fire on a value (or on the field's absence), worst first."""
    by_value: dict[str, list[Flag]] = defaultdict(list)
    for flag in sorted(flags):
        by_value[flag.value].append(flag)
    order = sorted(by_value, key=lambda v: (v == ABSENT, v))
    parts = []
    for value in order:
        named = ", ".join(f"{f.rule} ({f.severity})" for f in _worst_first(by_value[value], rules))
        parts.append(f"{value if value == ABSENT else f'`{value}`'} \u2192 {named}")
    return MARK + "; ".join(parts) + "; `deploylint explain RULE` says why."


def _worst_first(flags: list[Flag], rules: Mapping[str, Rule]) -> list[Flag]:
    return sorted(flags, key=lambda f: (-Severity.parse(f.severity), f.rule))


def bare(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the schema with the generated part of every description taken off."""
    fresh: dict[str, Any] = copy.deepcopy(dict(schema))
    for _, node in _paths(fresh):
        if isinstance(node, dict) and isinstance(node.get("description"), str):
            own = node["description"].split(MARK)[0]
            if own:
                node["description"] = own
            else:
                del node["description"]
    return fresh


def annotated(schema: dict[str, Any], flags: Mapping[Pointer, set[Flag]], rubric: Rubric) -> str:
    """The schema's text with every description's generated part made anew."""
    fresh = bare(schema)
    for pointer, found in sorted(flags.items()):
        node = _at(fresh, pointer)
        if isinstance(node, dict):
            own = node.get("description", "").split(MARK)[0]
            node["description"] = own + sentence(found, rubric.rules)
    return json.dumps(fresh, indent=2, ensure_ascii=False) + "\n"


def schema_text() -> tuple[str, str]:
    """(the committed doc schema's text, the text it should have)."""
    from deploylint.load.docschema import SCHEMA_FILE
    from deploylint.load.loader import load_text
    from deploylint.resources import data_dir
    from deploylint.rubric.load import load_default

    path = data_dir("schemas") / SCHEMA_FILE
    current = path.read_text("utf-8")
    rubric = load_default()
    schema = bare(json.loads(current))
    base = load_text(rubric.base_text)[0].data
    return current, annotated(schema, collect(rubric, schema, base), rubric)
