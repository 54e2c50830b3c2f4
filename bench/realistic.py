"""Realistic copies of tests/corpus/realistic/: what users have, for the benchmarks.

Each copy of a corpus doc gets its own names (agents, resources, locks, queues, the doc's
name), so N copies are N deployments, not one fleet colliding N ways; everything else,
gaps included, is the doc as its author wrote it (~6.8 KB, a few findings each).

    python bench/realistic.py OUT COUNT      # write COUNT copies under OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus" / "realistic"


def sources() -> list[Path]:
    """The corpus's single-document docs, outside fleets (a copy of a fleet is a fleet)."""
    return sorted(
        p
        for p in CORPUS.rglob("*.yaml")
        if p.name != "expectations.yaml" and "fleet" not in p.parts and "---" not in p.read_text()
    )


def names(text: str) -> list[str]:
    """The names one doc declares that another copy must not share (longest first)."""
    from deploylint.load.loader import load_text
    from deploylint.model.doc_model import build

    found: set[str] = set()
    for doc in load_text(text):
        if not isinstance(doc.data, dict):
            continue
        model = build(doc.data)
        found |= {a.id for a in model.agents if a.key}
        found |= {w.resource.name for a in model.agents for w in a.writes}
        found |= {lock.key.name for lock in model.locks if lock.key}
        found |= {lock.resource.name for lock in model.locks}
        metadata = doc.data.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
            found.add(metadata["name"])
    return sorted((n for n in found if len(n) > 3), key=len, reverse=True)


def copies(out: Path, count: int) -> list[Path]:
    """``count`` realistic docs under ``out``, in folders of 100."""
    templates = [(p.read_text("utf-8"), names(p.read_text("utf-8"))) for p in sources()]
    written = []
    for n in range(count):
        text, declared = templates[n % len(templates)]
        for name in declared:
            text = text.replace(name, f"{name}-c{n}")
        path = out / f"team-{n // 100:03}" / f"doc-{n:05}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    made = copies(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"{len(made)} docs under {sys.argv[1]}")
