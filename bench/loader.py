"""What loading a realistic doc costs, beside PyYAML's C parser on the same text.

    python bench/loader.py --docs 300 --rounds 7

Writes realistic copies (bench/realistic.py), then times in one process, in alternation,
per doc (CPU time, medians of --rounds): libyaml's events alone (the loader's floor: it
builds from them), PyYAML's C compose (a tree of nodes, no plain data, no positions), and
deploylint.load.loader.load_bytes (plain data, key and item positions, every load problem).
A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deploylint.load.loader import load_bytes
from realistic import copies


def _events(raws: list[bytes]) -> None:
    for raw in raws:
        for _ in yaml.parse(raw.decode(), Loader=yaml.CSafeLoader):
            pass


def _compose(raws: list[bytes]) -> None:
    for raw in raws:
        yaml.compose(raw.decode(), Loader=yaml.CSafeLoader)


def _load(raws: list[bytes]) -> None:
    for raw in raws:
        load_bytes(raw)


def measure(raws: list[bytes], rounds: int) -> dict[str, float]:
    """Median CPU milliseconds per doc for each way of reading ``raws``."""
    ways: dict[str, Callable[[list[bytes]], None]] = {
        "C events": _events,
        "C compose": _compose,
        "load_bytes": _load,
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, way in ways.items():
            gc.collect()
            start = time.process_time()
            way(raws)
            times[name].append((time.process_time() - start) * 1000 / len(raws))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        raws = [path.read_bytes() for path in copies(Path(folder), args.docs)]
    medians = measure(raws, args.rounds)
    size = sum(map(len, raws)) / len(raws) / 1024
    print(f"| per doc ({len(raws)} realistic docs, {size:.1f} KB each) | CPU | x C compose |")
    print("|---|---:|---:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.3f} ms | {value / medians['C compose']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
