"""The validators generated from the shipped schemas: fresh, inside what the generator
supports, and giving jsonschema's verdict on every doc and node of the test corpora."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from deploylint import compiled
from deploylint.compiled.targets import PREDICATES, Target, doc_target, predicate_schema, targets
from deploylint.load.keypath import lookup, select
from deploylint.load.loader import load_bytes, load_text
from deploylint.rubric import engine
from deploylint.rubric.examples import example_text
from deploylint.rubric.load import load_default
from tests.conftest import EXAMPLES, FIXTURES, REPO, TODAY, deploylint_process

COMMAND = "python -m deploylint.compiled.generate"
CORPORA = (REPO / "tests" / "corpus" / "realistic", FIXTURES, EXAMPLES)
# Keywords that mean the same in draft-07 (what the code is generated as) and 2020-12 (what
# jsonschema reads), and that fastjsonschema implements. Not here on purpose: 2019/2020-only
# keywords (prefixItems, unevaluated*, dependentRequired, dependentSchemas, $dynamicRef,
# $anchor, minContains...), draft-7-only ones 2020-12 ignores (dependencies, additionalItems),
# and $id (changes what refs mean).
SUBSCHEMA = frozenset(
    {"items", "additionalProperties", "contains", "not", "if", "then", "else", "propertyNames"}
)
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
VALUES = frozenset(
    {
        "type", "enum", "const", "required", "minProperties", "maxProperties", "minItems",
        "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "format", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "$ref", "$schema",
        "title", "description", "examples", "$comment",
    }
)  # fmt: skip
FORMATS = frozenset({"date"})  # checked like jsonschema's FORMAT_CHECKER (see below)
# Values that tell two validators apart: bools among numbers, whole floats, impossible and
# non-ASCII dates, a newline before the end of a pattern, NaN, keys that aren't text...
TRICKY: tuple[Any, ...] = (
    None, True, False, 0, 1, -1, 1.0, 0.5, -0.0, 10**30, math.inf, -math.inf, math.nan,
    "", " ", "x", "tbd", "TBD\n", "KS001", "KS001\n", "ks001", "KS0011", "2026-02-28",
    "2026-02-29", "2024-02-29", "2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01",
    "2026-1-01", "2026-01-01\n", "2026-01-01T00:00:00", "\u0662\u0660\u0662\u0666-01-01",
    [], [None], ["x"], [1, 1], {}, {"x-a": 1}, {1: "a"}, {"name": True}, {"name": ""},
)  # fmt: skip


def _reference(schema: Mapping[str, Any]) -> Any:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _targets() -> dict[str, Target]:
    return {target.digest: target for target in targets()}


@cache
def _pair(digest: str) -> tuple[compiled.Compiled, Any]:
    """A shipped schema's generated code and its jsonschema validator."""
    target = _targets()[digest]
    found = compiled.compiled(target.schema)
    assert found is not None, f"{target.name} has no generated code: run `{COMMAND}`"
    return found, _reference(target.schema)


def _agree(target: Target, value: Any) -> bool:
    """Whether the generated code gives jsonschema's verdict (or defers to it)."""
    generated, reference = _pair(target.digest)
    verdict = generated.passes(value)
    return verdict is None or verdict == reference.is_valid(value)


@cache
def _corpus() -> list[tuple[str, Any]]:
    """Every loaded YAML doc of the corpora and the shipped rules' good and bad examples."""
    docs: list[tuple[str, Any]] = []
    paths = [p for folder in CORPORA for p in sorted(folder.rglob("*.y*ml"))]
    paths += sorted((REPO / "tests" / "hostile").glob("*.yaml"))
    for path in paths:
        for doc in load_bytes(path.read_bytes()):
            if doc.gradable:
                docs.append((f"{path.relative_to(REPO)}#{doc.index}", doc.data))
    rubric = load_default()
    for rule in rubric.rules.values():
        for kind, example in (("good", rule.good), ("bad", rule.bad)):
            for doc in load_text(example_text(rubric, example)):
                if doc.gradable:
                    docs.append((f"{rule.id} {kind} example#{doc.index}", doc.data))
    return docs


def test_the_committed_code_is_a_fresh_generation() -> None:
    generate = pytest.importorskip("deploylint.compiled.generate", reason="needs fastjsonschema")
    fresh = generate.generate()
    committed = generate.OUTPUT.read_text("utf-8")
    assert committed == fresh, f"src/deploylint/compiled/_generated.py is stale: run `{COMMAND}`"


def test_every_shipped_schema_has_generated_code() -> None:
    """Without fastjsonschema too: a changed rule or doc schema fails here, naming the fix."""
    stale = [t.name for t in targets() if t.digest not in compiled.generated()]
    assert not stale, f"no generated code for {stale}: run `{COMMAND}`"
    extra = set(compiled.generated()) - {t.digest for t in targets()}
    assert not extra, f"generated code for schemas no longer shipped: run `{COMMAND}`"


