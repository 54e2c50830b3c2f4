"""`deploylint init`: a commented starter doc, rendered from templates/init.yaml.j2."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from deploylint.input.repository import repository_root

DEFAULT_SCHEMA: Final = "deploylint.schema.json"  # `deploylint schema -o deploylint.schema.json`


def starter_doc(
    name: str, agents: Sequence[str], *, schema: str = DEFAULT_SCHEMA, file: str = ""
) -> str:
    """The starter doc's text. Names are written as quoted YAML scalars, whatever they hold."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from deploylint.resources import data_dir

    environment = Environment(
        loader=FileSystemLoader(data_dir("templates")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # YAML: values go through `scalar`
    )
    environment.filters["scalar"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    template = environment.get_template("init.yaml.j2")
    return template.render(
        name=name,
        agents=list(agents),
        schema=schema,
        local_schema=_local(schema),
        file=file or "<this file>",
    )


def _local(schema: str) -> bool:
    """A relative file path (not a URL, not absolute): one `init -o` can write beside the doc."""
    return "://" not in schema and not Path(schema).is_absolute()


def schema_to_write(doc: Path, schema: str) -> Path | None:
    """Where the doc's $schema line points (from the doc's folder), when that file is missing."""
    if not _local(schema):
        return None
    target = Path(os.path.normpath(doc.parent / schema))
    return None if target.exists() else target


def shared_schema(doc: Path) -> str:
    """The $schema line of a doc `init -o` writes: one file for every doc of the repository,
    the nearest deploylint.schema.json from the doc's folder up to the repository root, else
    one at the root (outside a repository, beside the doc), as a path from the doc's folder.
    Three docs in three folders share one schema instead of holding three copies."""
    folder = Path(os.path.normpath(doc.absolute().parent))
    root = repository_root(folder)
    for above in (folder, *(p for p in folder.parents if p.is_relative_to(root))):
        if (above / DEFAULT_SCHEMA).is_file():
            return Path(os.path.relpath(above / DEFAULT_SCHEMA, folder)).as_posix()
    home = root if (root / ".git").exists() else folder
    return Path(os.path.relpath(home / DEFAULT_SCHEMA, folder)).as_posix()


def one_line_problem(schema: str) -> str | None:
    """Why ``schema`` can't be the doc's first line (a line break would start a line of YAML
    of its own: `apiVersion: evil/v9`), or None."""
    if len(schema.splitlines()) > 1 or any(unicodedata.category(c) == "Cc" for c in schema):
        return f"--schema: {schema!r} is not a path or URL on one line"
    return None


def doc_schema() -> str:
    """The deployment doc's JSON Schema, as `deploylint schema` prints it."""
    from deploylint.resources import data_dir

    return (data_dir("schemas") / "deployment-doc.v1.schema.json").read_text("utf-8")
