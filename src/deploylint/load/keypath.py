"""Key paths into a doc (``$.agents[0].actions[1].cost_ceiling``) and selectors over them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

Key = str | int
KeyPath = tuple[Key, ...]


class _Wildcard:
    """The ``[*]`` step of a selector: every item of a list."""

    def __repr__(self) -> str:
        return "[*]"


WILDCARD: Final = _Wildcard()
Step = Key | _Wildcard
Selector = tuple[Step, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+|\*)\]|\[("(?:[^"\\]|\\.)*")\]')


def format_path(path: Sequence[Key]) -> str:
    """Render a key path the way findings show it: ``$.agents[0].tools``."""
    parts = ["$"]
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _IDENTIFIER.match(key):
            parts.append(f".{key}")
        else:
            parts.append(f"[{json.dumps(key, ensure_ascii=False)}]")
    return "".join(parts)


def parse_selector(text: str) -> Selector:
    """Parse ``$.a.b[*].c[0]`` (or a relative ``a.b``) into steps; raise ValueError if malformed."""
    rest = text[1:] if text.startswith("$") else "." + text if text else ""
    steps: list[Step] = []
    position = 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            raise ValueError(f"malformed selector {text!r} at character {position + 1}")
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif quoted is not None:
            steps.append(json.loads(quoted))
        else:
            steps.append(WILDCARD if index == "*" else int(index))
        position = match.end()
    return tuple(steps)


def select(data: Any, selector: Selector, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Yield ``(path, value)`` for every existing node the selector reaches."""
    if not selector:
        yield path, data
        return
    step, rest = selector[0], selector[1:]
    if isinstance(step, _Wildcard):
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from select(item, rest, (*path, index))
        return
    found, child = _child(data, step)
    if found:
        yield from select(child, rest, (*path, step))


_MAPPING = (dict, Mapping)  # dict first: a loaded doc's mappings are, and the ABC check is slow


def _child(data: Any, key: Key) -> tuple[bool, Any]:
    """One step down: a mapping's key or a list's index, if it exists."""
    if isinstance(key, str) and isinstance(data, _MAPPING) and key in data:
        return True, data[key]
    if isinstance(key, int) and isinstance(data, list) and 0 <= key < len(data):
        return True, data[key]
    return False, None


def lookup(data: Any, path: Sequence[Key]) -> tuple[bool, Any]:
    """Follow a concrete path; return ``(found, value)``."""
    for key in path:
        found, data = _child(data, key)
        if not found:
            return False, None
    return True, data
