"""The schema speaks for the rubric: a value a shipped rule flags that the schema allows (an
enum member, a boolean, an optional field left out) is named, with the rule, in the field's
description, so a writer who has only the schema and `init` can write a doc that passes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from deploylint.compiled.schema_notes import ABSENT, MARK, collect, locate, schema_text
from deploylint.load.loader import load_text
from deploylint.rubric.load import load_default
from tests.conftest import REPO

SCHEMA = REPO / "schemas" / "deployment-doc.v1.schema.json"


def _description(pointer: str) -> str:
    node: Any = json.loads(SCHEMA.read_text("utf-8"))
    for step in pointer.split("/"):
        node = node[step]
    text: str = node["description"]
    return text


def test_every_value_a_rule_flags_is_named_in_the_schema() -> None:
    """Regenerate the notes from the rubric (each rule's `require` on each allowed value, and
    the complete example with one change at a time, graded for real) and compare: a rule that
    starts flagging a value the schema allows fails here until the schema says so."""
    current, fresh = schema_text()
    assert current == fresh, "run: python -m deploylint.compiled.generate"


def test_every_flag_reaches_a_description() -> None:
    rubric = load_default()
    schema = json.loads(SCHEMA.read_text("utf-8"))
    base = load_text(rubric.base_text)[0].data
    flags = collect(rubric, schema, base)
    assert len(flags) > 40
    for pointer, found in flags.items():
        node: Any = schema
        for step in pointer:
            node = node[step]
        for flag in found:
            assert flag.rule in node["description"].split(MARK)[1], (pointer, flag)


@pytest.mark.parametrize(
    ("pointer", "words"),
    [
        ("$defs/checkpoint/properties/flush", ["`sync` → CP007 (info)", "just as safe"]),
        ("properties/audit/properties/missing_lock_holder", ["`reject` → AU005 (info)",
                                                              "quarantine"]),
        ("$defs/lock/properties/lock_holder", ["takes this lock", "single_writer"]),
        ("properties/peer_auth/properties/discovery", ["`static_config` →", "PA007 (info)"]),
        ("$defs/checkpoint/properties/recovery_time_objective_min", [f"{ABSENT} → CP010"]),
        ("$defs/agent/properties/writes", [f"{ABSENT} → WA009 (high)"]),
        ("$defs/cost_ceiling/properties/max_tokens", [f"{ABSENT} → CC004 (high)"]),
    ],
)  # fmt: skip
def test_the_ambiguous_fields_say_what_the_rubric_wants(pointer: str, words: list[str]) -> None:
    text = _description(pointer)
    for word in words:
        assert word in text, text


def test_a_path_in_a_doc_finds_its_schema_field() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    found = locate(schema, ("checkpoints", 1, "flush"))
    assert found is not None and found[0] == ("$defs", "checkpoint", "properties", "flush")
    assert locate(schema, ("checkpoints", 1, "no_such_key")) is None
