"""Precision and recall of the rubric on the realistic corpus (tests/corpus/realistic).

The corpus was written by people who had only the README, `deploylint init` and the doc
schema, never the rules: each folder holds deployment docs and an `expectations.yaml` its
author wrote *before* deploylint ever ran on them (which docs are complete, and which areas
hold a planted gap). A finding at or above `low` is right when its area is one the author
planted in that doc (fleet findings count for `write_authority`); every other one is false.
`info` findings (hints, and findings that rest on a guess from a name) are counted apart.

    python bench/precision.py            # the table, per area and per rule
    python bench/precision.py --json     # the same, as JSON (the tests read it)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "realistic"
TODAY = "2026-12-02"  # the day most of the corpus's authors dated their docs against
COUNTED = ("low", "medium", "high", "critical")
AREA_OF = {"fleet": "write_authority"}  # a collision across docs is a write-authority gap


def grade(folder: Path, today: str = TODAY) -> list[dict[str, Any]]:
    """Every finding deploylint reports on one corpus folder, graded as one run, as of the day
    its author dated the docs against (the expectations' `today:`)."""
    command = [sys.executable, "-m", "deploylint", "check", str(folder), "--format", "json",
               "--today", today, "--no-config", "--fail-on", "none"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
    if done.returncode != 0:
        raise SystemExit(f"deploylint failed on {folder}: {done.stderr.strip()}")
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings


def score(corpus: Path = CORPUS) -> dict[str, Any]:
    """Right, false and hint findings, per area and rule; recall per planted gap."""
    right: Counter[str] = Counter()
    false: Counter[str] = Counter()
    hints: Counter[str] = Counter()
    planted_found: Counter[str] = Counter()
    planted_total: Counter[str] = Counter()
    false_list: list[str] = []
    missed: list[str] = []
    for folder in sorted(p.parent for p in corpus.rglob("expectations.yaml")):
        expectations = yaml.safe_load((folder / "expectations.yaml").read_text())
        expected = expectations["docs"]
        by_file: dict[str, list[dict[str, Any]]] = {}
        for found in grade(folder, str(expectations.get("today", TODAY))):
            name = str(Path(found["file"]).resolve().relative_to(folder.resolve()))
            by_file.setdefault(name, []).append(found)
        for doc in expected:
            areas = {gap["area"] for gap in doc["planted"]}
            # a waived finding is a risk the doc itself accepted: neither right nor false
            counted = [
                f
                for f in by_file.get(doc["file"], [])
                if f["severity"] in COUNTED and not f.get("waived")
            ]
            for found in by_file.get(doc["file"], []):
                if found["severity"] not in COUNTED:
                    hints[found["rule"]] += 1
            for found in counted:
                area = AREA_OF.get(found["area"], found["area"])
                key = f"{area}/{found['rule']}"
                if area in areas:
                    right[key] += 1
                else:
                    false[key] += 1
                    where = f"{folder.name}/{doc['file']}"
                    false_list.append(f"{where}: {found['rule']} {found['gap']}")
            for area in areas:
                planted_total[area] += 1
                hit = any(AREA_OF.get(f["area"], f["area"]) == area for f in counted)
                planted_found[area] += hit
                if not hit:
                    missed.append(f"{folder.name}/{doc['file']}: {area}")
    total_right, total_false = sum(right.values()), sum(false.values())
    return {
        "findings": total_right + total_false,
        "right": total_right,
        "false": total_false,
        "precision": total_right / (total_right + total_false) if right or false else 1.0,
        "recall": sum(planted_found.values()) / max(1, sum(planted_total.values())),
        "planted": sum(planted_total.values()),
        "by_rule": {k: {"right": right[k], "false": false[k]} for k in sorted(right | false)},
        "recall_by_area": {a: [planted_found[a], planted_total[a]] for a in sorted(planted_total)},
        "hints": dict(sorted(hints.items())),
        "false_findings": false_list,
        "missed": missed,
    }


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"findings at or above low: {result['findings']} ({result['right']} right, "
        f"{result['false']} false): precision {result['precision']:.2f}",
        f"planted gaps found: recall {result['recall']:.2f} of {result['planted']}",
        "",
        "rule (area/rule)                     right  false",
    ]
    lines += [f"{k:<36} {v['right']:>5}  {v['false']:>5}" for k, v in result["by_rule"].items()]
    lines += ["", "recall per area: " + ", ".join(
        f"{a} {n}/{t}" for a, (n, t) in result["recall_by_area"].items())]  # fmt: skip
    lines += ["", f"info findings (hints and guesses, not counted): {result['hints']}"]
    lines += ["", "false findings:", *(f"  {f}" for f in result["false_findings"])]
    lines += ["missed:", *(f"  {m}" for m in result["missed"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    args = parser.parse_args()
    result = score(args.corpus)
    try:
        print(json.dumps(result, indent=2) if args.json else _table(result))
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
