"""`deploylint init`: a commented starter doc, rendered from templates/init.yaml.j2."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
        name=name, agents=list(agents), schema=schema, file=file or "<this file>"
    )
