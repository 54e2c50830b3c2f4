"""The shipped rubric's templates, compiled by jinja2 at build time: fresh, complete, used,
rendering exactly what compiling them at run time renders, and left alone when another
jinja2 is installed."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from deploylint import compiled
from deploylint.compiled.targets import template_texts
from deploylint.rubric import columns, render
from tests.conftest import FAILING, TODAY, deploylint_process

COMMAND = "python -m deploylint.compiled.generate"


@pytest.fixture
def fresh_caches():
    compiled._shipped_templates.cache_clear()
    render._template.cache_clear()
    yield
    compiled._shipped_templates.cache_clear()
    render._template.cache_clear()


def test_the_committed_templates_are_a_fresh_generation() -> None:
    generate = pytest.importorskip("deploylint.compiled.generate", reason="needs fastjsonschema")
    committed = generate.TEMPLATES_OUTPUT.read_text("utf-8")
    assert committed == generate.generate_templates(), f"_templates.py is stale: run `{COMMAND}`"


def test_every_shipped_template_and_no_other_is_compiled() -> None:
    shipped = {compiled.template_digest(text) for text in template_texts()}
    assert len(shipped) > 300
    assert set(compiled._shipped_templates()) == shipped, f"stale: run `{COMMAND}`"


def test_a_shipped_template_is_not_compiled_at_run_time(monkeypatch, fresh_caches) -> None:
    def refuse(*_args: Any) -> None:
        raise AssertionError("compiled at run time")

    monkeypatch.setattr(render._environment(), "from_string", refuse)
    for text in template_texts():
        assert render._template(text).root_render_func is not None
    custom = columns.environment_for("a custom rubric's {{ agent.id }}", render._environment())
    monkeypatch.setattr(custom, "from_string", refuse)  # compiled now, in a bounded sandbox
    with pytest.raises(AssertionError, match="compiled at run time"):
        render._template("a custom rubric's {{ agent.id }}")


@pytest.mark.parametrize("text", template_texts())
def test_each_renders_what_jinja2_compiling_it_now_renders(text: str) -> None:
    context = {"agent": {"id": "a1"}, "params": {}, "value": 3, "doc": {}, "blast": "b"}
    precompiled = render._template(text)
    now = render._environment().from_string(text)
    assert _rendered(precompiled, context) == _rendered(now, context)


def _rendered(template: Any, context: dict[str, Any]) -> str:
    try:
        return str(template.render(context))
    except Exception as error:  # a variable this context lacks: the same error either way
        return f"{type(error).__name__}: {error}"


def test_another_jinja2_compiles_every_template_itself(monkeypatch, fresh_caches) -> None:
    module = pytest.importorskip(compiled.TEMPLATES_MODULE)
    monkeypatch.setattr(module, "JINJA2", "0.0.1")
    assert compiled._shipped_templates() == {}
    text = template_texts()[0]
    assert render._template(text).render({}) == jinja2.Template(text).render({})


def test_reports_with_findings_are_byte_identical_without_them(tmp_path: Path) -> None:
    args = ("check", str(FAILING), "--today", TODAY, "--no-config", "--no-cache")
    for chosen in ("json", "markdown"):
        fast = deploylint_process(*args, "--format", chosen)
        reference = deploylint_process(*args, "--format", chosen, env={compiled.OFF_VARIABLE: "1"})
        assert fast.code == 1 and fast.stdout == reference.stdout


def test_the_wheel_ships_the_compiled_templates(wheel: Path) -> None:
    assert "deploylint/compiled/_templates.py" in zipfile.ZipFile(wheel).namelist()


def test_no_shipped_template_reads_jinja_globals() -> None:
    """Shipped templates render in a context of their variables alone, without jinja's
    globals (range, dict, namespace...): that halves a render's cost (rubric/columns.py)."""
    from jinja2 import meta

    from deploylint.compiled.targets import template_texts
    from deploylint.rubric.render import _environment

    environment = _environment()
    for text in template_texts():
        read = meta.find_undeclared_variables(environment.parse(text))
        assert not read & set(environment.globals), (text, read & set(environment.globals))
