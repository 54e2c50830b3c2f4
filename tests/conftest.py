"""Shared helpers: run deploylint the way a user does, on real files."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

# The shipped rubric is validated against the rubric schema in tests (at run time it is
# trusted: it can't change after the wheel is built). Set before deploylint is imported.
os.environ["DEPLOYLINT_VALIDATE_RUBRIC"] = "1"
# Tests never touch the user's cache or its key: fresh folders per test session, removed when
# the session ends (the cache held ~100 MB of results by then). The cache is asked for, as CI
# (`CI=true`) would otherwise turn it off: tests of that default unset DEPLOYLINT_CACHE.
os.environ["DEPLOYLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="deploylint-cache-")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="deploylint-state-")
os.environ["DEPLOYLINT_CACHE"] = "1"
# No test depends on the day it runs: every run without --today, in this process or a child
# (the real pre-commit, an installed wheel), grades dates as of TODAY.
os.environ["DEPLOYLINT_TODAY"] = "2026-11-22"

from deploylint.cli import app

for _folder in (os.environ["DEPLOYLINT_CACHE_DIR"], os.environ["XDG_STATE_HOME"]):
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
TODAY = os.environ["DEPLOYLINT_TODAY"]  # date rules are graded as of this day in every test
PASSING = EXAMPLES / "support-replies.yaml"
FAILING = EXAMPLES / "infra-autoscaler.yaml"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def deploylint(
    *args: str, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> Run:
    """Run the CLI in-process, as typer's runner does (fast; no console-script wrapper)."""
    result = CliRunner().invoke(app, list(args), input=stdin, env={"COLUMNS": "120", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def deploylint_process(
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Run:
    """Run ``python -m deploylint`` in a real process: exit codes, stdin, no tracebacks."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment = {**inherited, "COLUMNS": "120", **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", "deploylint", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    decode: Callable[[bytes], str] = lambda raw: raw.decode("utf-8", "replace")  # noqa: E731
    return Run(completed.returncode, decode(completed.stdout), decode(completed.stderr))


def check_json(*paths: str | Path, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    """``deploylint check --format json`` on real files; the exit code and the parsed report."""
    run = deploylint("check", *map(str, paths), "--format", "json", "--today", TODAY, *extra)
    return run.code, run.json()


def settled(folder: Path, seconds: int = 60) -> None:
    """Every file under ``folder`` as if last written ``seconds`` ago. The fleet index
    doesn't trust a file written within two seconds of a run (it could be written again in
    the same tick of a coarse clock, unseen), and a test's files were just written."""
    when = time.time_ns() - seconds * 1_000_000_000
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(when, when))


def rules_fired(report: Mapping[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"] if not f["waived"]}


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file under the test's temporary folder and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    """`python -m build`: an sdist and a wheel, as a release would make them."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    [built] = dist.glob("deploylint-*.whl")
    return built
