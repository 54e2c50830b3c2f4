"""Turn PATH arguments into the files to grade, and read them within the size limit."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Final

from deploylint import replay

YAML_SUFFIXES: Final = (".yaml", ".yml")
STDIN: Final = "-"


@dataclass(frozen=True, slots=True)
class Source:
    """A file to grade. ``found`` is True for files met while walking a folder."""

    name: str
    path: Path | None  # None: standard input
    found: bool = False


@dataclass(frozen=True, slots=True)
class Discovery:
    sources: tuple[Source, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Filter:
    """Globs from the config for files met while walking folders (named files always count).

    fnmatch patterns, matched against the path relative to ``root`` (`*` also matches `/`).
    """

    root: Path = Path()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def keeps(self, path: Path) -> bool:
        try:  # the path as walked, `..` collapsed (a link's target doesn't decide where it belongs)
            walked = Path(os.path.normpath(path.absolute()))
            name = walked.relative_to(os.path.normpath(self.root.absolute())).as_posix()
        except ValueError:
            name = path.as_posix()
        if self.include and not any(fnmatch(name, glob) for glob in self.include):
            return False
        return not any(fnmatch(name, glob) for glob in self.exclude)


def discover(arguments: Sequence[str], only: Filter | None = None) -> Discovery:
    """Files as given, folders walked for *.yaml / *.yml (hidden ones skipped), ``-`` stdin."""
    sources: dict[str, Source] = {}
    errors: list[str] = []
    warnings: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if argument == STDIN:
            replay.refuse("reads standard input")
            sources.setdefault(STDIN, Source("<stdin>", None))
            continue
        if path.is_dir():
            found = []
            for file, problem in _walk(path):
                if problem is not None:
                    (warnings if problem in _WARNINGS else errors).append(
                        f"{display_name(file)}: {problem}"
                    )
                elif only is None or only.keeps(file):
                    found.append(file)
            if not found:
                warnings.append(f"{argument}: no *.yaml or *.yml files in this folder")
            for file in found:
                sources.setdefault(str(file), Source(display_name(file), file, found=True))
        elif path.is_file():
            sources.setdefault(str(path), Source(display_name(path), path))
        elif path.exists() or path.is_symlink():
            errors.append(f"{argument}: {NOT_REGULAR}")
        else:
            errors.append(f"{argument}: no such file or folder")
    return Discovery(tuple(sources.values()), tuple(errors), tuple(warnings))


def display_name(path: Path) -> str:
    """The path as findings name it: valid text, with bytes the filesystem encoding can't
    decode shown as escapes (``bad\\xff.yaml``), so every output format can write it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


NOT_REGULAR: Final = "not a regular file (a broken link, a loop, a pipe or a device?)"
OUTSIDE: Final = "skipped: a link to a file outside the folder (name the file to read it)"


MAX_DEPTH: Final = 100  # folders below a named one; deeper is a warning, not a crash
DEEP: Final = f"skipped: folders nested over {MAX_DEPTH} deep below here"
LINKED_FOLDER: Final = "skipped: a link to a folder (name the folder to check it)"
HIDDEN_DOC: Final = "skipped: a hidden file that looks like a deploylint doc (name it to check it)"
_SNIFF: Final = 65_536  # bytes read from a hidden YAML file to see whether it is a doc


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """*.yaml / *.yml files below ``folder``, each with a reason not to read it, or None.

    Links to folders are not followed (a loop can't trap the walk, and a link can't lead it
    out), and the walk is iterative and depth-limited (1,200 nested folders crashed
    os.walk's recursion). Only regular files are read (opening a FIFO would block
    forever), and a link that leads out of the folder is not followed: a pull request could
    otherwise make CI read, and quote, a file such as ../.git/config. What is skipped that
    someone could mean (a linked folder, a hidden doc, a folder too deep) is a warning.
    """
    inside = os.path.realpath(folder)
    stack: list[tuple[Path, int]] = [(folder, 0)]
    while stack:
        here, depth = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as error:
            yield here, error.strerror or str(error)
            continue
        below = []
        for entry in entries:
            path = Path(here) / entry.name
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                below.append(path)
            elif _linked_folder(entry) and not entry.name.startswith("."):
                yield path, LINKED_FOLDER
            elif entry.name.endswith(YAML_SUFFIXES) and not _linked_folder(entry):
                if not entry.name.startswith("."):
                    yield path, _reason_not_to_read(path, inside)
                elif _looks_like_doc(entry):
                    yield path, HIDDEN_DOC
        if below and depth >= MAX_DEPTH:
            yield here, DEEP
        elif below:
            stack.extend((sub, depth + 1) for sub in reversed(below))


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    try:  # a link loop or a dangling link is not a folder (it is reported as a file)
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _looks_like_doc(entry: os.DirEntry[str]) -> bool:
    if not entry.is_file(follow_symlinks=False):
        return False
    try:
        with open(entry.path, "rb") as handle:  # noqa: PTH123 - a DirEntry's path
            head = handle.read(_SNIFF)
    except OSError:
        return False
    return b"apiVersion: deploylint/" in head or b"kind: AgentDeployment" in head


_WARNINGS: Final = frozenset({OUTSIDE, DEEP, LINKED_FOLDER, HIDDEN_DOC})


def _reason_not_to_read(path: Path, inside: str) -> str | None:
    if not path.is_file():  # follows links: a FIFO, socket, device, broken link or loop
        return NOT_REGULAR
    if path.is_symlink() and os.path.commonpath([os.path.realpath(path), inside]) != inside:
        return OUTSIDE
    return None


class Unreadable(Exception):
    """A file that exists but can't be read (permissions, a device, an I/O error)."""


def read(source: Source, max_bytes: int) -> bytes | int:
    """The file's bytes, or its size when that is over ``max_bytes`` (then nothing is read
    when the size is known up front; a pipe, a device or a growing file stops one byte past
    the limit)."""
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
