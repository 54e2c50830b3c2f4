"""The config file: `[tool.deploylint]` in pyproject.toml, or `.deploylint.yaml`.

Found by walking up from the working directory to the repository root (the folder with
`.git`); `--config PATH` names one, `--no-config` ignores them. Paths in it are relative to
the file's folder. A config that can't be read or doesn't fit schemas/config.schema.json
is a ConfigError: one line naming the file (and line, for YAML).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from deploylint.input.repository import repository_root, shown_path
from deploylint.load.keypath import KeyPath
from deploylint.load.loader import load_bytes
from deploylint.resources import data_dir

YAML_NAMES: Final = (".deploylint.yaml", ".deploylint.yml")
PYPROJECT: Final = "pyproject.toml"


class ConfigError(Exception):
    """A config file that can't be used; the message names the file (and line)."""


@dataclass(frozen=True)
class Config:
    """Settings from a config file (all optional); `source` is None when there is none."""

    source: Path | None = None
    fail_on: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unwaivable: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    rubric: tuple[Path, ...] = ()
    rubric_replace_default: bool = False
    max_file_bytes: int | None = None
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    baseline: str | None = None  # as written: relative to `root`, read at the gate's ref
    folder: Path | None = None  # --gate-from: the work-tree folder of a config read from a ref
    gate_ref: str | None = None  # --gate-from: the ref the config and rubrics were read from
    lines: Mapping[KeyPath, int] = field(default_factory=dict, compare=False)  # YAML only

    @property
    def root(self) -> Path:
        """The folder paths in the config are relative to."""
        if self.folder is not None:
            return self.folder
        return self.source.parent if self.source is not None else Path.cwd()

    @property
    def name(self) -> str:
        """The config as a person finds it: relative to the repository (and the ref it was
        read from, under --gate-from), never a temporary copy."""
        if self.source is None:
            return "the command line"
        shown = shown_path(self.root / self.source.name)
        return f"{shown} (as at {self.gate_ref})" if self.gate_ref is not None else shown

    def where(self, *path: str | int) -> str:
        """The config's name and the line of ``path`` (or its nearest ancestor's) in it."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return f"{self.name}:{line}"
        return self.name


def find_config(start: Path) -> Path | None:
    """The nearest config file from ``start`` up to the repository root; outside a
    repository, only ``start`` itself (a folder above it may be anyone's)."""
    for folder in _up_to_root(start):
        for name in YAML_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and declares_deploylint(_read(pyproject)):
            return pyproject
    return None


def _up_to_root(start: Path) -> list[Path]:
    """``start`` and its parents, up to the repository root (``start`` alone outside one)."""
    root = repository_root(start)
    return [start, *(p for p in start.parents if p.is_relative_to(root))]


def declares_deploylint(pyproject: bytes) -> bool:
    """Whether a pyproject.toml holds a [tool.deploylint] table (bad TOML: yes, said later)."""
    import tomllib  # only when a pyproject.toml is there

    try:
        return "deploylint" in tomllib.loads(pyproject.decode("utf-8")).get("tool", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # said in a sentence when it is read


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None


def _toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {getattr(error, 'strerror', None) or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        json.loads((data_dir("schemas") / "config.schema.json").read_text("utf-8"))
    )


def _raw(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """The config's mapping, and the line of each key path in it (none for TOML)."""
    if path.name == PYPROJECT or path.suffix == ".toml":
        return _toml(path).get("tool", {}).get("deploylint", {}), {}
    docs = load_bytes(_read(path), readings=False)  # only deploylint reads a config
    problem = next((p for d in docs for p in d.problems), None)
    if problem is not None:
        raise ConfigError(
            f"{path}:{problem.position.line}:{problem.position.column}: {problem.message}"
        )
    data = docs[0].data if len(docs) == 1 else None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config is one YAML mapping")
    return data, {key: at.line for key, at in docs[0].positions.items()}


def load_config(path: Path) -> Config:
    """Read and validate one config file; a misfit is worded as a doc's is (did you mean)."""
    from jsonschema.exceptions import best_match

    from deploylint.load.docschema import sentence

    data, lines = _raw(path)
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        key_path, problem = sentence(error)
        where = Config(source=path, lines=lines).where(*key_path)
        raise ConfigError(f"{where}: {problem}")
    return config_from(data, path, lines)


def _rubric_paths(data: Mapping[str, Any], path: Path | None, root: Path) -> tuple[Path, ...]:
    """The config's rubric paths, each inside the repository (links resolved): a config in a
    pull request must not make CI read the runner's files (a token, a key) as a rubric."""
    paths = tuple(root / p for p in data.get("rubric", ()))
    if path is None:
        return paths
    fence = repository_root(root.resolve())
    for rubric in paths:
        if not rubric.resolve().is_relative_to(fence):
            raise ConfigError(
                f"{path}: rubric: {rubric}: outside the repository ({fence}); a config's "
                "rubric must live in the repository (use --rubric for one elsewhere)"
            )
    return paths


def config_from(
    data: Mapping[str, Any], path: Path | None, lines: Mapping[KeyPath, int] | None = None
) -> Config:
    """A Config from validated settings; paths are relative to ``path``'s folder."""
    root = path.parent if path is not None else Path.cwd()
    return Config(
        source=path,
        fail_on=data.get("fail_on"),
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        unwaivable=tuple(data.get("unwaivable", ())),
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        rubric=_rubric_paths(data, path, root),
        rubric_replace_default=data.get("rubric_replace_default", False),
        max_file_bytes=int(data["max_file_bytes"]) if "max_file_bytes" in data else None,
        rules=data.get("rules", {}),
        baseline=data.get("baseline"),
        lines=lines or {},
    )


def resolve_config(
    explicit: Path | None, *, disabled: bool = False, start: Path | None = None
) -> Config:
    """The config a run uses: --config, else the nearest file, else none."""
    if disabled:
        return Config()
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return load_config(explicit)
    found = find_config((start or Path.cwd()).resolve())
    return load_config(found) if found is not None else Config()
