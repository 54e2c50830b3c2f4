"""The result of a run, as every reporter sees it, and the exit code it implies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING

from deploylint import __version__
from deploylint.report.findings import Finding, Severity

if TYPE_CHECKING:  # annotations only: importing these would pull grading into start-up
    from deploylint.fleet.map import ResourceRow
    from deploylint.rubric.grade import FileResult
    from deploylint.rubric.model import Rubric


class ExitCode(IntEnum):
    """The exit-code contract (also in ``--help`` and the README)."""

    CLEAN = 0  # nothing at or above the --fail-on threshold (waived findings don't count)
    FINDINGS = 1  # at least one unwaived finding at or above the threshold
    ERROR = 2  # usage, configuration or internal error; or a path that couldn't be read


@dataclass(frozen=True, slots=True)
class Shaping:
    """What shaped a report besides the docs: the config and rubrics used, and every rule
    switched off or given another severity. Said in every format, so a gate a config
    weakened never passes silently."""

    config: str | None = None  # the config file (and the git ref it was read from)
    rubrics: tuple[str, ...] = ()  # rubric folders or files added to (or replacing) the default
    default_rubric: bool = True
    ignored: tuple[str, ...] = ()  # rule ids not reported (ignore, or outside select)
    severities: tuple[tuple[str, str, str], ...] = ()  # (rule, its severity, the config's)

    @property
    def weakened(self) -> bool:
        return bool(self.ignored or self.severities or not self.default_rubric)

    def record(self) -> dict[str, object]:
        return {
            "config": self.config,
            "rubrics": list(self.rubrics),
            "default_rubric": self.default_rubric,
            "ignored_rules": list(self.ignored),
            "severity_changes": [
                {"rule": rule, "from": was, "to": now} for rule, was, now in self.severities
            ],
        }

    def sentence(self) -> str:
        """One line for a text summary: empty when nothing but the default shaped it."""
        parts = [f"config {self.config}"] if self.config else []
        if self.rubrics:
            kind = "rubric" if self.default_rubric else "rubric instead of the default"
            parts.append(f"{kind} {', '.join(self.rubrics)}")
        if self.ignored:
            parts.append(f"{len(self.ignored)} rule(s) switched off ({_listed(self.ignored)})")
        if self.severities:
            changed = ", ".join(f"{r} {was}\u2192{now}" for r, was, now in self.severities)
            parts.append(f"severity changed: {changed}")
        return "; ".join(parts)


def _listed(ids: tuple[str, ...], most: int = 12) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


@dataclass(frozen=True)
class Report:
    """Everything one run found."""

    files: tuple[FileResult, ...]
    errors: tuple[str, ...]
    fail_on: Severity | None  # None: never fail on findings
    today: date
    version: str = __version__
    fleet: tuple[ResourceRow, ...] = ()  # the fleet map, when two or more docs were graded
    rubric: Rubric | None = None  # the rules graded against (rule tables, area grades)
    left_out: int = 0  # findings known in the baseline or at --diff-base, not reported
    shaped: Shaping = Shaping()  # the config, rubrics and rule changes behind this report
    baseline_written: str | None = None  # --write-baseline: recording was the point, exit 0

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.files for f in result.findings]

    @property
    def failing(self) -> list[Finding]:
        if self.fail_on is None:
            return []
        return [f for f in self.findings if not f.waived and f.severity >= self.fail_on]

    @property
    def documents(self) -> int:
        return sum(len(result.documents) for result in self.files)

    @property
    def skipped(self) -> int:
        return sum(result.skipped for result in self.files)

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings if not f.waived)
        return {s.label: counts.get(s, 0) for s in sorted(Severity, reverse=True)}

    @property
    def exit_code(self) -> ExitCode:
        if self.errors:
            return ExitCode.ERROR
        if self.baseline_written is not None:  # `set -e` adoption scripts go on
            return ExitCode.CLEAN
        return ExitCode.FINDINGS if self.failing else ExitCode.CLEAN
