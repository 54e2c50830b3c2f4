"""Benchmark deploylint against yamllint and check-jsonschema on the same docs.

    pip install '.[bench]' && python bench/compare.py --sizes 1 100 1000 10000

For each size it writes a corpus: by default realistic copies of tests/corpus/realistic/
(bench/realistic.py: what users write, ~6.8 KB and a few findings each); with `--corpus
generated`, docs shaped like the brief's example (a mix of clean and gappy ones, scopes
written as `[orders:read]` as the brief does). Then it times, side by side
and in alternation (A B C A B C ...), each tool over the same files as a whole process:
deploylint doing parse, schema, full rubric and fleet; yamllint (relaxed); check-jsonschema
with deploylint's schema. It prints medians, the ratios the issue sets targets for, each
tool's peak RSS (the largest single process: with a process pool, the parent or one worker),
and deploylint's per-doc cost beside composing the doc with PyYAML's C parser. deploylint
runs four ways: every file changed (JSON, `--no-cache`), the same as text, nothing changed
since the last run (the run replayed from its recording, warmed before timing), and one file
edited before each run (the others' results from the cache). Benchmarks,
not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASE = (REPO / "rubrics" / "default" / "_base.yaml").read_text()
SCHEMA = REPO / "schemas" / "deployment-doc.v1.schema.json"
GAPS = [  # each a realistic way a doc goes wrong
    ("  owner: oncall-payments\n", "  owner: TBD\n"),
    ("meter: running", "meter: estimated"),
    ("enforced_by: harness", "enforced_by: agent"),
    ("  halts_in_flight: true\n", ""),
    ("environment: production, under_load: true", "environment: staging, under_load: false"),
    ("  owner: harness", "  owner: agent"),
    ("identity: spiffe", "identity: shared_secret"),
    ("rollback_key_holder: svc-ops-princess", "rollback_key_holder: agent-autocleanup-7"),
]


def corpus(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """`count` docs, each its own deployment (own agent, resource and lock), 60% with gaps."""
    chance = random.Random(seed)
    paths = []
    for n in range(count):
        text = BASE.replace("checkout-refund-runner", f"refund-runner-{n}")
        text = text.replace("orders-db/checkout", f"orders-db/shard-{n}").replace(
            "orders/checkout-write", f"orders/w-{n}"
        )
        text = text.replace("name: checkout-refunds", f"name: refunds-{n}")
        if chance.random() < 0.6:
            for old, new in chance.sample(GAPS, k=chance.randint(1, 3)):
                text = text.replace(old, new)
        path = folder / f"team-{n % 20:02}" / f"deploy-{n:05}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


@dataclass
class Tool:
    name: str
    command: list[str]
    seconds: list[float]
    peak_mb: float = 0.0
    edits: Path | None = None  # a file changed before each run (the others unchanged)
    cpu: list[float] = field(default_factory=list)

    def run(self) -> tuple[float, float, float]:
        if self.edits is not None:
            with self.edits.open("a") as doc:
                doc.write(f"# edited {time.time_ns()}\n")
        return timed(self.command)


def tools(folder: Path, files: list[Path]) -> list[Tool]:
    named = [str(f) for f in files]
    deploylint = [sys.executable, "-m", "deploylint", "check", str(folder), "--no-config", "-q"]
    found = [
        # every file changed: no cached result is read or written
        Tool("deploylint", [*deploylint, "--format", "json", "--no-cache"], []),
        Tool("deploylint text", [*deploylint, "--no-cache"], []),  # off a terminal: plain
        # nothing changed since the last run: the run replayed from its recording
        Tool("deploylint cached", [*deploylint, "--format", "json"], []),
        # one file edited since the last run, the others' results from the cache
        Tool("deploylint 1 edited", [*deploylint, "--format", "json"], [], edits=files[0]),
        Tool("yamllint", [shutil.which("yamllint") or "yamllint", "-d", "relaxed", *named], []),
        Tool(
            "check-jsonschema",
            [
                shutil.which("check-jsonschema") or "check-jsonschema",
                "--schemafile",
                str(SCHEMA),
                *named,
            ],
            [],
        ),
    ]
    return [
        tool
        for tool in found
        if tool.name.startswith("deploylint") or shutil.which(tool.command[0])
    ]


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one run, measured with wait4 on the
    child (its CPU includes the workers it waited for)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - started, usage.ru_maxrss / 1024, cpu


def compose_ms(files: list[Path]) -> float:
    """Median ms to compose one doc (nodes with marks) with PyYAML's C parser, in process:
    the floor the issue compares deploylint's per-doc cost with."""
    import yaml  # PyYAML: a deploylint dependency

    texts = [f.read_text() for f in files[:200]]
    times = []
    for text in texts * max(1, 200 // len(texts)):
        started = time.perf_counter()
        yaml.compose(text, Loader=yaml.CSafeLoader)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def same_as_one_process(command: list[str]) -> bool:
    """Whether the default run (a pool for large runs) prints the bytes `--jobs 1` prints."""
    pooled = subprocess.run(command, capture_output=True, check=False)
    serial = subprocess.run([*command, "--jobs", "1"], capture_output=True, check=False)
    return (pooled.stdout, pooled.returncode) == (serial.stdout, serial.returncode)


def measure(size: int, rounds: int, kind: str) -> tuple[list[Tool], float, bool]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if kind == "realistic":
            sys.path.insert(0, str(REPO / "bench"))
            from realistic import copies

            files = copies(folder / "docs", size)
        else:
            files = corpus(folder / "docs", size)
        measured = tools(folder / "docs", files)
        os.environ["DEPLOYLINT_CACHE_DIR"] = str(folder / "cache")  # this run's own cache
        timed(next(t for t in measured if t.name == "deploylint cached").command)  # warm it
        for _ in range(rounds):  # in alternation, so drift hits every tool alike
            for tool in measured:
                seconds, peak, cpu = tool.run()
                tool.cpu.append(cpu)
                tool.seconds.append(seconds)
                tool.peak_mb = max(tool.peak_mb, peak)
        identical = same_as_one_process(measured[0].command)
        return measured, compose_ms(files), identical


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--rounds", type=int, default=0, help="runs per tool (default: by size)")
    parser.add_argument(
        "--corpus",
        choices=["realistic", "generated"],
        default="realistic",
        help="copies of tests/corpus/realistic/ (bench/realistic.py), or the brief's example",
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.corpus} docs")
    rows = []
    for size in args.sizes:
        rounds = args.rounds or (
            15 if size == 1 else 5 if size <= 100 else 3 if size <= 1000 else 1
        )
        measured, compose, identical = measure(size, rounds, args.corpus)
        medians = {t.name: statistics.median(t.seconds) for t in measured}
        print(f"\n{size:,} doc(s), {rounds} round(s), medians:")
        for tool in measured:
            print(
                f"  {tool.name:<17} {medians[tool.name]:8.3f} s   peak RSS {tool.peak_mb:6.0f} MB"
            )
        ours = medians["deploylint"]
        for mine in ("deploylint", "deploylint text", "deploylint cached", "deploylint 1 edited"):
            for other in ("yamllint", "check-jsonschema"):
                if other in medians:
                    ratio = medians[mine] / medians[other]
                    print(f"  {mine} / {other:<17} {ratio:6.2f}x")
        print(f"  deploylint text / deploylint json: {medians['deploylint text'] / ours:.2f}x")
        print(f"  output identical to --jobs 1: {'yes' if identical else 'NO'}")
        per_doc = 1000 * ours / size
        cpu = 1000 * statistics.median(measured[0].cpu) / size
        print(
            f"  deploylint per doc: {per_doc:.2f} ms wall, {cpu:.2f} ms CPU (start-up and "
            f"workers included); C-parser compose: {compose:.2f} ms (CPU {cpu / compose:.1f}x)"
        )
        rows.append(table_row(size, measured, medians))
    print("\nThe README's table:\n")
    print("\n".join([*TABLE_HEAD, *rows]))
    return 0


TABLE_HEAD = (
    "| docs | deploylint | as text | unchanged | 1 edited | yamllint | check-jsonschema "
    "| vs yamllint | vs check-jsonschema | unchanged vs yamllint | peak RSS |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
)


def table_row(size: int, measured: list[Tool], medians: dict[str, float]) -> str:
    """One row of the README's table: every file changed, as text, unchanged, one edited."""
    names = ("deploylint", "deploylint text", "deploylint cached", "deploylint 1 edited")
    ours = [f"{medians[name]:.3g} s" for name in names]
    others = [f"{medians[name]:.3g} s" if name in medians else "—" for name in OTHERS]
    ratios = [
        f"{medians[mine] / medians[other]:.2f}\N{MULTIPLICATION SIGN}" if other in medians else "—"
        for mine, other in (
            ("deploylint", "yamllint"),
            ("deploylint", "check-jsonschema"),
            ("deploylint cached", "yamllint"),
        )
    ]
    peak = max(t.peak_mb for t in measured if t.name == "deploylint")
    return f"| {size:,} | " + " | ".join([*ours, *others, *ratios, f"{peak:.0f} MB"]) + " |"


OTHERS = ("yamllint", "check-jsonschema")


if __name__ == "__main__":
    raise SystemExit(main())
