"""Blast radius and rollback unit, drawn from the doc being graded.

Rule templates print these objects (``{{ blast }}``, ``{{ rollback }}``) or read their
fields; the text comes from the doc's own data, and is canned only where the doc is silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from deploylint.model.doc_model import Agent, DocModel
from deploylint.model.identity import declared


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


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


NAMED: Final = 4  # resources a finding's blast radius names before "and N more"


@dataclass(frozen=True, slots=True)
class BlastRadius:
    """What the agents concerned can damage, and how much, per the doc.

    Said two ways: ``text()`` is the doc's whole blast radius (what its agents can write and
    reach, the money at risk, the effects per action, who is affected), printed once per
    doc; ``str()`` (``{{ blast }}`` in a rule's template) names only the agents and the
    resources they touch, for a finding, which says what *its* gap exposes."""

    agents: tuple[str, ...]
    writes: tuple[str, ...]
    reaches: tuple[str, ...]
    max_usd: str | None  # None: no money at risk declared, or 0
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

    @property
    def touches(self) -> str:
        """What the agents write and reach, in a few words: `can write a and reach b`."""
        verbs = [f"write {_some(self.writes)}"] if self.writes else []
        verbs += [f"reach {_some(self.reaches)}"] if self.reaches else []
        return f"can {and_list(verbs)}" if verbs else ""

    @property
    def scope(self) -> str:
        """A note after a sentence that names the agents: ` (writes a; reaches b)`, else the
        tools they hold, else nothing."""
        parts = [f"writes {_some(self.writes)}"] if self.writes else []
        parts += [f"reaches {_some(self.reaches)}"] if self.reaches else []
        parts += [f"tools: {_some(self.tools)}"] if self.tools and not parts else []
        return f" ({'; '.join(parts)})" if parts else ""

    @property
    def money(self) -> str:
        """` (up to N USD per action)` when the doc puts money at risk, else nothing."""
        return f" (up to {self.max_usd} USD per action)" if self.max_usd else ""

    def __str__(self) -> str:
        if not self.agents:
            return "none declared: the doc authorizes no agents"
        return f"{self.who} {self.touches}" if self.touches else f"{self.who}{self.scope}"

    def text(self) -> str:
        """The doc's whole blast radius, as the report prints it once per doc."""
        return _blast_text(self)

    def _text(self) -> str:
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


def _some(names: Sequence[str]) -> str:
    shown = list(names[:NAMED]) + ([f"{len(names) - NAMED} more"] if len(names) > NAMED else [])
    return and_list(shown)


@lru_cache(maxsize=4096)  # a doc's blast radius is printed once, but worked out per doc
def _blast_text(blast: BlastRadius) -> str:
    return blast._text()


def blast_radius(agents: Sequence[Agent]) -> BlastRadius:
    """Combine the blast radius of the given agents (from the doc model)."""
    written: dict[str, str] = {}
    reached: dict[str, str] = {}
    effects, tools, users, money = [], [], [], []
    for agent in agents:
        written.update({w.resource.key: w.resource.text for w in agent.writes})
        reached.update({r.key: r.text for r in agent.reaches})
        for action in agent.actions:
            effects += [f"{k} {_number(v)}" for k, v in action.caps["per_action"].items()]
        tools += [t.name for t in agent.tools if declared(t.name)]
        users += [agent.users] if agent.users else []
        money += [agent.max_usd_at_risk] if agent.max_usd_at_risk is not None else []
    return BlastRadius(
        agents=_unique(agent.id for agent in agents),
        writes=tuple(written.values()),
        reaches=tuple(text for key, text in reached.items() if key not in written),
        max_usd=_number(max(money)) if money and max(money) > 0 else None,
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


def rollback_unit(model: DocModel) -> RollbackUnit:
    """The doc's rollback section, as the rollback column says it."""
    section = model.rollback
    agents = tuple(agent.id for agent in model.agents)
    return RollbackUnit(
        declared=section.declared,
        allowed=section.allowed,
        unit=section.unit,
        agents=agents,
        flag=section.flag,
        path=section.path,
        key_holder=section.key_holder.text if section.key_holder else None,
        override_queue=section.override_queue.text if section.override_queue else None,
    )
