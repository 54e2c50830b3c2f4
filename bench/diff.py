"""Benchmark: `deploylint diff` on a repository of many realistic docs, a few of them changed.

    python bench/diff.py --docs 1000 --changed 10 --runs 7

Builds a git repository of ``--docs`` copies of the realistic corpus (tests/corpus/realistic,
each copy renamed so no two docs are alike), commits it on main, then on a branch gives
``--changed`` of them a new `pay` tool and a raised cap, and commits that as a pull request
would. It then runs ``python -m deploylint diff --format json`` (the merge base with main,
found as the command finds it) as a whole process, ``--runs`` times, and prints the median
and the fastest wall time, the changes reported, and the child's peak RSS. A benchmark, not
a test: nothing here asserts a time (the issue's target: under 1.5 s for 1,000 docs with 10
changed, on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus" / "realistic"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
TOOLS = "    tools:\n"
PAY = "      - {name: payouts.create, scopes: [payouts:write], effect: pay}\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def corpus() -> list[str]:
    """The realistic docs (one deploylint doc a file; the expectations aren't docs)."""
    found = sorted(p for p in CORPUS.rglob("*.yaml") if p.name != "expectations.yaml")
    texts = [p.read_text() for p in found]
    return [t for t in texts if "apiVersion: deploylint/" in t and t.count("\n---") == 0]


def build(root: Path, docs: int, changed: int) -> Path:
    repo, texts = root / "repo", corpus()
    (repo / "deploy").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for i in range(docs):
        text = texts[i % len(texts)].replace("  name: ", f"  name: copy-{i}-", 1)
        (repo / "deploy" / f"doc-{i:05d}.yaml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "main")
    git(repo, "checkout", "-qb", "pr")
    edited = 0
    for i in range(docs):
        path = repo / "deploy" / f"doc-{i:05d}.yaml"
        text = path.read_text()
        if edited < changed and TOOLS in text:
            path.write_text(
                text.replace(TOOLS, TOOLS + PAY, 1).replace("max_turns: ", "max_turns: 9", 1)
            )
            edited += 1
    git(repo, "commit", "-qam", "the pull request")
    return repo


def timed(repo: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "deploylint", "diff", "--format", "json"],
                          cwd=repo, capture_output=True, text=True, check=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"deploylint diff failed ({done.returncode}): {done.stderr}")
    return elapsed, len(json.loads(done.stdout)["changes"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deploylint-bench-diff-") as folder:
        repo = build(Path(folder), options.docs, options.changed)
        timed(repo)  # warm the OS's file cache and Python's bytecode once
        runs = [timed(repo) for _ in range(options.runs)]
    times = [elapsed for elapsed, _ in runs]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"deploylint diff: {options.docs} docs, {options.changed} changed, "
          f"{runs[0][1]} changes reported")  # fmt: skip
    print(f"median {statistics.median(times):.3f} s, fastest {min(times):.3f} s "
          f"over {options.runs} runs; peak RSS {peak:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
