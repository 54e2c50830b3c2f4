"""Commands for doc and rubric authors: a starter doc, and checking a rubric's examples."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deploylint.cli import (
    Today,
    app,
    command_config,
    command_rubric,
    grading_day,
    text_writer,
    write_output,
)
from deploylint.messages import say

if TYPE_CHECKING:
    from deploylint.rubric.model import Rubric


@app.command()
def init(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the doc here (refuses to overwrite).", show_default=False
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="The deployment's name.")] = "my-deployment",
    agent: Annotated[
        list[str] | None,
        typer.Option(
            "--agent",
            help="An agent's id (repeatable). Default: one agent, NAME-agent.",
            show_default=False,
        ),
    ] = None,
    agents: Annotated[
        int,
        typer.Option(
            min=1, max=50, metavar="N", help="How many agents (1 to 50), when no --agent is given."
        ),
    ] = 1,
    schema_ref: Annotated[
        str | None,
        typer.Option(
            "--schema",
            help="The $schema path or URL editors validate against. Default: "
            "deploylint.schema.json; with -o, the repository's one shared schema file (the "
            "nearest above the doc, else written at the repository's root).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a commented starter doc; `check` on it lists what remains to fill in."""
    from deploylint.cli.starter import DEFAULT_SCHEMA, one_line_problem, shared_schema, starter_doc

    problem = one_line_problem(schema_ref) if schema_ref is not None else None
    if problem is not None:
        say(sys.stderr, problem)
        raise typer.Exit(2)
    if schema_ref is None:
        schema_ref = shared_schema(output) if output is not None else DEFAULT_SCHEMA
    ids = agent or [
        f"{name}-agent" if agents == 1 else f"{name}-agent-{n}" for n in range(1, agents + 1)
    ]
    text = starter_doc(name, ids, schema=schema_ref, file=str(output or "<this file>"))
    code = write_output(output, text_writer(text), replace=False)
    if output is not None and code == 0:
        say(sys.stderr, f"wrote {output}; `deploylint check {output}` lists what to fill in", None)
        code = _schema_for(output, schema_ref)
    raise typer.Exit(code)


def _schema_for(doc: Path, schema_ref: str) -> int:
    """Write the JSON Schema the doc's first line names, when it isn't there yet, so editors
    validate the new doc at once."""
    from deploylint.cli.starter import doc_schema, schema_to_write

    target = schema_to_write(doc, schema_ref)
    if target is None:
        return 0
    code = write_output(target, text_writer(doc_schema()), replace=False)
    if code == 0:
        say(sys.stderr, f"wrote {target}: the JSON Schema the doc's first line names (the next "
            "`init -o` in this repository points at it too)", None)  # fmt: skip
    return code


@app.command(
    "test-rubric",
    epilog="Exit codes: 0 = every example behaves; 1 = some don't; 2 = the rubric can't be read.",
)
def test_rubric(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Rubric folders or area files.")
    ],
    today: Today = None,
) -> None:
    """Run each rule's good and bad example (like `conftest verify`): bad fires, good doesn't."""
    from deploylint.rubric.verify import verify

    rubric = _rubric_to_test(paths)
    sources = [p.resolve() for p in paths]
    own = [
        r.id
        for r in rubric.rules.values()
        if any(Path(r.source).resolve().is_relative_to(s) for s in sources)
    ]
    verdicts = verify(rubric, own, grading_day(today))
    for v in verdicts:
        sys.stdout.write(
            f"{'ok  ' if v.ok else 'FAIL'} {v.rule}{': ' + v.problem if v.problem else ''}\n"
        )
    failed = sum(not v.ok for v in verdicts)
    sys.stdout.write(f"{len(verdicts)} rule(s), {failed} failing\n")
    raise typer.Exit(1 if failed or not verdicts else 0)


def _rubric_to_test(paths: list[Path]) -> Rubric:
    """The shipped rubric with ``paths`` added; or ``paths`` alone when they redefine the
    shipped rules (a copy of `rubrics/default`, tested from a checkout beside an install)."""
    from deploylint.gate.configure import rubric_for
    from deploylint.rubric.load import RubricError

    try:
        return rubric_for(command_config(None, True), tuple(paths), replace_default=False)
    except RubricError as error:
        clash = error
    if "already defined" in str(clash):
        alone = command_rubric(None, True, paths, only=True)
        if _redefines_the_shipped(alone):
            return alone
    say(sys.stderr, str(clash))  # a custom rule reusing a shipped id too: as `check` says it
    raise typer.Exit(2)


def _redefines_the_shipped(rubric: Rubric) -> bool:
    """Whether ``rubric`` holds every shipped rule: a copy of `rubrics/default`."""
    from deploylint.rubric.load import load_default

    return set(load_default().rules) <= set(rubric.rules)
