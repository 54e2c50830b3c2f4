"""Check a doc's shape against the published JSON Schema, in sentences a person can act on."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Final

from deploylint import compiled
from deploylint.load.inline import inline_refs
from deploylint.load.keypath import KeyPath
from deploylint.load.loader import LoadedDoc, ShapeProblem
from deploylint.model import written
from deploylint.model.written import is_deploylint_doc
from deploylint.resources import data_dir

API_VERSIONS: Final = ("deploylint/v1",)
SCHEMA_FILE: Final = "deployment-doc.v1.schema.json"

_TYPE_WORDS: Final = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


@cache
def doc_schema() -> dict[str, Any]:
    """The doc format's JSON Schema, read once per process."""
    schema: dict[str, Any] = json.loads((data_dir("schemas") / SCHEMA_FILE).read_text("utf-8"))
    return schema


@cache
def doc_validator() -> Any:
    """A validator built once per run: jsonschema.validate() re-checks the schema each call."""
    from jsonschema import Draft202012Validator

    schema = inline_refs(doc_schema())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def api_version_problem(doc: LoadedDoc) -> ShapeProblem | None:
    """A problem when the doc's apiVersion is one this release doesn't understand."""
    api_version = written.api_version(doc.data)
    if api_version is None and not is_deploylint_doc(doc.data):
        message = (
            "not a deploylint doc: it has no `apiVersion: deploylint/v1` and no "
            "`kind: AgentDeployment`, so it was not graded"
        )
        return ShapeProblem("DL013", doc.locate(()), (), message)
    if api_version is None or api_version in API_VERSIONS:
        return None
    understood = ", ".join(API_VERSIONS)
    if isinstance(api_version, str) and api_version.startswith("deploylint/"):
        message = f"apiVersion {api_version} is not understood by this release ({understood})"
    else:
        message = f"apiVersion {api_version!r} is not a deploylint doc format ({understood})"
    path: KeyPath = ("apiVersion",)
    return ShapeProblem("DL010", doc.locate(path), path, message)


@cache
def _compiled_doc_schema() -> compiled.Compiled | None:
    """The doc schema's code generated at build time (None when turned off or stale)."""
    return compiled.compiled(inline_refs(doc_schema()))


def shape_problems(doc: LoadedDoc) -> list[ShapeProblem]:
    """Every way the doc departs from the schema, one problem per key at fault."""
    fast = _compiled_doc_schema()
    if fast is not None and fast.passes(doc.data) is True:
        return []  # jsonschema agrees (tests/test_compiled.py), and isn't even imported
    from jsonschema.exceptions import best_match

    problems: list[ShapeProblem] = []
    for error in doc_validator().iter_errors(doc.data):
        if error.validator in ("anyOf", "oneOf") and error.context:
            error = best_match(error.context)
        if tuple(error.absolute_path) == ("apiVersion",):
            continue  # api_version_problem() speaks for apiVersion
        problems.extend(_explain(error, doc))
    return problems


def _explain(error: Any, doc: LoadedDoc) -> Iterator[ShapeProblem]:
    path: KeyPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        for key in _unknown_keys(error.instance, error.schema):
            where = (*path, key)
            yield ShapeProblem("DL005", doc.locate(where), where, _unknown_key(key, error.schema))
    elif error.validator == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        message = f"{_name(path)} is missing the required key `{key}`"
        yield ShapeProblem("DL006", doc.locate(path), path, message)
    else:
        yield ShapeProblem("DL007", doc.locate(path), path, _invalid(error, path))


def sentence(error: Any) -> tuple[KeyPath, str]:
    """One jsonschema error as a doc's problem is worded (an unknown key with its closest
    known one, a misspelt value with its), and the key path it is about: for a config."""
    path: KeyPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        key = next(iter(_unknown_keys(error.instance, error.schema)), "?")
        return (*path, key), _unknown_key(key, error.schema)
    if "propertyNames" in error.relative_schema_path:  # the key itself doesn't fit
        return (*path, error.instance), f"`{error.instance}` is not a rule id such as KS001"
    described = error.schema.get("description") if error.validator == "pattern" else None
    if described:
        wanted = described[:1].lower() + described[1:].rstrip(".")
        return path, f"{_name(path)} must be {wanted}, not {_shown(error.instance)}"
    return path, _invalid(error, path)


def _unknown_keys(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    known = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [
        key for key in instance if key not in known and not any(p.search(key) for p in patterns)
    ]


def _unknown_key(key: str, schema: dict[str, Any]) -> str:
    known = list(schema.get("properties", {}))
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean `{close[0]}`?)" if close else f" (known keys: {', '.join(known)}"
    if not close and any(
        pattern.startswith("^x-") for pattern in schema.get("patternProperties", {})
    ):
        hint += f"; a key of your own starts with `x-`, as in `x-{key}`"
    return f"unknown key `{key}`{hint}" + ("" if close else ")")


def _name(path: KeyPath) -> str:
    names = [key for key in path if isinstance(key, str)]
    if not names:
        return "the document" if not path else "this list item"
    return f"`{names[-1]}`" + (f" item {path[-1] + 1}" if isinstance(path[-1], int) else "")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    kind = names.get(type(value), "object" if isinstance(value, dict) else "null")
    return _TYPE_WORDS[kind]


def _invalid(error: Any, path: KeyPath) -> str:
    """One sentence for a type, enum, format, range or size error."""
    name, value, rule = _name(path), error.instance, error.validator_value
    got = f"not {_shown(value)}"
    if error.validator == "type":
        wanted = " or ".join(
            _TYPE_WORDS.get(t, t) for t in ([rule] if isinstance(rule, str) else rule)
        )
        return f"{name} must be {wanted}, but is {_kind(value)} ({_shown(value)})"
    if error.validator == "enum":
        close = difflib.get_close_matches(str(value), [str(v) for v in rule], n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{name} must be one of {', '.join(map(str, rule))}, {got}{hint}"
    if error.validator == "format":
        return f"{name} must be a {rule} (YYYY-MM-DD), {got}"
    if error.validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than"}
        words |= {"maximum": "at most", "exclusiveMaximum": "less than"}
        return f"{name} must be {words[error.validator]} {rule:g}, {got}"
    if error.validator == "minLength":
        return f"{name} must not be empty"
    if error.validator == "minItems":
        return f"{name} must list at least {rule} item{'s' if rule != 1 else ''}"
    if error.validator == "pattern" and path and path[-1] == "rule":
        return f"{name} must be a rule id such as KS001, {got}"
    return f"{name}: {error.message}"
