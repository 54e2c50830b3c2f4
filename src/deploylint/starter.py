"""`deploylint init`: a commented starter doc, rendered from templates/init.yaml.j2."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

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
    """Where the doc's $schema line points, beside the doc, when that file is missing."""
    if not _local(schema):
        return None
    target = doc.parent / schema
    return None if target.exists() else target


def doc_schema() -> str:
    """The deployment doc's JSON Schema, as `deploylint schema` prints it."""
    from deploylint.resources import data_dir

    return (data_dir("schemas") / "deployment-doc.v1.schema.json").read_text("utf-8")