def test_every_shipped_predicate_runs_through_generated_code() -> None:
    """The engine builds each schema as the generator did, so none falls back to jsonschema."""
    for rule in load_default().rules.values():
        for which in PREDICATES:
            if getattr(rule, which) is not None:
                validator = engine._validator(rule, which)
                assert isinstance(validator, compiled.Predicate), f"{rule.id} {which}"


def test_a_schema_not_compiled_goes_to_jsonschema() -> None:
    rule = next(r for r in load_default().rules.values() if r.require is not None)
    changed = {**predicate_schema(rule, "require"), "minProperties": 99}
    assert compiled.compiled(changed) is None
    assert compiled.schema_digest({"when": {1, 2}}) is None  # not JSON: never compiled


def test_turned_off_or_broken_the_generated_code_leaves_jsonschema(monkeypatch) -> None:
    def broken(name: str) -> Any:
        raise SyntaxError(name)

    try:
        monkeypatch.setenv(compiled.OFF_VARIABLE, "1")
        compiled.generated.cache_clear()
        assert compiled.generated() == {} and compiled.compiled(doc_target().schema) is None
        monkeypatch.delenv(compiled.OFF_VARIABLE)
        monkeypatch.setattr(compiled.importlib, "import_module", broken)
        compiled.generated.cache_clear()
        assert compiled.generated() == {}
    finally:
        monkeypatch.undo()
        compiled.generated.cache_clear()
    assert compiled.compiled(doc_target().schema) is not None


def _walk(node: Any, where: str) -> Iterator[str]:
    """Each keyword at a schema position that isn't known to mean the same to both."""
    if isinstance(node, bool):
        return
    if not isinstance(node, dict):
        yield f"{where}: not a schema"
        return
    for key, value in node.items():
        here = f"{where}/{key}"
        if key in SCHEMA_MAPS:
            for name, schema in value.items():
                yield from _walk(schema, f"{here}/{name}")
        elif key in SCHEMA_LISTS:
            for index, schema in enumerate(value):
                yield from _walk(schema, f"{here}/{index}")
        elif key in SUBSCHEMA:
            yield from _walk(value, here)  # a list under items is a draft-07 tuple: not a schema
        elif key not in VALUES:
            yield here
        elif key == "format" and value not in FORMATS:
            yield f"{here}: {value}"
        elif key == "$ref" and (len(node) != 1 or not str(value).startswith("#/$defs/")):
            yield f"{here}: siblings or a non-local ref mean different things in draft-07"
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            yield f"{here}: draft-04 spelling"


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.name)
def test_schemas_keep_to_keywords_the_generator_supports(target: Target) -> None:
    assert list(_walk(target.schema, "#")) == []


def test_the_walk_catches_2020_only_keywords() -> None:
    schema = {"prefixItems": [{}], "properties": {"a": {"unevaluatedProperties": False}}}
    schema |= {"$defs": {"b": {"dependentRequired": {}}}, "anyOf": [{"$dynamicRef": "#x"}]}
    assert len(list(_walk(schema, "#"))) == 4


def test_the_doc_schema_gives_jsonschemas_verdict_on_every_doc() -> None:
    target, docs = doc_target(), _corpus()
    assert len(docs) > 250
    disagree = [name for name, data in docs if not _agree(target, data)]
    assert disagree == []
    verdicts = {_pair(target.digest)[0].passes(data) for _, data in docs}
    assert verdicts == {True, False}  # both kinds of doc are in the corpus


def test_every_predicate_gives_jsonschemas_verdict_on_every_node_it_reaches() -> None:
    checks, disagree = 0, []
    for rule in load_default().rules.values():
        for which in PREDICATES:
            if getattr(rule, which) is None:
                continue
            target = _targets()[compiled.schema_digest(predicate_schema(rule, which)) or ""]
            for name, data in _corpus():
                for _, node in select(data, rule.selector):
                    found, value = lookup(node, rule.key) if which == "require" else (True, node)
                    if found:
                        checks += 1
                        if not _agree(target, value):
                            disagree.append(f"{rule.id} {which} on {name}")
    assert disagree == []
    assert checks > 10_000


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.name)
def test_tricky_values_get_jsonschemas_verdict(target: Target) -> None:
    assert [value for value in TRICKY if not _agree(target, value)] == []


def _base_doc() -> Any:
    """The rubric's base doc, with a waiver (so its rule id and date have a place)."""
    data = load_text(load_default().base_text)[0].data
    waiver = {"rule": "KS001", "reason": "r", "approved_by": "a", "expires": "2027-01-01"}
    return {**data, "waivers": [*data.get("waivers", []), waiver]}


