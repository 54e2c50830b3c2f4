"""The findings a run leaves out as already known: a baseline file, or the same docs as a
git ref has them (--diff-base); and where today's findings are recorded (--write-baseline)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

from deploylint.gate.baseline import Key, keys, read_baseline, suppress, write_baseline
from deploylint.gate.config import Config
from deploylint.input.gitbase import GitRef
from deploylint.input.renames import baseline_followed
from deploylint.messages import say
from deploylint.rubric.grade import FileResult


class Baseline(NamedTuple):
    path: Path
    shown: str  # as written: on the command line, or in the config
    named: str  # where it was named, for its errors


def chosen_baseline(
    given: Path | None, config: Config, *, writes: bool, diff_base: str | None
) -> Baseline | None:
    """The baseline file the run leaves findings out by: --baseline, else the config's
    `baseline:` unless the run records one or compares with a git ref."""
    if given is not None:
        return Baseline(given, str(given), "--baseline")
    if config.baseline is None or writes or diff_base:
        return None
    where = f"{config.where('baseline')}: baseline"
    return Baseline(config.root / config.baseline, config.baseline, where)


@dataclass(frozen=True, slots=True)
class Known:
    """What the gate knows before the run: a baseline, or a git ref to grade the same docs
    at; ``gate``: --gate-from's ref, at which the baseline is read; ``write_to``: the file
    today's findings are recorded in."""

    baseline: Baseline | None = None
    diff_base: str | None = None
    gate: GitRef | None = None
    write_to: Path | None = None

    def leave_out(
        self,
        results: list[FileResult],
        graded_at: Callable[[str], list[FileResult]],
        err: TextIO,
    ) -> tuple[list[FileResult], int]:
        """The results without the known findings, and how many were left out.
        ``graded_at(ref)``: the same docs graded as they are at ``ref`` (--diff-base)."""
        if self.write_to is not None:
            written = write_baseline(self.write_to, results)
            say(err, f"wrote {written} finding(s) to the baseline {self.write_to}", None)
        if self.baseline is None and self.diff_base is None:
            return results, 0
        known, folder, what = self._known(graded_at)
        trimmed = suppress(results, known, folder)
        for rule, file, key_path in trimmed.stale if folder is not None else ():
            say(err, f"stale baseline entry {rule} {file} {key_path}", "warning")
        if trimmed.count:
            say(err, f"{trimmed.count} finding(s) left out: known in the {what}", None)
        return trimmed.results, trimmed.count

    def _known(
        self, graded_at: Callable[[str], list[FileResult]]
    ) -> tuple[Counter[Key], Path | None, str]:
        baseline = self.baseline
        if baseline is not None:
            named = f"{baseline.named} {baseline.shown}"
            known = read_baseline(baseline.path, self.gate, named=named)
            folder = baseline.path.parent
            known = baseline_followed(known, folder, baseline.path, self.gate)
            return known, folder, f"baseline {baseline.shown}"
        assert self.diff_base is not None
        base = graded_at(self.diff_base)
        return keys(f for r in base for f in r.findings), None, f"--diff-base {self.diff_base}"
