"""Write ``_generated.py`` (the shipped schemas compiled to Python by fastjsonschema, a dev
tool) and ``_templates.py`` (the shipped rubric's templates compiled to Python by jinja2).

    python -m deploylint.compiled.generate          # rewrite the modules (and the doc
                                                    # schema's rubric notes: schema_notes)
    python -m deploylint.compiled.generate --check  # exit 1 when a committed one is stale

fastjsonschema implements drafts 4, 6 and 7; our schemas are written for 2020-12 and keep to
the keywords both mean alike (tests/test_compiled.py walks them). Each schema is compiled as
draft-07, with ``$`` in patterns spelled as Python's ``$`` means it (fastjsonschema reads it as
``\\Z``) and ``format: date`` checked as jsonschema checks it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import fastjsonschema

from deploylint.compiled import template_digest
from deploylint.compiled.targets import Target, targets, template_texts

DRAFT: Final = "http://json-schema.org/draft-07/schema#"
OUTPUT: Final = Path(__file__).with_name("_generated.py")
TEMPLATES_OUTPUT: Final = Path(__file__).with_name("_templates.py")
COMMAND: Final = "python -m deploylint.compiled.generate"
# jsonschema's date: ASCII YYYY-MM-DD that datetime.date.fromisoformat accepts (year 0001
# on, a day that exists). fastjsonschema's own allows any Unicode digit and year 0000.
DATE: Final = (
    r"(?a)^(?!0000)(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    r"|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)\Z"
)
_IMPORT: Final = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"
_OWN_IMPORT: Final = (
    "from deploylint.compiled.errors import JsonSchemaValueException, JsonSchemaValuesException"
)


def python_dollar(pattern: str) -> str:
    """``pattern`` with each ``$`` written so fastjsonschema (which turns every unescaped ``$``
    into ``\\Z``) keeps Python's meaning: the end, or before a final newline; in a set, ``$``."""
    out: list[str] = []
    opened, escaped = -1, False  # opened: where the set we're in began, -1 outside sets
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and opened < 0:
            opened = index
        elif char == "]" and opened >= 0 and not _first_member(pattern, opened, index):
            opened = -1
        elif char == "$":
            out.append(r"\$" if opened >= 0 else r"(?=\n?\Z)")
            continue
        out.append(char)
    return "".join(out)


def _first_member(pattern: str, opened: int, index: int) -> bool:
    """Whether the ``]`` at ``index`` is literal: first in the set (``[]...]``, ``[^]...]``)."""
    return index == opened + 1 or (index == opened + 2 and pattern[opened + 1] == "^")


