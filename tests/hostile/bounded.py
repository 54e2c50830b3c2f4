"""Run deploylint in a child process within the bounds every hostile input must keep.

A case passes only if the child exits on its own within ``seconds`` (wall clock) with a
peak resident memory of at most ``MEGABYTES``. The child's address space is also capped a
little above that, so a runaway allocation fails fast (as a MemoryError the test then sees)
instead of swapping the machine.

The peak is the child's VmHWM, sampled every 10 ms while it runs: wait4's ru_maxrss would
be wrong here, as Linux carries the forking parent's (pytest's) high-water mark across exec.

With ``DEPLOYLINT_BOUNDED_LOG=FILE`` each run appends a line to FILE (seconds, peak MB,
exit code, arguments): ``sort -n FILE | tail`` gives the slowest cases.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SECONDS = 10.0
MEGABYTES = 500
_ADDRESS_SPACE = 640 * 2**20  # the fast-fail cap; the bound checked is MEGABYTES of RSS


@dataclass(frozen=True)
class Bounded:
    """What one bounded run did: exit code, output, and what it cost."""

    code: int | None  # None: killed at the time bound
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    limit: float  # the time bound it ran under

    def json(self) -> Any:
        """The report, parsed strictly: NaN or Infinity is not JSON."""
        return json.loads(self.stdout, parse_constant=_refuse)

    def problems(self) -> list[str]:
        """Every bound or promise this run broke, as sentences (empty when it kept them all)."""
        broken = []
        if self.code is None:
            broken.append(f"still running after {self.limit:g} s (killed)")
        elif self.code not in (0, 1, 2):
            broken.append(f"exit code {self.code}")
        if self.peak_mb > MEGABYTES:
            broken.append(f"peak memory {self.peak_mb:.0f} MB, over {MEGABYTES} MB")
        if "Traceback" in self.stderr:
            broken.append("a traceback on stderr")
        if "internal error" in self.stderr:
            broken.append("internal error: " + self.stderr.strip().splitlines()[-1][:200])
        return broken


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def bounded(
    *args: str,
    stdin: bytes | Path | None = None,
    env: Mapping[str, str] | None = None,
    seconds: float = SECONDS,
) -> Bounded:
    """``python -m deploylint ARGS`` in a child; its own peak RSS comes from wait4."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        stdin.open("rb") if isinstance(stdin, Path) else tempfile.TemporaryFile() as source,
    ):
        if isinstance(stdin, bytes):
            source.write(stdin)
            source.seek(0)
        started = time.monotonic()
        code, peak_kb = _run(args, source, out, err, env=env, deadline=started + seconds)
        elapsed = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        run = Bounded(
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            elapsed,
            peak_kb / 1024,
            seconds,
        )
    _log(run, args)
    return run


def _log(run: Bounded, args: tuple[str, ...]) -> None:
    log = os.environ.get("DEPLOYLINT_BOUNDED_LOG")
    if log:
        with Path(log).open("a", encoding="utf-8") as stream:
            shown = " ".join(Path(a).name if "/" in a else a for a in args)
            stream.write(f"{run.seconds:6.2f} s {run.peak_mb:6.0f} MB  exit {run.code}  {shown}\n")


def bounded_together(runs: Mapping[str, tuple[str, ...]]) -> dict[str, Bounded]:
    """Several bounded runs at once, for cases expected to hit the time bound: while they
    are broken, the suite waits for one bound instead of one per case."""
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = {name: pool.submit(bounded, *args) for name, args in runs.items()}
        return {name: future.result() for name, future in futures.items()}


def _run(
    args: tuple[str, ...],
    stdin: IO[bytes],
    out: IO[bytes],
    err: IO[bytes],
    *,
    env: Mapping[str, str] | None,
    deadline: float,
) -> tuple[int | None, int]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    child = subprocess.Popen(
        [sys.executable, "-m", "deploylint", *args],
        stdin=stdin,
        stdout=out,
        stderr=err,
        env={**inherited, "COLUMNS": "120", **(env or {})},
        preexec_fn=_limit_address_space,
    )
    return _wait(child, deadline)


def _wait(child: subprocess.Popen[bytes], deadline: float) -> tuple[int | None, int]:
    """Reap the child by the deadline (or kill it there); its exit code and peak RSS (kB)."""
    peak = 0
    while True:
        peak = max(peak, _high_water_kb(child.pid))
        pid, status, _ = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, peak
        if time.monotonic() > deadline:
            child.kill()
            child.wait()
            return None, peak
        time.sleep(0.01)


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0  # none once it is a zombie
