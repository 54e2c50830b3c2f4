"""Inlined schemas mean what the originals mean: same errors, same verdicts, on real docs."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from deploylint.load.docschema import doc_schema
from deploylint.load.inline import inline_refs
from deploylint.load.keypath import select
from deploylint.load.loader import load_bytes
from deploylint.rubric.examples import example_text
from deploylint.rubric.load import load_default
from tests.conftest import REPO


def _docs() -> list[Any]:
    """The examples, the test fixtures, and every rule's good and bad example doc."""
    rubric = load_default()
    files = sorted([*REPO.glob("examples/**/*.yaml"), *REPO.glob("tests/**/*.yaml")])
    texts = [path.read_bytes() for path in files]
    for rule in rubric.rules.values():
        texts += [example_text(rubric, e).encode() for e in (rule.good, rule.bad) if e is not None]
    return [doc.data for raw in texts for doc in load_bytes(raw) if doc.gradable]


DOCS = _docs()


def _both(schema: dict[str, Any]) -> tuple[Any, Any]:
    checker = Draft202012Validator.FORMAT_CHECKER
    return (
        Draft202012Validator(schema, format_checker=checker),
        Draft202012Validator(inline_refs(schema), format_checker=checker),
    )


def _errors(validator: Any, data: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(map(str, e.absolute_path)), e.validator, e.message)
        for e in validator.iter_errors(data)
    )


def test_there_are_docs_of_every_kind() -> None:
    assert len(DOCS) > 250


def test_the_doc_schema_inlined_gives_the_same_errors() -> None:
    original, inlined = _both(doc_schema())
    body = {k: v for k, v in inlined.schema.items() if k != "$defs"}
    assert "$ref" in str(doc_schema()) and "$ref" not in str(body)
    for data in DOCS:
        assert _errors(inlined, data) == _errors(original, data)


@pytest.mark.parametrize("which", ["when", "require"])
def test_every_rule_predicate_inlined_gives_the_same_verdicts(which: str) -> None:
    rules = [r for r in load_default().rules.values() if getattr(r, which) is not None]
    compared = 0
    for rule in rules:
        schema = dict(getattr(rule, which))
        schema["$defs"] = {**rule.defs, **schema.get("$defs", {})}
        original, inlined = _both(schema)
        for data in DOCS:
            for _, node in select(data, rule.selector):
                assert inlined.is_valid(node) == original.is_valid(node), (rule.id, node)
                compared += 1
    assert compared > 2000


def test_a_recursive_ref_stays_a_ref() -> None:
    tree = {"$defs": {"t": {"type": "array", "items": {"$ref": "#/$defs/t"}}}, "$ref": "#/$defs/t"}
    original, inlined = _both(tree)
    for value in ([], [[[]]], [[1]], 1):
        assert inlined.is_valid(value) == original.is_valid(value)


@pytest.mark.parametrize(
    ("schema", "values"),
    [
        pytest.param(
            {"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "minLength": 2},
            ("ab", "a", 3),
            id="ref-beside-keywords",
        ),
        pytest.param(
            {
                "$defs": {"base": {"properties": {"a": {}}}},
                "$ref": "#/$defs/base",
                "unevaluatedProperties": False,
            },
            ({"a": 1}, {"b": 1}),
            id="unevaluated-sees-the-ref",
        ),
        pytest.param(
            {
                "$defs": {"b": {"type": "integer"}},
                "properties": {
                    "a": {
                        "$id": "https://example.com/a",
                        "$defs": {"b": {"type": "string"}},
                        "$ref": "#/$defs/b",
                    }
                },
            },
            ({"a": "x"}, {"a": 1}),
            id="own-base-uri",
        ),
        pytest.param(
            {"$defs": {"no": False}, "$ref": "#/$defs/no"}, ({}, 1), id="boolean-def-at-root"
        ),
        pytest.param(
            {"$defs": {"a~1b": {"type": "string"}}, "$ref": "#/$defs/a~01b"},
            ("x", 1),
            id="pointer-escapes",
        ),
    ],
)
def test_inlining_never_changes_a_verdict(schema: dict[str, Any], values: tuple[Any, ...]) -> None:
    original, inlined = _both(schema)
    for value in values:
        assert inlined.is_valid(value) == original.is_valid(value), value


def test_a_schema_that_would_grow_exponentially_is_left_alone() -> None:
    defs = {f"d{n}": {"anyOf": [{"$ref": f"#/$defs/d{n + 1}"}] * 2} for n in range(30)}
    defs["d30"] = {"type": "string"}
    schema = {"$defs": defs, "$ref": "#/$defs/d0"}
    assert inline_refs(schema) is schema


def test_literals_are_not_read_as_schemas() -> None:
    literal = {"$ref": "#/$defs/s"}
    schema = {"$defs": {"s": {"type": "string"}}, "const": literal}
    assert inline_refs(schema)["const"] == literal
