"""Records as JSON data: what ``dataclasses.asdict`` makes, without its deep copies.

asdict copies every value recursively through ``copy.deepcopy``; the cache stores thousands
of records a run (a fleet's facts, a file's findings), where that was most of a store.
"""

from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    """A dataclass record (and the records, tuples and lists in it) as dicts and lists."""
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in fields}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value
