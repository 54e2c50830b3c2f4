"""`--gate-from REF`: what decides the verdict, read from the protected branch.

In pull-request mode the config (its rules, fail_on, ignore, unwaivable list), the custom
rubrics and the baseline are the PR's own files: a PR could weaken the gate that grades it.
With --gate-from they are read as they are at REF (the base branch), copied out of git into
a private temporary folder; only the docs come from the work tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from posixpath import join, normpath

from deploylint.gate.config import (
    PYPROJECT,
    YAML_NAMES,
    Config,
    ConfigError,
    declares_deploylint,
    load_config,
)
from deploylint.input.gitbase import GitError, GitRef


@dataclass(frozen=True, slots=True)
class Gate:
    """The gate as REF has it: its config, and the rubric paths to grade with."""

    config: Config
    rubric: tuple[Path, ...]
    ref: GitRef


def _config_at(ref: GitRef, explicit: Path | None, start: Path) -> str | None:
    """The repository-relative path of the config at REF: --config's, else the nearest one
    from ``start`` up to the repository root, as the ref's tree has them."""
    if explicit is not None:
        named = ref.relative(explicit)
        if named is None or not isinstance(ref.read_blob(named), bytes):
            raise ConfigError(f"{explicit}: no such config file at --gate-from {ref.ref}")
        return named
    here = ref.relative(start)
    while here is not None:
        for name in YAML_NAMES:
            if isinstance(ref.read_blob(_in(here, name)), bytes):
                return _in(here, name)
        pyproject = ref.read_blob(_in(here, PYPROJECT))
        if isinstance(pyproject, bytes) and declares_deploylint(pyproject):
            return _in(here, PYPROJECT)
        here = None if here == "." else (normpath(join(here, "..")) if "/" in here else ".")
    return None


def _in(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _inside(relative: str, what: str) -> str:
    clean = normpath(relative)
    if clean.startswith(("../", "/")) or clean == "..":
        raise ConfigError(f"{what}: {relative}: outside the repository")
    return clean


def open_gate(
    ref_name: str,
    into: Path,
    *,
    explicit: Path | None,
    disabled: bool,
    rubric: Sequence[Path],
) -> Gate:
    """Read the gate from ``ref_name`` into ``into``; GitError or ConfigError when it can't."""
    ref = GitRef(ref_name, Path.cwd(), option="--gate-from")
    (into / ".git").mkdir()  # the copy's repository root: its config's rubric stays inside it
    config = Config(gate_ref=ref_name)
    found = None if disabled else _config_at(ref, explicit, Path.cwd())
    if found is not None:
        extract(ref, found, into)
        parsed = load_config(into / found)
        for path in parsed.rubric:
            extract_tree(ref, _inside(path.relative_to(into).as_posix(), found), into)
        folder = (ref.root / found).parent
        config = replace(load_config(into / found), folder=folder, gate_ref=ref_name)
    copies = []
    for path in rubric:
        named = ref.relative(path)
        if named is None:
            raise GitError(f"--rubric {path}: outside the repository of --gate-from {ref_name}")
        copies.append(extract_tree(ref, named, into))
    return Gate(config, tuple(copies), ref)


def extract(ref: GitRef, relative: str, into: Path) -> Path | None:
    """Copy one file out of the ref to the same relative path under ``into`` (a fresh private
    folder); None when the ref has no such file, or it is over the size limit."""
    content = ref.read_blob(relative)
    if not isinstance(content, bytes):
        return None
    target = into / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def extract_tree(ref: GitRef, relative: str, into: Path) -> Path:
    """Copy a file or a folder (every file below it) out of the ref; the copy's path."""
    for name in ref.files(relative):
        extract(ref, name, into)
    return into / relative
