"""Merge keys (`<<`): a mapping takes the keys its merged mappings have and it hasn't."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deploylint.load.docframes import Frame
from deploylint.load.loaded import position
from deploylint.load.readings import merged_keys

if TYPE_CHECKING:
    from deploylint.load.docbuild import DocBuilder


def apply_merges(builder: DocBuilder, frame: Frame) -> None:
    """Merge each `<<`'s mappings into ``frame``'s, the first that has a key winning."""
    container: dict[str, Any] = frame.container  # type: ignore[assignment]
    explicit = set(container)
    merges: list[list[dict[str, Any]]] = []
    for source, mark in frame.merges or ():
        merges.append([])
        for mapping in source if isinstance(source, list) else [source]:
            if not isinstance(mapping, dict):
                message = "a merge key (<<) must refer to a mapping"
                builder.problem("DL007", position(mark), message, frame.path)
                continue
            merges[-1].append(mapping)
            for key, value in mapping.items():
                if key not in explicit and key not in container:
                    container[key] = value
                    if frame.sites is not None:
                        frame.sites.marks[key] = mark
    if builder.readings and (len(frame.merges or ()) > 1 or (merges and len(merges[0]) > 1)):
        _merge_readings(builder, frame, merges, explicit)


def _merge_readings(
    builder: DocBuilder, frame: Frame, merges: list[list[dict[str, Any]]], explicit: set[str]
) -> None:
    """Merges whose order decides a value are two readings; a repeated `<<` whose order
    decides nothing is still a duplicate key."""
    marks = [mark for _, mark in frame.merges or ()]
    differ = list(merged_keys(merges, explicit))
    for key, source, message in differ:
        path = None if frame.path is None else (*frame.path, key)
        builder.problem("DL014", position(marks[source]), message, path)
    for mark in marks[1:] if not differ else ():
        message = "duplicate key '<<' (a second merge; here every order reads the same)"
        builder.problem("DL004", position(mark), message, frame.path)
