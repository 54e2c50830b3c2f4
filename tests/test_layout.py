"""The package's layout (issue 22): stages as packages, one pipeline, the doc read raw in
the model only, and the command line's options stopping at the command line."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "src" / "deploylint"
SCHEMA = REPO / "schemas" / "deployment-doc.v1.schema.json"
STAGES = ("input", "load", "model", "rubric", "fleet", "gate", "report", "cache", "cli")
GENERATED = ("_generated.py", "_templates.py")


def _modules(root: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.name not in GENERATED)


def test_at_most_six_modules_at_the_root_and_every_stage_is_a_package_saying_what_it_does():
    assert len(list(PACKAGE.glob("*.py"))) <= 6, sorted(p.name for p in PACKAGE.glob("*.py"))
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        docstring = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert docstring and len(docstring.split()) >= 12, f"{stage}/__init__.py says too little"
    for folder in {p.parent for p in _modules()}:  # every package, stage or not
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text("utf-8"))), folder


def test_no_module_outside_the_model_indexes_the_docs_raw_sections():
    """The doc's raw data is read in deploylint.model only; everyone else reads the model.
    The sections are the schema's own top-level keys."""
    sections = sorted(json.loads(SCHEMA.read_text("utf-8"))["properties"])
    assert {"agents", "checkpoints", "waivers", "metadata"} <= set(sections)
    names = "|".join(map(re.escape, sections))
    raw = re.compile(rf"""(\.get\(\s*|\[\s*)["']({names})["']""")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _modules()
        if PACKAGE / "model" not in path.parents
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if raw.search(line)
    ]
    assert offenders == []


def test_the_grep_would_see_a_raw_read():
    """The test above can fail: the pattern matches the ways a section is read."""
    sections = sorted(json.loads(SCHEMA.read_text("utf-8"))["properties"])
    raw = re.compile(rf"""(\.get\(\s*|\[\s*)["']({"|".join(sections)})["']""")
    for line in ('doc.get("agents")', "data['checkpoints']", 'x.get( "waivers", [])'):
        assert raw.search(line), line
    assert not raw.search("model.agents") and not raw.search('found["tools"]')


def test_the_command_lines_options_stop_at_the_command_line():
    """No module below the CLI takes (or names) the parsed ``Options``."""
    named = re.compile(r"(?<![.\w])Options\b")  # not re2.Options
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if PACKAGE / "cli" not in path.parents and named.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_the_pipeline_fits_on_one_screen():
    tree = ast.parse((PACKAGE / "pipeline.py").read_text("utf-8"))
    [check] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"]
    assert check.end_lineno is not None
    assert check.end_lineno - check.lineno + 1 <= 40
    arguments = [a.annotation for a in check.args.args + check.args.kwonlyargs]
    assert "Options" not in ast.unparse(ast.Tuple(elts=[a for a in arguments if a])), arguments


def test_the_fuzzer_and_the_benchmarks_import_what_the_package_still_has():
    """fuzz/ and bench/ run outside the suite; a module moved in the package must not leave
    them importing a name that is gone (the regroup once did)."""
    import importlib

    scripts = sorted([*(REPO / "fuzz").glob("*.py"), *(REPO / "bench").glob("*.py")])
    assert scripts
    imported = 0
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("deploylint"):
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{script.name}: {node.module}.{alias.name}"
                    imported += 1
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("deploylint"):
                        importlib.import_module(alias.name)
                        imported += 1
    assert imported >= 5  # the fuzzer alone imports five names
