"""Turn PATH arguments into the files to grade, and read them within the size limit."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Final

from deploylint.cache import replay
from deploylint.input.walk import NOT_REGULAR, Level, Met, walk

STDIN: Final = "-"


class Unreadable(Exception):
    """A file that exists but can't be read (permissions, a device, an I/O error)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A file to grade. ``found`` is True for files met while walking a folder."""

    name: str
    path: Path | None  # None: standard input
    found: bool = False
    # Every path, as named or walked, that leads to this file: a link and its target are
    # graded once, and --diff-base compares the file with what the base had at each.
    at: tuple[Path, ...] = ()
    # Standard input as read, once, by the process that found it (``with_stdin_read``):
    # a worker's standard input is /dev/null. Not part of the source's identity.
    read_already: bytes | int | Unreadable | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Discovery:
    sources: tuple[Source, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what a walk skipped on purpose (a hidden folder)
    keys: tuple[str, ...] = ()  # each source's real path (stdin: "-"), in the same order


@dataclass(frozen=True, slots=True)
class Filter:
    """Globs from the config for files met while walking folders (named files always count).

    fnmatch patterns, matched against the path relative to ``root`` (`*` also matches `/`).
    """

    root: Path = Path()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def keeps(self, path: Path) -> bool:
        if not self.include and not self.exclude:
            return True  # no globs (most runs): nothing to work out, for each of 10,000 files
        try:  # the path as walked, `..` collapsed (a link's target doesn't decide where it belongs)
            walked = Path(os.path.normpath(path.absolute()))
            name = walked.relative_to(os.path.normpath(self.root.absolute())).as_posix()
        except ValueError:
            name = path.as_posix()
        if self.include and not any(fnmatch(name, glob) for glob in self.include):
            return False
        return not any(fnmatch(name, glob) for glob in self.exclude)


def discover(arguments: Sequence[str], only: Filter | None = None) -> Discovery:
    """Files as given, folders walked for docs (see deploylint.input.walk), ``-`` stdin; a file met
    twice (named and walked, or through a link) is one source."""
    found = _Found()
    for argument in arguments:
        path = Path(argument)
        if argument == STDIN:
            replay.refuse("reads standard input")
            found.add(STDIN, Source("<stdin>", None))
        elif path.is_dir():
            found.walked(argument, only)
        elif path.is_file():
            found.add(os.path.realpath(path), Source(display_name(path), path, at=(path,)))
        elif path.exists() or path.is_symlink():
            found.errors.append(f"{argument}: {NOT_REGULAR}")
        else:
            found.errors.append(f"{argument}: no such file or folder")
    return found.discovery()


class _Found:
    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}
        self.errors: list[str] = []
        self.said: dict[tuple[Level, str], None] = {}  # warnings and notes, each said once

    def add(self, key: str, source: Source) -> None:
        """A source, or one more path that leads to a source already found."""
        known = self.sources.get(key)
        if known is None:
            self.sources[key] = source
        elif not set(source.at) <= set(known.at):
            self.sources[key] = replace(known, at=known.at + source.at)

    def walked(self, argument: str, only: Filter | None) -> None:
        docs = 0
        for met in walk(Path(argument)):
            if met.real is None:
                self._problem(met)
            elif only is None or only.keeps(met.path):
                source = Source(display_name(met.real), met.real, found=True, at=(met.path,))
                self.add(met.key, source)
                docs += 1
        if not docs:
            self.said["warning", f"{argument}: no *.yaml or *.yml files in this folder"] = None

    def _problem(self, met: Met) -> None:
        message = f"{display_name(met.path)}: {met.problem}"
        if met.level == "error":
            self.errors.append(message)
        else:
            self.said[met.level, message] = None

    def discovery(self) -> Discovery:
        def said(level: Level) -> tuple[str, ...]:
            return tuple(text for kind, text in self.said if kind == level)

        sources = tuple(self.sources.values())
        keys = tuple(self.sources)
        return Discovery(sources, tuple(self.errors), said("warning"), said("note"), keys)


def display_name(path: Path) -> str:
    """The path as findings name it: valid text, with bytes the filesystem encoding can't
    decode shown as escapes (``bad\\xff.yaml``), so every output format can write it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def with_stdin_read(sources: Sequence[Source], max_bytes: int) -> list[Source]:
    """The sources, standard input read here: before they go to worker processes, whose
    standard input is /dev/null (a doc piped in would be graded as an empty file)."""
    return [
        replace(source, read_already=_once(source, max_bytes)) if source.path is None else source
        for source in sources
    ]


def _once(source: Source, max_bytes: int) -> bytes | int | Unreadable:
    try:
        return read(source, max_bytes)
    except Unreadable as error:  # said where the source is graded, as any file's
        return error


def read(source: Source, max_bytes: int) -> bytes | int:
    """The file's bytes, or its size when that is over ``max_bytes`` (then nothing is read
    when the size is known up front; a pipe, a device or a growing file stops one byte past
    the limit)."""
    if isinstance(source.read_already, Unreadable):
        raise source.read_already
    if source.read_already is not None:
        return source.read_already
    try:
        if source.path is None:
            raw = sys.stdin.buffer.read(max_bytes + 1)
            return len(raw) if len(raw) > max_bytes else raw
        size = source.path.stat().st_size
        if size > max_bytes:
            return size
        with source.path.open("rb") as handle:  # a file can grow after stat()
            raw = handle.read(max_bytes + 1)
        replay.note_read(source.path, raw)
        return len(raw) if len(raw) > max_bytes else raw
    except OSError as error:
        raise Unreadable(f"{source.name}: {error.strerror or error}") from None
