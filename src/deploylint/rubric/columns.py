"""Column templates of a custom rubric, rendered under a budget.

The shipped rubric's templates are compiled at build time and trusted: they render as they
always did, at no extra cost. Any other template (a custom rubric's, from the pull request)
is compiled in its own sandbox, whose `replace` refuses to build a string over MAX_BUILT
characters (a chain of them asked for ~10 GB; the --template sandbox uses it too), and
renders within the file's budget of CPU time and MEGABYTES of new memory
(deploylint.rubric.budget): a macro that calls itself in its loop, or a string doubled by `~`
until it fills the machine, stops the run with exit 2 naming the rule, the column and the
rubric file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from deploylint.rubric import budget
from deploylint.rubric.model import Rule

MAX_BUILT: Final = 1_000_000  # characters one `replace` may build


def environment_for(text: str, shipped: Any) -> Any:
    """The environment to compile ``text`` in: ``shipped`` (the rubric's own environment)
    for a template of the shipped rubric, else the bounded one, with the same filters."""
    return shipped if text in _shipped_texts() else _bounded(shipped)


def render(template: Any, context: Mapping[str, Any], rule: Rule, column: str) -> str:
    """``template`` rendered; within the budget when it isn't one of the shipped rubric's."""
    if not isinstance(template.environment, _environment_class()):
        # The shipped rubric's own: reviewed, and none reads jinja's globals (a test holds
        # that), so the context is the variables themselves, not a merged copy with the
        # globals (half the cost of a render, 160,000 findings in a big fleet).
        return "".join(template.root_render_func(template.new_context(context, shared=True)))
    with budget.bounded(f"{rule.source}: rule {rule.id}: its {column} template", memory=True):
        rendered: str = template.render(context)
    return rendered


@cache
def _shipped_texts() -> frozenset[str]:
    from deploylint.compiled.targets import template_texts

    return frozenset(template_texts())


@cache
def _bounded(shipped: Any) -> Any:
    """A sandbox like ``shipped`` (its undefined, escaping and filters), `replace` bounded."""
    made = _environment_class()(undefined=shipped.undefined, autoescape=shipped.autoescape)
    made.filters.update(shipped.filters)
    made.filters["replace"] = replace_filter()
    return made


@cache
def _environment_class() -> Any:
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedColumns(SandboxedEnvironment):
        """The sandbox of the templates that aren't the shipped rubric's."""

    return BoundedColumns


def _replace(eval_context: Any, value: Any, old: Any, new: Any, count: int | None = None) -> Any:
    """jinja2's `replace`, refusing a result over MAX_BUILT characters before building it."""
    from jinja2.filters import do_replace

    text, old_text = str(value), str(old)
    found = len(text) + 1 if not old_text else text.count(old_text)
    found = found if count is None or count < 0 else min(found, count)
    if len(text) + found * (len(str(new)) - len(old_text)) > MAX_BUILT:
        raise budget.OverBudget(f"replace would build a text over {MAX_BUILT:,} characters")
    return do_replace(eval_context, value, old, new, count)


@cache
def replace_filter() -> Any:
    """The bounded `replace`, as a jinja2 filter (the --template sandbox uses it too)."""
    from jinja2 import pass_eval_context

    return pass_eval_context(_replace)
