"""Rule examples as real YAML: the rubric's base doc with a rule's edits applied."""

from __future__ import annotations

import copy
from functools import cache
from io import StringIO
from typing import Any

from deploylint.load.loader import load_text
from deploylint.load.readings import other_reading
from deploylint.rubric.model import Edit, Example, Rubric


@cache
def _base_data(base_text: str) -> Any:
    docs = load_text(base_text)
    if len(docs) != 1 or not docs[0].gradable:
        raise ValueError("the rubric's base doc must be one valid YAML mapping")
    return docs[0].data


def apply_edits(data: Any, edits: tuple[Edit, ...]) -> Any:
    """A deep copy of ``data`` with the edits applied (missing parents become mappings)."""
    edited = copy.deepcopy(data)
    for edit in edits:
        parent = edited
        for key, following in zip(edit.path[:-1], edit.path[1:], strict=True):
            parent = _child(parent, key, following)
        last = edit.path[-1]
        if edit.delete:
            if isinstance(parent, dict):
                parent.pop(last, None)
            elif isinstance(last, int) and isinstance(parent, list) and last < len(parent):
                del parent[last]
        elif isinstance(parent, list) and last == len(parent):
            parent.append(copy.deepcopy(edit.value))
        else:
            parent[last] = copy.deepcopy(edit.value)
    return edited


def _child(parent: Any, key: str | int, following: str | int) -> Any:
    if isinstance(parent, dict) and key not in parent:
        parent[key] = [] if isinstance(following, int) else {}
    return parent[key]


def dump_yaml(data: Any) -> str:
    """Block-style YAML for a value (safe dumper: plain data only)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _representer()
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@cache
def _representer() -> Any:
    """ruamel.yaml's safe representer, writing text so that every YAML reader reads text."""
    from ruamel.yaml.representer import SafeRepresenter

    class OneReading(SafeRepresenter):  # a subclass: add_representer changes the class
        pass

    OneReading.add_representer(str, _one_reading)
    return OneReading


def _one_reading(representer: Any, text: str) -> Any:
    """Text YAML 1.2 writes plain but another reader types (`on`, `1:30`) is quoted, so
    what deploylint writes reads one way everywhere (DL014)."""
    if other_reading(text, text) is not None:
        return representer.represent_scalar("tag:yaml.org,2002:str", text, style="'")
    return representer.represent_str(text)


def example_text(rubric: Rubric, example: Example) -> str:
    """The whole YAML file an example stands for."""
    if example.text is not None:
        return example.text
    return dump_yaml(apply_edits(_base_data(rubric.base_text), example.edits))