def _mutants(node: Any) -> Iterator[Any]:
    """``node`` with each value inside it, in turn, replaced by each tricky value."""
    if isinstance(node, dict):
        for key, value in node.items():
            for other in (*TRICKY, *_mutants(value)):
                yield {**node, key: other}
    elif isinstance(node, list):
        for index, value in enumerate(node):
            for other in (*TRICKY, *_mutants(value)):
                yield [*node[:index], other, *node[index + 1 :]]


def test_the_doc_schema_gives_jsonschemas_verdict_with_a_tricky_value_anywhere() -> None:
    base, target = _base_doc(), doc_target()
    assert _pair(target.digest)[0].passes(base) is True
    mutants = list(_mutants(base))
    assert len(mutants) > 5_000
    assert [m for m in mutants if not _agree(target, m)] == []


def test_every_predicate_gives_jsonschemas_verdict_with_a_tricky_value_in_its_node() -> None:
    base, checks, disagree = _base_doc(), 0, []
    for rule in load_default().rules.values():
        for which in PREDICATES:
            if getattr(rule, which) is None:
                continue
            target = _targets()[compiled.schema_digest(predicate_schema(rule, which)) or ""]
            for _, node in select(base, rule.selector):
                for mutant in _mutants(node):
                    found, value = (
                        lookup(mutant, rule.key) if which == "require" else (True, mutant)
                    )
                    checks += found
                    if found and not _agree(target, value):
                        disagree.append(f"{rule.id} {which}: {value!r:.200}")
    assert disagree == []
    assert checks > 10_000


@pytest.mark.parametrize(
    "pattern", ["^a$", "[$]x$", r"\$a$", "[]$]$", "[^]$]$", r"\\$", "[a[]$", r"(?i)^\s*(?:tbd)?$"]
)
def test_a_dollar_keeps_pythons_meaning_through_fastjsonschema(pattern: str) -> None:
    generate = pytest.importorskip("deploylint.compiled.generate", reason="needs fastjsonschema")
    rewritten = re.sub(r"(?<!\\)\$", r"\\Z", generate.python_dollar(pattern))  # as it does
    texts = ["a", "a\n", "$x", "$x\n", "x$", "]", "$", "\\", "\\\n", "tbd\n", "[", "b", "a$"]
    assert [bool(re.search(rewritten, t)) for t in texts] == [
        bool(re.search(pattern, t)) for t in texts
    ]


def test_format_date_is_jsonschemas() -> None:
    """fastjsonschema's own date allows Unicode digits and year 0000; ours is jsonschema's."""
    generate = pytest.importorskip("deploylint.compiled.generate", reason="needs fastjsonschema")
    schema = {"type": "string", "format": "date"}
    target = Target("date", compiled.schema_digest(schema) or "", schema)
    namespace: dict[str, Any] = {}
    exec(generate.module_text([(target, *generate.compile_target(target))]), namespace)
    check = compiled.Compiled(namespace["VALIDATORS"][target.digest])
    reference = _reference(schema)
    dates = [v for v in TRICKY if isinstance(v, str)] + ["1900-02-29", "2000-02-29", "9999-12-31"]
    assert {d: check.passes(d) for d in dates} == {d: reference.is_valid(d) for d in dates}


@pytest.mark.parametrize(
    "paths",
    [
        ["examples"],
        ["tests/corpus/realistic"],
        ["tests/hostile"],
    ],
)
def test_reports_are_byte_identical_without_the_generated_code(paths: list[str]) -> None:
    args = ("check", *paths, "--format", "json", "--today", TODAY, "--no-config")
    fast = deploylint_process(*args, cwd=REPO, timeout=300)
    reference = deploylint_process(*args, cwd=REPO, env={compiled.OFF_VARIABLE: "1"}, timeout=300)
    assert fast.stdout and (fast.code, fast.stdout) == (reference.code, reference.stdout)


def test_the_wheel_ships_the_generated_code_and_runs_it_without_fastjsonschema(
    wheel: Path, tmp_path: Path
) -> None:
    assert "deploylint/compiled/_generated.py" in zipfile.ZipFile(wheel).namelist()
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.modules['fastjsonschema'] = None\n"  # importing it now fails
        "from deploylint.compiled import generated, targets\n"
        "from deploylint.rubric import engine\n"
        "from deploylint.rubric.load import load_default\n"
        "rule = next(r for r in load_default().rules.values() if r.require is not None)\n"
        "print(len(generated()), type(engine._validator(rule, 'require')).__name__)\n"
        "print(all(t.digest in generated() for t in targets.targets()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(site)}, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(len(targets())), "Predicate", "True"]
