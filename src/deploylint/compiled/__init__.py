"""Validators generated at build time from the shipped schemas, with jsonschema as the reference.

``python -m deploylint.compiled.generate`` compiles the doc schema and every ``when`` /
``require`` predicate of the shipped rubrics to plain Python (fastjsonschema, a dev-only
dependency) into ``_generated.py``, keyed by the sha256 of each schema's canonical JSON. A
schema runs through generated code only when it is byte for byte one that was compiled; any
other (a custom rubric's, a stale one) goes to jsonschema, which also words every problem of an
invalid doc. Measured on the bench corpus: the doc schema 18x and the rubric's predicates 4x
faster than jsonschema, with the same verdicts. ``DEPLOYLINT_NO_COMPILED=1`` turns this off.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Final

from deploylint.compiled.errors import JsonSchemaException

OFF_VARIABLE: Final = "DEPLOYLINT_NO_COMPILED"
GENERATED_MODULE: Final = "deploylint.compiled._generated"
TEMPLATES_MODULE: Final = "deploylint.compiled._templates"

Check = Callable[[Any], Any]


def schema_digest(schema: Mapping[str, Any]) -> str | None:
    """The sha256 of ``schema``'s canonical JSON, or None when it isn't plain JSON data."""
    try:
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _module(name: str) -> Any:
    """A generated module, or None when turned off, missing or broken (then the tests fail,
    and the reference runs)."""
    if os.environ.get(OFF_VARIABLE, "") not in ("", "0"):
        return None
    try:
        return importlib.import_module(name)
    except Exception:
        return None


@cache
def generated() -> Mapping[str, Check]:
    """The generated validators by schema digest (none when turned off or not generated)."""
    module = _module(GENERATED_MODULE)
    validators: Mapping[str, Check] = module.VALIDATORS if module is not None else {}
    return validators


def template_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


Namespace = Callable[[Any], dict[str, Any]]


@cache
def _shipped_templates() -> Mapping[str, Namespace]:
    """The shipped rubric's templates as jinja2 compiled them, by digest: only when the
    jinja2 here is the one that compiled them (its generated code calls its runtime)."""
    module = _module(TEMPLATES_MODULE)
    if module is None:
        return {}
    from jinja2 import __version__ as jinja2_version

    if jinja2_version != module.JINJA2:
        return {}
    templates: Mapping[str, Namespace] = module.TEMPLATES
    return templates


def template_namespace(text: str) -> Namespace | None:
    """For a template compiled at build time, the function that makes its module namespace
    (jinja2's ``Template.from_module_dict`` takes it); None: jinja2 compiles it now."""
    return _shipped_templates().get(template_digest(text))


class Compiled:
    """A schema's generated validator."""

    __slots__ = ("_check",)

    def __init__(self, check: Check) -> None:
        self._check = check

    def passes(self, instance: Any) -> bool | None:
        """Whether ``instance`` is valid; None when the generated code can't read it."""
        try:
            self._check(instance)
        except JsonSchemaException:
            return False
        except Exception:  # e.g. a key that isn't text: jsonschema decides
            return None
        return True


def compiled(schema: Mapping[str, Any]) -> Compiled | None:
    """The generated validator of exactly this schema, if there is one."""
    digest = schema_digest(schema)
    check = generated().get(digest) if digest is not None else None
    return Compiled(check) if check is not None else None


class Predicate:
    """``is_valid`` through generated code, falling back to the reference validator."""

    __slots__ = ("_compiled", "_reference", "_validator")

    def __init__(self, generated: Compiled, reference: Callable[[], Any]) -> None:
        self._compiled, self._reference = generated, reference
        self._validator: Any = None  # built only if the generated code can't read a value

    def is_valid(self, instance: Any) -> bool:
        verdict = self._compiled.passes(instance)
        if verdict is not None:
            return verdict
        if self._validator is None:
            self._validator = self._reference()
        return bool(self._validator.is_valid(instance))


def validator(schema: Mapping[str, Any], reference: Callable[[], Any]) -> Any:
    """An object with ``is_valid``: the generated code for ``schema`` when it was compiled,
    else ``reference()`` (a jsonschema validator of the same schema)."""
    found = compiled(schema)
    return Predicate(found, reference) if found is not None else reference()
