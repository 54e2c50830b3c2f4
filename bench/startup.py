"""Start-up: what one changed doc costs before any grading, as `python -X importtime` says.

    python bench/startup.py [--runs 7] [DOC]

Runs `python -X importtime -m deploylint check --no-config --no-cache --format json DOC`
(default: the bundled support-replies example) --runs times, and prints the median of the
import total (the sum of every module's own time), then the median own time per top-level
package and the slowest modules. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def imports(doc: Path) -> dict[str, int]:
    """Each module's own import time in microseconds, for one run."""
    command = [sys.executable, "-X", "importtime", "-m", "deploylint", "check", "--no-config"]
    command += ["--no-cache", "--format", "json", str(doc)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return {m[4]: int(m[1]) for m in map(LINE.match, done.stderr.splitlines()) if m}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("doc", nargs="?", default=str(REPO / "examples" / "support-replies.yaml"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = [imports(Path(args.doc)) for _ in range(args.runs)]
    total = statistics.median(sum(run.values()) for run in runs)
    print(f"import total (median of {args.runs}): {total / 1000:.1f} ms")
    by_module: dict[str, list[int]] = defaultdict(list)
    for run in runs:
        for module, own in run.items():
            by_module[module].append(own)
    own = {module: statistics.median(times) for module, times in by_module.items()}
    packages: dict[str, float] = defaultdict(float)
    for module, spent in own.items():
        packages[module.split(".")[0]] += spent
    print("by package (own time, ms):")
    for name, spent in sorted(packages.items(), key=lambda item: -item[1])[:10]:
        print(f"  {name:<24} {spent / 1000:6.1f}")
    print("slowest modules (own time, ms):")
    for name, spent in sorted(own.items(), key=lambda item: -item[1])[:10]:
        print(f"  {name:<40} {spent / 1000:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
