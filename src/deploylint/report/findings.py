"""The finding record every stage produces and every reporter reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

# Findings nothing may silence: a doc that can't be read, or that YAML readers read two
# ways, must never pass because a config or the doc itself says so. No ignore, no other
# severity, no waiver.
UNSILENCEABLE: Final = frozenset({"DL001", "DL009", "DL011", "DL014"})


class Severity(IntEnum):
    """How bad a gap is; ``--fail-on`` compares against this order."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Finding:
    """One gap in one document, with the three columns the report shows."""

    rule: str
    area: str
    severity: Severity
    title: str
    file: str
    document: int
    line: int
    column: int
    path: str
    gap: str
    blast_radius: str
    rollback_unit: str
    remediation: str
    waived: bool = False
    waiver_reason: str | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.file, self.document, self.line, self.column, self.rule, self.path)
