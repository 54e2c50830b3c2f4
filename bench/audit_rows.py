"""Benchmark: `deploylint audit` over a large JSON Lines file, wall time and peak memory.

    python bench/audit_rows.py --rows 1000000

Generates the rows (2% of them bad in one of the ways the audit rules catch), runs
`python -m deploylint audit FILE --format json` as a child process with output discarded,
and prints wall time, rows per second and the child's peak RSS (from getrusage).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = {
    "timestamp": "2026-11-02T02:17:00Z",
    "agent_id": "db-perf-agent",
    "resource": "orders-db/cluster",
    "lock_holder": "db-perf-agent",
    "rollback_allowed": True,
    "rollback_path": "/internal/db/admin/rollback?agent=db-perf-agent",
    "approved_by": "jun.t",
    "rollback_key_holder": "db-oncall",
    "human_override_queue": "db-oncall",
    "second_key_revoke_provenance": (
        "svc-ops-princess revoked via runbook R-44 at 04:12Z after page to oncall-jane"
    ),
}
BAD = [
    {"lock_holder": None},
    {"rollback_path": None},
    {"rollback_key_holder": "agent-autocleanup-7"},
    {"second_key_revoke_provenance": True},
]


def write_rows(path: Path, count: int, bad_share: float, seed: int = 7) -> None:
    chance = random.Random(seed)
    good = json.dumps(GOOD)
    with path.open("w") as out:
        for number in range(count):
            if chance.random() < bad_share:
                row = {
                    **GOOD,
                    **chance.choice(BAD),
                    "timestamp": f"2026-11-02T02:{number % 60:02d}:00Z",
                }
                out.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
            else:
                out.write(good + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-share", type=float, default=0.02)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.jsonl"
        write_rows(path, args.rows, args.bad_share)
        size = path.stat().st_size
        started = time.perf_counter()
        command = [sys.executable, "-m", "deploylint", "audit", str(path), "--format", "json"]
        done = subprocess.run(command, capture_output=True, check=False)
        wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(done.stdout)["summary"]
    rows, found = summary["rows"], summary["findings"]
    print(f"rows: {rows:,} ({size / 1e6:.0f} MB JSON Lines), findings: {found:,}")
    print(f"wall: {wall:.1f} s ({summary['rows'] / wall:,.0f} rows/s), peak RSS: {peak_mb:.0f} MB")
    return 0 if done.returncode in (0, 1) else done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
