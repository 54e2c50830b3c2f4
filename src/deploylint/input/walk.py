"""Walk a folder for docs: every *.yaml / *.yml file (any case) below it, or a reason why not.

The walk's fence is the repository that holds the folder (its real path; the folder itself
outside a repository). A link to a doc or a folder inside the fence is followed, and a doc
met through links is named by its real path, so a link and its target are one doc. A link
leading out of the fence, or into `.git`, is an error naming it: a pull request could
otherwise make CI read, and quote, a file such as ~/.git-credentials, or pass with a doc
unread. Hidden folders are skipped, each named in a note (`.git` is never a doc folder).

Each real folder is walked once (a link loop can't trap the walk), links to folders after
every plain folder (so a doc is walked under its plain path when it has one), iteratively
and depth-limited (1,200 nested folders crashed os.walk's recursion). Only regular files
are read (opening a FIFO would block forever).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from deploylint.input.repository import repository_root

YAML_SUFFIXES: Final = (".yaml", ".yml")
MAX_DEPTH: Final = 100  # folders below a named one; deeper is a warning, not a crash
NOT_REGULAR: Final = "not a regular file (a broken link, a loop, a pipe or a device?)"
DEEP: Final = f"skipped: folders nested over {MAX_DEPTH} deep below here"
HIDDEN_DOC: Final = "skipped: a hidden file that looks like a deploylint doc (name it to check it)"
HIDDEN_FOLDER: Final = "skipped: a hidden folder (name it to check it)"
INTO_GIT: Final = "a link into .git: not read"
OUT_OF: Final = "a link leading out of {}: not read (name its target to check it)"
_SNIFF: Final = 65_536  # bytes read from a hidden YAML file to see whether it is a doc

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Met:
    """What a walk met: a doc to read (``real`` set), or a path it didn't read and why."""

    path: Path  # as walked: a link's own path
    real: Path | None = None  # a doc: the file itself, spelled from the walked folder
    key: str = ""  # a doc: its real path, the same wherever the file is met
    problem: str = ""
    level: Level = "error"


def is_yaml_name(name: str) -> bool:
    return name.casefold().endswith(YAML_SUFFIXES)


@dataclass(frozen=True, slots=True)
class _Folder:
    path: Path  # as walked
    real: str
    depth: int
    named: Path  # its real path, spelled as ``_Walk._spelled`` spells it


class _Walk:
    def __init__(self, folder: Path) -> None:
        self.folder, self.top = folder, os.path.realpath(folder)
        self.fence = str(repository_root(Path(self.top)))
        self.in_repository = Path(self.fence, ".git").exists()
        self.seen: set[str] = set()

    def run(self) -> Iterator[Met]:
        plain = [_Folder(self.folder, self.top, 0, self.folder)]
        linked: list[_Folder] = []
        while plain or linked:
            here = plain.pop() if plain else linked.pop(0)
            if here.real in self.seen:
                continue
            self.seen.add(here.real)
            below: list[_Folder] = []
            yield from self._folder(here, below, linked)
            if below and here.depth >= MAX_DEPTH:
                yield Met(here.path, problem=DEEP, level="warning")
            elif below:
                plain.extend(reversed(below))

    def _folder(self, here: _Folder, below: list[_Folder], linked: list[_Folder]) -> Iterator[Met]:
        try:
            entries = sorted(os.scandir(here.path), key=lambda e: e.name)
        except OSError as error:
            yield Met(here.path, problem=error.strerror or str(error))
            return
        for entry in entries:
            path = here.path / entry.name
            real = os.path.join(here.real, entry.name)  # noqa: PTH118 - real paths are text
            if entry.name.startswith("."):
                yield from _hidden(entry, path)
            elif entry.is_dir(follow_symlinks=False):
                below.append(_Folder(path, real, here.depth + 1, here.named / entry.name))
            elif _linked_folder(entry):
                yield from self._link_to_folder(path, here.depth + 1, linked)
            elif is_yaml_name(entry.name) and not entry.is_symlink():
                yield self._doc(path, real, here.named / entry.name)
            elif is_yaml_name(entry.name):
                yield self._linked_doc(path)

    def _link_to_folder(self, path: Path, depth: int, linked: list[_Folder]) -> Iterator[Met]:
        real = os.path.realpath(path)
        refusal = self._leads_out(real)
        if refusal:
            yield Met(path, problem=refusal)
        else:
            linked.append(_Folder(path, real, depth, self._spelled(real)))

    @staticmethod
    def _doc(path: Path, real: str, named: Path) -> Met:
        """A file in its folder (whose own link, if any, was checked)."""
        if not path.is_file():  # a FIFO, socket or device
            return Met(path, problem=NOT_REGULAR)
        return Met(path, real=named, key=real)

    def _linked_doc(self, path: Path) -> Met:
        if not path.is_file():  # follows the link: broken, a loop, or not a regular file
            return Met(path, problem=NOT_REGULAR)
        real = os.path.realpath(path)
        refusal = self._leads_out(real)
        return Met(path, problem=refusal) if refusal else Met(path, self._spelled(real), real)

    def _leads_out(self, real: str) -> str:
        if os.path.commonpath([real, self.fence]) != self.fence:
            return OUT_OF.format("the repository" if self.in_repository else "the folder walked")
        inside = Path(os.path.relpath(real, self.fence)).parts
        return INTO_GIT if ".git" in (part.casefold() for part in inside) else ""

    def _spelled(self, real: str) -> Path:
        """``real`` spelled from the walked folder when it lies below it (as it is met without
        links), else from the working folder (or absolute, when the walk was named so)."""
        if os.path.commonpath([real, self.top]) == self.top:
            return self.folder / os.path.relpath(real, self.top)
        return Path(real) if self.folder.is_absolute() else Path(os.path.relpath(real))


def walk(folder: Path) -> Iterator[Met]:
    """Everything the walk of ``folder`` met: docs, and what it didn't read, with why."""
    return _Walk(folder).run()


def _hidden(entry: os.DirEntry[str], path: Path) -> Iterator[Met]:
    if entry.name.casefold() != ".git" and _is_folder(entry):
        yield Met(path, problem=HIDDEN_FOLDER, level="note")
    elif is_yaml_name(entry.name) and _looks_like_doc(entry):
        yield Met(path, problem=HIDDEN_DOC, level="warning")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:  # a link loop or a dangling link is not a folder
        return entry.is_dir()
    except OSError:
        return False


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    return entry.is_symlink() and _is_folder(entry)


def _looks_like_doc(entry: os.DirEntry[str]) -> bool:
    if not entry.is_file(follow_symlinks=False):
        return False
    try:
        with open(entry.path, "rb") as handle:  # noqa: PTH123 - a DirEntry's path
            head = handle.read(_SNIFF)
    except OSError:
        return False
    return b"apiVersion: deploylint/" in head or b"kind: AgentDeployment" in head
