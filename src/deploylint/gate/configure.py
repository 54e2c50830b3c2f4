"""Turn a config (and command-line overrides) into the rubric and rule selection a run uses."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from deploylint.gate.config import Config, ConfigError
from deploylint.report.findings import UNSILENCEABLE, Severity
from deploylint.rubric.load import default_sources, load_default, load_rubric
from deploylint.rubric.model import Rubric, Rule
from deploylint.rubric.regexguard import risky, strings

# A parameter whose default holds one of these is a regex (a list of words holds none): a
# value given for it must compile, or every doc's grading would stop on it.
_REGEX_SIGNS: Final = re.compile(r"[\\()\[\]^$|?*+]")
# A doc that can't be read (or reads two ways) must never pass silently: these can't be
# ignored, demoted or waived.
ALWAYS: Final = UNSILENCEABLE


def matches(rule: Rule, ref: str) -> bool:
    """A rule id (KS001), an id prefix (KS, KS00) or an area name (kill_switch)."""
    return rule.id.startswith(ref) or rule.area == ref


def _matched(rubric: Rubric, refs: Iterable[tuple[str, str]], key: str) -> set[str]:
    """The rule ids each ``(ref, where it was written)`` names; a ref naming none is an
    error at its place, with the closest id or area."""
    chosen: set[str] = set()
    for ref, where in refs:
        found = {rule.id for rule in rubric.rules.values() if matches(rule, ref)}
        if not found:
            raise ConfigError(
                f"{where}: {ref!r} matches no rule{_closest(rubric, ref)} (see `deploylint rules`)"
            )
        chosen |= found
    return chosen


def _closest(rubric: Rubric, ref: str) -> str:
    names = {*rubric.rules, *(rule.area for rule in rubric.rules.values())}
    close = difflib.get_close_matches(ref, sorted(names), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _refs(config: Config, key: str, given: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The config's refs under ``key`` with their lines, then the command line's."""
    written = getattr(config, key)
    return [(ref, f"{config.where(key, i)}: {key}") for i, ref in enumerate(written)] + [
        (ref, f"--{key}") for ref in given
    ]


def _customized(rule: Rule, settings: Mapping[str, Any], config: Config) -> Rule:
    unknown = sorted(set(settings) - {"severity"} - set(rule.params))
    if unknown:
        known = ", ".join(sorted(rule.params)) or "none"
        close = difflib.get_close_matches(unknown[0], sorted(rule.params), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            f"{config.where('rules', rule.id, unknown[0])}: rules.{rule.id}: no parameter "
            f"{unknown[0]!r} ({hint}it has: {known})"
        )
    overrides = {k: v for k, v in settings.items() if k != "severity"}
    for name, value in overrides.items():
        wrong = _param_problem(rule.params[name], value)
        where = f"{config.where('rules', rule.id, name)}: rules.{rule.id}"
        if wrong:
            raise ConfigError(f"{where}: {name}: {value!r:.80} {wrong}")
        regex = any(_REGEX_SIGNS.search(text) for text in strings(rule.params[name]))
        for text in strings(value):
            reason = risky(text, must_compile=regex)
            if reason:
                raise ConfigError(f"{where}: {name}: regex {text[:80]!r}: {reason}")
    if rule.id in ALWAYS and "severity" in settings:
        raise ConfigError(
            f"{config.where('rules', rule.id, 'severity')}: rules.{rule.id}: severity: "
            f"{rule.id} can't be changed (a doc that can't be read, or reads two ways, must "
            "never pass)"
        )
    params = {**rule.params, **overrides}
    severity = Severity.parse(settings["severity"]) if "severity" in settings else rule.severity
    return replace(rule, params=params, severity=severity)


def _param_problem(default: Any, value: Any) -> str | None:
    """Why ``value`` can't stand in for a parameter whose default is ``default``: it must be
    of the same kind, and a number (every shipped one is a limit or an age) not negative."""
    if isinstance(default, bool) or isinstance(value, bool):  # True is an int to Python
        return None if type(value) is type(default) else f"is not {_kind(default)}"
    if isinstance(default, int | float):
        if not isinstance(value, int | float) or not math.isfinite(value):
            return "is not a number"
        return "is negative" if value < 0 else None
    if isinstance(default, str | list | dict) and not isinstance(value, type(default)):
        return f"is not {_kind(default)}"
    texts = isinstance(default, list | dict) and all(
        isinstance(t, str) for t in strings_of(default)
    )
    if texts and not all(isinstance(item, str) for item in strings_of(value)):
        return f"is not {_kind(default)} of text"
    return None


def strings_of(value: list[Any] | dict[str, Any]) -> list[Any]:
    """A list's items, or a mapping's values."""
    return list(value.values()) if isinstance(value, dict) else list(value)


def _kind(value: Any) -> str:
    kinds = {bool: "true or false", int: "a number", float: "a number", str: "text"}
    kinds |= {list: "a list", dict: "a mapping"}
    return kinds.get(type(value), type(value).__name__)


def rubric_for(
    config: Config, extra: Sequence[Path] = (), *, replace_default: bool = False
) -> Rubric:
    """The default rubric plus extra rubric paths (or only them), with per-rule settings."""
    paths = (*config.rubric, *extra)
    if not paths and not config.rules:
        return load_default()
    engine = [source for source in default_sources() if source.name == "engine"]
    sources = (
        [*engine, *paths]
        if (replace_default or config.rubric_replace_default)
        else [*default_sources(), *paths]
    )
    rubric = load_rubric(sources)
    for rule_id in config.rules:
        if rule_id not in rubric.rules:
            close = difflib.get_close_matches(rule_id, sorted(rubric.rules), n=1)
            hint = f" (did you mean {close[0]}?)" if close else " (see `deploylint rules`)"
            raise ConfigError(
                f"{config.where('rules', rule_id)}: rules: unknown rule {rule_id!r}{hint}"
            )
    rules = {
        rule_id: _customized(rule, config.rules[rule_id], config)
        if rule_id in config.rules
        else rule
        for rule_id, rule in rubric.rules.items()
    }
    return replace(rubric, rules=rules)


def ignored_rules(
    rubric: Rubric, config: Config, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> frozenset[str]:
    """Rules not to report: outside `select` (when given) or in `ignore`; never ALWAYS."""
    wanted = _refs(config, "select", select)
    chosen = _matched(rubric, wanted, "select") if wanted else set(rubric.rules)
    dropped = _matched(rubric, _refs(config, "ignore", ignore), "ignore")
    return frozenset((set(rubric.rules) - chosen) | dropped) - ALWAYS


def unwaivable_rules(rubric: Rubric, config: Config) -> frozenset[str]:
    return frozenset(_matched(rubric, _refs(config, "unwaivable"), "unwaivable"))