def for_generator(node: Any) -> Any:
    """A copy of a schema in which fastjsonschema's pattern reading equals Python's."""
    if isinstance(node, list):
        return [for_generator(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("enum", "const", "default", "examples"):
            copy[key] = value
        elif key == "pattern" and isinstance(value, str):
            copy[key] = python_dollar(value)
        elif key == "patternProperties" and isinstance(value, dict):
            copy[key] = {python_dollar(k): for_generator(v) for k, v in value.items()}
        elif key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            copy[key] = {k: for_generator(v) for k, v in value.items()}
        else:
            copy[key] = for_generator(value)
    return copy


def compile_target(target: Target) -> tuple[list[str], str]:
    """The target's import lines and a factory function returning its validator."""
    schema = {**for_generator(target.schema), "$schema": DRAFT}
    code = fastjsonschema.compile_to_code(schema, formats={"date": DATE}, use_default=False)
    lines = _terse(code).splitlines()
    imports = [line for line in lines if line.startswith(("import ", "from "))]
    body = [
        line
        for line in lines
        if line not in imports and not line.startswith(("VERSION =", "NoneType ="))
    ]
    root = re.search(r"^def (\w+)\(", code, re.MULTILINE)
    if root is None or any('"""' in line or "'''" in line for line in body):
        raise ValueError(f"{target.name}: unexpected generated code")
    factory = [f"def _{target.digest[:16]}():", f"    # {target.name}"]
    factory += [f"    {line}" if line else "" for line in _trimmed(body)]
    factory.append(f"    return {root.group(1)}")
    return imports, "\n".join(factory)


class _Terse(ast.NodeTransformer):
    """Drops the details an exception carries (the value, its name, the whole definition):
    only the verdict is read, and the definitions made the module 700 KB."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "JsonSchemaValueException":
            node.keywords = []
        return self.generic_visit(node)


def _terse(code: str) -> str:
    return ast.unparse(_Terse().visit(ast.parse(code)))


def _trimmed(lines: list[str]) -> Iterator[str]:
    blank = False
    for line in lines:
        if not line.strip():
            blank = True
            continue
        if blank:
            yield ""
        blank = False
        yield line


def module_text(compiled: Sequence[tuple[Target, list[str], str]]) -> str:
    """The whole generated module."""
    imports = sorted({line for _, lines, _ in compiled for line in lines})
    imports = [_OWN_IMPORT if line == _IMPORT else line for line in imports]
    head = [
        f"# Generated by `{COMMAND}` with fastjsonschema {fastjsonschema.VERSION}",
        f"# (draft-07) from {len(compiled)} schemas: do not edit. Keyed by each schema's digest",
        "# (deploylint.compiled.schema_digest); jsonschema stays the reference.",
        *imports,
        "",
        "NoneType = type(None)",
    ]
    factories = [factory for _, _, factory in compiled]
    table = ["VALIDATORS = {"]
    table += [f'    "{target.digest}": _{target.digest[:16]}(),' for target, _, _ in compiled]
    table.append("}")
    return "\n\n\n".join(["\n".join(head), *factories, "\n".join(table)]) + "\n"


def generate() -> str:
    return module_text([(target, *compile_target(target)) for target in targets()])


# The first line of every compiled template (jinja2 3.1): imported once, at the top.
_RUNTIME: Final = (
    "from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, "
    "TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, "
    "markup_join, missing, str_join"
)


def compile_template(text: str) -> str:
    """A function that runs jinja2's compiled code for ``text`` and returns the namespace
    ``Template.from_module_dict`` takes (what jinja2's ModuleLoader imports, one per file)."""
    from deploylint.rubric.render import _environment  # its filters decide the code

    source = _environment().compile(text, raw=True)
    head, _, body = source.partition("\n")
    if head != _RUNTIME or '"""' in body or "\ndef root(" not in body:
        raise ValueError(f"unexpected compiled template for {text[:60]!r}")
    lines = [f"def _{template_digest(text)[:16]}(environment):"]
    lines += [f"    {line}" if line.strip() else "" for line in body.splitlines()]
    namespace = ", ".join(f"{n!r}: {n}" for n in ("name", "blocks", "root", "debug_info"))
    lines.append(f"    return {{{namespace}, '__file__': '<template>'}}")
    return "\n".join(lines)


def templates_head(count: int) -> str:
    import jinja2

    return "\n".join(
        [
            f"# Generated by `{COMMAND}` with jinja2 {jinja2.__version__} from {count} rubric",
            "# templates: do not edit. Keyed by each template's sha256; deploylint.rubric.render",
            "# compiles any other template, and every one when another jinja2 is installed.",
            _RUNTIME + "  # noqa: F401",
            "",
            f'JINJA2 = "{jinja2.__version__}"',
        ]
    )


def generate_templates() -> str:
    texts = template_texts()
    factories = [compile_template(text) for text in texts]
    table = ["TEMPLATES = {"]
    table += [f'    "{template_digest(t)}": _{template_digest(t)[:16]},' for t in texts]
    table.append("}")
    return "\n\n\n".join([templates_head(len(texts)), *factories, "\n".join(table)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a module is stale")
    options = parser.parse_args(argv)
    stale = _schema_notes(check=options.check)  # first: the compiled schema includes them
    for output, text in ((OUTPUT, generate()), (TEMPLATES_OUTPUT, generate_templates())):
        current = output.read_text("utf-8") if output.exists() else ""
        if options.check:
            if text != current:
                print(f"{output} is stale: run `{COMMAND}`", file=sys.stderr)
                stale = 1
            continue
        if text != current:
            output.write_text(text, "utf-8")
        print(f"{output}: {text.count(chr(10))} lines")
    return stale


def _schema_notes(*, check: bool) -> int:
    """Write the rubric's notes into the doc schema's descriptions (see schema_notes)."""
    from deploylint.compiled.schema_notes import schema_text
    from deploylint.load.docschema import SCHEMA_FILE, doc_schema
    from deploylint.resources import data_dir

    current, text = schema_text()
    path = data_dir("schemas") / SCHEMA_FILE
    if check:
        if text != current:
            print(f"{path} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if text != current:
        path.write_text(text, "utf-8")
        doc_schema.cache_clear()
    print(f"{path}: the rubric's notes in {text.count(' Rubric: ')} descriptions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
