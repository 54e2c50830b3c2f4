"""Benchmark: `deploylint fleet` on a repository of realistic docs, wall time and peak RSS.

    python bench/fleet.py --docs 10000 [--rounds 3]

Writes COUNT realistic copies of the corpus (bench/realistic.py), then times `deploylint
fleet DOCS --format json` and the same as text (off a terminal: plain blocks) as whole
processes, three ways: with no cache (what CI does: every doc's facts read), with a cache
that has to be filled (a first run), and warm (every doc unchanged: its facts come from the
per-folder index). Medians of --rounds runs; a benchmark, nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realistic import copies  # bench/ is not a package


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copies(folder / "docs", args.docs)
        cache = folder / "cache"
        base = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(cache), "DEPLOYLINT_CACHE": "1"}
        base.pop("DEPLOYLINT_NO_CACHE", None)
        command = [sys.executable, "-m", "deploylint", "fleet", str(folder / "docs")]
        print(f"{args.docs:,} realistic docs, {os.cpu_count()} cores, medians of {args.rounds}")
        for fmt in ("json", "text"):
            run = [*command, "--no-config", "--format", fmt]
            cases: dict[str, list[tuple[float, float]]] = {"no cache": [], "first": [], "warm": []}
            for _ in range(args.rounds):
                cases["no cache"].append(timed(run, {**base, "DEPLOYLINT_NO_CACHE": "1"}))
                shutil.rmtree(cache, ignore_errors=True)
                cases["first"].append(timed(run, base))
                cases["warm"].append(timed(run, base))
            for case, runs in cases.items():
                wall = statistics.median(seconds for seconds, _ in runs)
                peak = max(mb for _, mb in runs)
                print(f"  {fmt:<4} {case:<8} {wall:6.2f} s   peak RSS {peak:5.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
