"""The process pool: output identical to the serial run, for every format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FAILING, PASSING, TODAY, settled


def _corpus(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for n in range(24):
        text = (FAILING if n % 3 == 0 else PASSING).read_text()
        text = text.replace("support-reply-agent", f"support-agent-{n}").replace(
            "tier1", f"tier-{n % 5}"
        )
        (folder / f"team-{n % 4}").mkdir(exist_ok=True)
        (folder / f"team-{n % 4}" / f"doc-{n:02}.yaml").write_text(text)
    for doc in (EXAMPLES / "fleet-0217").glob("*.yaml"):  # collisions across docs
        (folder / doc.name).write_text(doc.read_text())
    (folder / "broken.yaml").write_text("apiVersion: deploylint/v1\nmetadata: {name: x\n")
    return folder


def _run(folder: Path, fmt: str, jobs: str) -> subprocess.CompletedProcess[bytes]:
    command = [
        sys.executable,
        "-m",
        "deploylint",
        "check",
        str(folder),
        "--no-config",
        "--format",
        fmt,
    ]
    return subprocess.run(
        [*command, "--today", TODAY, "--jobs", jobs], capture_output=True, check=False
    )


def test_the_hooks_context_read_in_workers_is_the_one_read_here(tmp_path) -> None:
    """A first run after a clone reads every context doc's facts, in workers when there are
    many: the findings, and the index it leaves for the next run, are the same."""
    folder = _corpus(tmp_path / "repo")
    staged = folder / "db-perf.yaml"  # collides with two committed docs
    runs = []
    for jobs in ("1", "2", "2"):  # the third reads the index the second wrote
        cache = tmp_path / f"cache-{jobs}"
        command = [sys.executable, "-m", "deploylint", "check", "--only-docs", "--no-config"]
        command += ["--fleet-context", str(folder), "--today", TODAY, "--jobs", jobs]
        runs.append(
            subprocess.run(
                [*command, "--format", "json", "--", str(staged)],
                capture_output=True,
                check=False,
                env={**os.environ, "DEPLOYLINT_CACHE_DIR": str(cache), "DEPLOYLINT_CACHE": "1"},
            )
        )
    assert runs[0].returncode == 1 and b"FL001" in runs[0].stdout
    assert all(run.stdout == runs[0].stdout and run.stderr == runs[0].stderr for run in runs)


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "markdown", "junit"])
def test_parallel_and_serial_runs_print_the_same_bytes(tmp_path, fmt: str) -> None:
    folder = _corpus(tmp_path)
    serial, parallel = _run(folder, fmt, "1"), _run(folder, fmt, "2")
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert serial.stderr == parallel.stderr
    assert b"FL001" in serial.stdout or fmt == "junit"


def test_workers_default_by_size() -> None:
    from deploylint.pool import POOL_FROM, workers_for

    assert workers_for(10, None) == 1
    assert workers_for(POOL_FROM, None) >= 1
    assert workers_for(5, 3) == 3


@pytest.mark.parametrize(
    ("files", "cores", "others", "expected"),
    [
        (1_000, 4, 0, 4),  # a quiet machine: a worker per core
        (1_000, 4, 3, 1),  # three cores busy elsewhere: grade here
        (1_000, 4, 2, 2),
        (250, 8, 0, 2),  # a worker is worth 100 files
        (199, 8, 0, 1),  # too few to start any
        (100_000, 64, 0, 8),  # never more than eight
    ],
)
def test_workers_default_to_the_free_cores(monkeypatch, files, cores, others, expected) -> None:
    from deploylint import pool

    cpus = set(range(cores))
    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda _pid: cpus, raising=False)
    monkeypatch.setattr(pool, "_others_running", lambda: others)
    assert pool.workers_for(files, None) == expected
    assert pool.workers_for(files, 3) == 3  # --jobs decides alone


@pytest.mark.parametrize(("load", "others"), [("0.52 0.40 0.31 3/120 999\n", 2), (None, 2)])
def test_other_processes_are_read_from_the_system(tmp_path, monkeypatch, load, others) -> None:
    """Linux's /proc/loadavg counts this process too; elsewhere, the load average."""
    from deploylint import pool

    if load is not None:
        (tmp_path / "loadavg").write_text(load)
    monkeypatch.setattr(pool, "LOAD", str(tmp_path / "loadavg"))
    monkeypatch.setattr(pool.os, "getloadavg", lambda: (1.6, 0.9, 0.5))
    assert pool._others_running() == others


@pytest.mark.parametrize("command", ["check", "fleet"])
def test_a_doc_piped_in_is_read_once_here_not_in_a_worker(tmp_path, command) -> None:
    """A worker's standard input is /dev/null: a doc piped in beside a folder graded in
    workers was graded as an empty file (check passed a doc with critical findings)."""
    folder = _corpus(tmp_path / "repo")
    (folder / "broken.yaml").unlink()  # fleet stops at a doc that doesn't load
    outputs = []
    for jobs in ("1", "2"):
        args = [command, "-", str(folder), "--no-config", "--format", "json", "--jobs", jobs]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "deploylint",
                *args,
                *(["--today", TODAY] * (command == "check")),
            ],
            input=FAILING.read_bytes(),
            capture_output=True,
            check=False,
        )
        assert b"the file is empty" not in done.stdout + done.stderr
        outputs.append((done.returncode, done.stdout))
    assert outputs[0] == outputs[1]
    if command == "check":
        assert outputs[1][0] == 1 and b'"file": "<stdin>"' in outputs[1][1]
    else:  # the piped doc's agent is on the map
        assert outputs[1][0] == 0 and b"reporting-db-scaler" in outputs[1][1]


@pytest.mark.parametrize("command", ["check", "fleet"])
def test_no_cache_reads_and_writes_no_fleet_index(tmp_path, command) -> None:
    """--no-cache is the way to force a fresh run: the fleet context's per-folder index is
    a cache too, neither read nor written."""
    folder = _corpus(tmp_path / "repo")
    (folder / "broken.yaml").unlink()
    settled(folder)
    cache = tmp_path / "cache"
    env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(cache)}
    env.pop("DEPLOYLINT_NO_CACHE", None)
    if command == "check":
        args = ["check", "--only-docs", "--fleet-context", str(folder), "--today", TODAY]
        named = ["--", str(folder / "db-perf.yaml")]
    else:
        args, named = ["fleet"], [str(folder)]

    def indexed() -> list[Path]:
        return [p for p in cache.rglob("*") if p.is_file() and "fleet-" in str(p)]

    base = [sys.executable, "-m", "deploylint", *args, "--no-config"]
    done = subprocess.run([*base, "--no-cache", *named], capture_output=True, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert not indexed()
    subprocess.run([*base, *named], capture_output=True, env=env, check=False)  # cache on
    assert indexed()
