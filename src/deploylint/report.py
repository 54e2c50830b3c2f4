"""The result of a run, as every reporter sees it, and the exit code it implies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING

from deploylint import __version__
from deploylint.findings import Finding, Severity

if TYPE_CHECKING:  # annotations only: importing these would pull grading into start-up
    from deploylint.fleet.map import ResourceRow
    from deploylint.grade import FileResult
    from deploylint.rubric.model import Rubric


class ExitCode(IntEnum):
    """The exit-code contract (also in ``--help`` and the README)."""

    CLEAN = 0  # nothing at or above the --fail-on threshold (waived findings don't count)
    FINDINGS = 1  # at least one unwaived finding at or above the threshold
    ERROR = 2  # usage, configuration or internal error; or a path that couldn't be read


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
        return ExitCode.FINDINGS if self.failing else ExitCode.CLEAN
