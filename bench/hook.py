"""What the pre-commit hook costs in a big repository: one staged doc, the rest as context.

    python bench/hook.py --sizes 2000 10000

For each size it writes a git repository of realistic docs (bench/realistic.py), edits one,
and times the hook's own command (`check --only-docs --fleet-context . -- DOC`, what
.pre-commit-hooks.yaml runs) as a whole process: the first run after a clone (an empty
cache), then warm (the same command again after another edit of that doc, so nothing is
replayed and only the staged doc is graded afresh). Medians of --rounds runs; a benchmark,
not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realistic import copies


def _run(repo: Path, doc: Path, cache: Path) -> float:
    environment = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(cache), "CI": ""}
    environment.pop("DEPLOYLINT_NO_CACHE", None)
    # An installed wheel has its bytecode; a checkout run without it compiles every module.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "deploylint", "check", "--only-docs", "--fleet-context",
               ".", "--", str(doc.relative_to(repo))]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, cwd=repo, env=environment, capture_output=True, check=False)
    return time.perf_counter() - start


def _edit(doc: Path, round_: int) -> None:
    text = doc.read_text("utf-8").rstrip("\n").split("\n# edit ")[0]
    doc.write_text(f"{text}\n# edit {round_}\n", "utf-8")


def measure(size: int, rounds: int) -> tuple[float, float]:
    """(first run after a clone, warm) medians for a repository of ``size`` docs."""
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "repo"
        docs = copies(repo, size)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        doc = docs[len(docs) // 2]
        cold, warm = [], []
        for round_ in range(rounds):
            cache = Path(folder) / f"cache-{round_}"
            _edit(doc, round_)
            cold.append(_run(repo, doc, cache))
            for again in range(3):
                _edit(doc, 100 * round_ + again)
                seconds = _run(repo, doc, cache)
            warm.append(seconds)
        return statistics.median(cold), statistics.median(warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("| repository (docs) | first run after a clone | warm |")
    print("|---:|---:|---:|")
    for size in args.sizes:
        cold, warm = measure(size, args.rounds)
        print(f"| {size:,} | {cold:.2f} s | {warm:.2f} s |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
