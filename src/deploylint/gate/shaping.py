"""What shaped a run besides the docs, as every report says it: the config, the rubrics,
each rule switched off or given another severity, named as the repository names them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from deploylint.gate.config import Config
from deploylint.gate.configure import rubric_for
from deploylint.input.repository import shown_path
from deploylint.report.findings import Severity
from deploylint.report.outcome import Shaping
from deploylint.rubric.model import Rubric


def shaping(
    config: Config,
    rubric: Rubric,
    ignored: frozenset[str],
    *,
    extra: Sequence[Path] = (),
    replace_default: bool = False,
) -> Shaping:
    """What shaped a run besides the docs, for the report to say (see report.Shaping)."""
    changed = {k: v["severity"] for k, v in config.rules.items() if "severity" in v}
    if changed:
        plain = rubric_for(replace(config, rules={}), extra, replace_default=replace_default)
        severities = tuple(
            (rule_id, plain.rules[rule_id].severity.label, Severity.parse(now).label)
            for rule_id, now in sorted(changed.items())
            if plain.rules[rule_id].severity != Severity.parse(now)
        )
    else:
        severities = ()
    return Shaping(
        config=_config_name(config),
        rubrics=tuple(_shown(config, path) for path in (*config.rubric, *extra)),
        default_rubric=not (replace_default or config.rubric_replace_default),
        ignored=tuple(
            sorted(rule for rule in ignored & set(rubric.rules) if _graded(rubric, rule))
        ),
        severities=severities,
    )


def _graded(rubric: Rubric, rule_id: str) -> bool:
    """Whether `check` runs the rule at all: audit-row rules are `audit`'s, so switching
    them off switches nothing off."""
    from deploylint.gate.verdict import NOT_GRADED

    return rubric.rules[rule_id].area not in NOT_GRADED


def _shown(config: Config, rubric: Path) -> str:
    """A rubric path as the repository names it; under --gate-from, the ref's (its copy's
    folder is a repository root of its own), never a runner's temporary folder."""
    shown = shown_path(rubric)
    return f"{shown} (as at {config.gate_ref})" if config.gate_ref is not None else shown


def _config_name(config: Config) -> str | None:
    return config.name if config.source is not None else None
