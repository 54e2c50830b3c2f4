"""Blast radius and rollback unit, drawn from the doc being graded.

Rule templates print these objects (``{{ blast }}``, ``{{ rollback }}``) or read their
fields; the text comes from the doc's own data, and is canned only where the doc is silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deploylint.rubric.checks.base import declared as is_named
from deploylint.rubric.checks.base import listed


def and_list(items: Iterable[Any]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _number(value: Any) -> str:
    return (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def _strings(values: Any) -> list[str]:
    """The real names in a list: placeholders (TBD, none, ...) name nothing."""
    return [v for v in values if is_named(v)] if isinstance(values, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class BlastRadius:
    """What the agents concerned can damage, and how much, per the doc."""

    agents: tuple[str, ...]
    writes: tuple[str, ...]
    reaches: tuple[str, ...]
    max_usd: str | None
    side_effects: tuple[str, ...]
    tools: tuple[str, ...]
    users: str | None

    @property
    def declared(self) -> bool:
        return bool(self.writes or self.reaches or self.max_usd or self.side_effects or self.users)

    @property
    def who(self) -> str:
        if not self.agents:
            return "no agent"
        if len(self.agents) > 3:
            return f"{len(self.agents)} agents ({', '.join(self.agents[:3])}, ...)"
        return and_list(self.agents)

    def __str__(self) -> str:
        if not self.agents:
            return "none declared: the doc authorizes no agents"
        if not self.declared:
            tools = f" (tools: {', '.join(self.tools)})" if self.tools else ""
            nothing = "no resources written, money or users at risk declared for"
            return f"none declared: {nothing} {self.who}{tools}"
        verbs = []
        if self.writes:
            verbs.append(f"write {and_list(self.writes)}")
        if self.reaches:
            verbs.append(f"reach {and_list(self.reaches)}")
        if self.max_usd:
            verbs.append(f"move up to {self.max_usd} USD per action")
        text = f"{self.who} can {and_list(verbs)}" if verbs else self.who
        extra = [f"per action: {', '.join(self.side_effects)}"] if self.side_effects else []
        extra += [f"affects {self.users}"] if self.users else []
        return text + (f" ({'; '.join(extra)})" if extra else "")


def blast_radius(agents: Sequence[Mapping[str, Any]]) -> BlastRadius:
    """Combine the blast radius of the given agents."""
    writes, reaches, effects, tools, users, money = [], [], [], [], [], []
    for agent in agents:
        stated = _mapping(agent.get("blast_radius"))
        writes += _strings(
            [w.get("resource") for w in listed(agent.get("writes")) if isinstance(w, dict)]
        )
        reaches += _strings(stated.get("resources"))
        for action in listed(agent.get("actions")):
            per_action = _mapping(
                _mapping(_mapping(action).get("side_effect_ceiling")).get("per_action")
            )
            effects += [f"{name} {_number(count)}" for name, count in per_action.items()]
        tools += _strings(
            [t.get("name") for t in listed(agent.get("tools")) if isinstance(t, dict)]
        )
        affected = stated.get("users_affected")
        if is_named(affected) or (isinstance(affected, int) and not isinstance(affected, bool)):
            users.append(_number(affected))
        if isinstance(stated.get("max_usd_per_action"), int | float):
            money.append(stated["max_usd_per_action"])
    ids = _unique(str(agent.get("id", "an unnamed agent")) for agent in agents)
    written = _unique(writes)
    return BlastRadius(
        agents=ids,
        writes=written,
        reaches=tuple(r for r in _unique(reaches) if r not in written),
        max_usd=_number(max(money)) if money else None,
        side_effects=_unique(effects),
        tools=_unique(tools),
        users=and_list(_unique(users)) or None,
    )


@dataclass(frozen=True, slots=True)
class RollbackUnit:
    """What can be rolled back, behind what, through which literal route, per the doc."""

    declared: bool
    allowed: bool | None
    unit: str | None
    agents: tuple[str, ...]
    flag: str | None
    path: str | None
    key_holder: str | None
    override_queue: str | None

    def __str__(self) -> str:
        if not self.declared:
            return "none declared: recovery means rebuilding context from scratch"
        if self.allowed is False:
            return (
                "none: rollback is not allowed, so recovery means rebuilding context from scratch"
            )
        if self.unit in (None, "none"):
            return (
                "none declared: no rollback unit, so recovery means rebuilding context from scratch"
            )
        text = self._scope()
        text += f", behind flag {self.flag}" if self.flag else ", behind no feature flag"
        text += f", via {self.path}" if self.path else ", with no literal route"
        return text + (f" (key: {self.key_holder})" if self.key_holder else " (no key holder)")

    def _scope(self) -> str:
        if self.unit == "agent":
            return f"{and_list(self.agents)} alone" if len(self.agents) == 1 else "each agent alone"
        if self.unit == "fleet":
            return f"the whole fleet ({and_list(self.agents)})"
        return "the whole service"


def rollback_unit(doc: Mapping[str, Any]) -> RollbackUnit:
    """Read the doc's rollback section."""
    section = doc.get("rollback")
    agents = tuple(str(a.get("id")) for a in listed(doc.get("agents")) if isinstance(a, dict))
    if not isinstance(section, dict):
        return RollbackUnit(False, None, None, agents, None, None, None, None)

    def text(key: str) -> str | None:
        value = section.get(key)
        return value if is_named(value) else None

    allowed = section.get("rollback_allowed")
    return RollbackUnit(
        declared=True,
        allowed=allowed if isinstance(allowed, bool) else None,
        unit=text("unit"),
        agents=agents,
        flag=text("feature_flag"),
        path=text("rollback_path"),
        key_holder=text("rollback_key_holder"),
        override_queue=text("human_override_queue"),
    )
