"""One model of a doc, built once: agents, tools with their effects, caps with the tools they
cover, actions with the money they move, checkpoint components with their role.

Rules read facts here instead of re-deriving them from raw data. Each fact is what the doc
declares; where the doc is silent, :mod:`deploylint.rubric.names` may guess, and the guess
travels with the fact (``*_guess``) so a finding built on it can say so. A declared value is
never overridden by a guess: ``effect: read`` on ``email.send`` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deploylint.rubric import names
from deploylint.rubric.names import Guess

SCOPES = ("per_action", "per_hour", "per_day")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in _listed(value) if isinstance(v, str))


def number(value: Any) -> float | None:
    """A number from the doc (bools are not numbers here), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True, slots=True)
class Tool:
    """A tool an agent may call: what it does (declared, or guessed from its name)."""

    index: int
    name: str
    scopes: tuple[str, ...]
    effect: str | None  # read, write, send, pay, delete, execute; None: nothing to go on
    effect_guess: Guess | None  # set when ``effect`` was read off the name or scopes
    counts_against: tuple[str, ...]  # cap keys the doc says this tool's calls count against
    open_ended: bool | None  # declared: takes any command or URL

    @property
    def acts(self) -> bool:
        """Whether the tool changes something outside the agent (by the doc or a guess)."""
        return self.effect is not None and self.effect != names.READ


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which caps count a tool's calls, and how we know."""

    caps: tuple[str, ...]
    guess: Guess | None = None  # the caps were matched to the tool by a shared word
    explicit: bool = False  # the agent declares coverage, so an absence is a fact


@dataclass(frozen=True, slots=True)
class Action:
    """An action, with the money it moves (declared), apart from its compute spend."""

    index: int
    name: str
    impact: tuple[str, ...] | None  # declared kinds of impact, or None when not declared
    max_usd_moved: float | None  # declared: the most one run moves, approvals included
    compute_usd: float | None  # the cost ceiling: spend on the model and tools, not money moved
    caps: Mapping[str, Mapping[str, float | None]]  # scope -> effect key -> cap
    covers: Mapping[str, tuple[str, ...]]  # cap key -> tools it declares it counts


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent with its tools, actions, writes and declared money at risk."""

    index: int
    id: str
    tools: tuple[Tool, ...]
    actions: tuple[Action, ...]
    writes: tuple[str, ...]
    max_usd_at_risk: float | None  # blast_radius.max_usd_per_action

    def cap_keys(self) -> tuple[str, ...]:
        keys = (key for a in self.actions for scope in SCOPES for key in a.caps.get(scope, {}))
        return tuple(dict.fromkeys(keys))

    def declares_coverage(self) -> bool:
        return any(t.counts_against for t in self.tools) or any(a.covers for a in self.actions)

    def _caps_accounted_for(self) -> bool:
        """Every cap is keyed by some tool's own name or scope: none is left to count another."""
        return all(
            any(names.cap_named_for_tool(k, t.name, t.scopes) for t in self.tools)
            for k in self.cap_keys()
        )

    def coverage(self, tool: Tool) -> Coverage:
        """The caps that count ``tool``: declared, keyed by its name, or (a guess) alike."""
        keys = self.cap_keys()
        declared = [k for k in tool.counts_against if k in keys]
        declared += [k for a in self.actions for k, tools in a.covers.items() if tool.name in tools]
        declared += [k for k in keys if names.cap_named_for_tool(k, tool.name, tool.scopes)]
        if declared:
            return Coverage(tuple(dict.fromkeys(declared)))
        if self.declares_coverage() or self._caps_accounted_for():
            return Coverage((), explicit=True)
        for key in keys:
            guess = names.cap_matches_tool(key, tool.name, tool.scopes)
            if guess is not None:
                return Coverage((key,), guess=guess)
        return Coverage(())


@dataclass(frozen=True, slots=True)
class Component:
    """A checkpointed component, with its role and whether it writes."""

    index: int
    name: str
    role: str | None
    role_guess: Guess | None  # set when ``role`` was read off the name
    writes: bool | None  # declared


@dataclass(frozen=True, slots=True)
class DocModel:
    """Everything the rules read about one doc, interpreted once."""

    agents: tuple[Agent, ...]
    components: tuple[Component, ...]

    def agent(self, index: int) -> Agent | None:
        return next((a for a in self.agents if a.index == index), None)

    def writes_anything(self) -> bool:
        return any(a.writes for a in self.agents)


def _tool(index: int, raw: dict[str, Any]) -> Tool:
    name = str(raw.get("name", ""))
    scopes = _texts(raw.get("scopes"))
    declared = raw.get("effect")
    effect: str | None = None
    guess: Guess | None = None
    if isinstance(declared, str) and declared in names.EFFECTS:
        effect = declared
    else:
        guess = names.tool_effect(name, scopes) if name else None
        effect = guess.value if guess is not None else None
    open_ended = raw.get("open_ended")
    return Tool(
        index=index,
        name=name,
        scopes=scopes,
        effect=effect,
        effect_guess=guess,
        counts_against=_texts(raw.get("counts_against")),
        open_ended=open_ended if isinstance(open_ended, bool) else None,
    )


def _action(index: int, raw: dict[str, Any]) -> Action:
    ceiling = _mapping(raw.get("side_effect_ceiling"))
    caps = {
        scope: {str(k): number(v) for k, v in _mapping(ceiling.get(scope)).items()}
        for scope in SCOPES
    }
    covers = {str(k): _texts(v) for k, v in _mapping(ceiling.get("covers")).items()}
    impact = raw.get("impact")
    return Action(
        index=index,
        name=str(raw.get("name", "an unnamed action")),
        impact=tuple(str(i) for i in impact) if isinstance(impact, list) else None,
        max_usd_moved=number(raw.get("max_usd_moved")),
        compute_usd=number(_mapping(raw.get("cost_ceiling")).get("per_action_usd")),
        caps=caps,
        covers=covers,
    )


def _agent(index: int, raw: dict[str, Any]) -> Agent:
    tools = [_tool(i, t) for i, t in enumerate(_listed(raw.get("tools"))) if isinstance(t, dict)]
    actions = [
        _action(i, a) for i, a in enumerate(_listed(raw.get("actions"))) if isinstance(a, dict)
    ]
    writes = [_mapping(w).get("resource") for w in _listed(raw.get("writes"))]
    return Agent(
        index=index,
        id=str(raw.get("id", "an unnamed agent")),
        tools=tuple(tools),
        actions=tuple(actions),
        writes=tuple(w for w in writes if isinstance(w, str)),
        max_usd_at_risk=number(_mapping(raw.get("blast_radius")).get("max_usd_per_action")),
    )


def _component(index: int, raw: dict[str, Any]) -> Component:
    name = str(raw.get("component", ""))
    declared = raw.get("role")
    role = declared if isinstance(declared, str) and declared in names.ROLES else None
    guess = None
    if role is None:
        # The brief's own words: a component called `orchestrator` or `worker` is that role.
        role = name.strip().lower() if name.strip().lower() in names.ROLES else None
        if role is None and name:
            guess = names.component_role(name)
            role = guess.value if guess is not None else None
    writes = raw.get("writes")
    return Component(index, name, role, guess, writes if isinstance(writes, bool) else None)


def build(doc: Mapping[str, Any]) -> DocModel:
    """Interpret one doc's data (any shape: what isn't the expected type is left out)."""
    agents = [_agent(i, a) for i, a in enumerate(_listed(doc.get("agents"))) if isinstance(a, dict)]
    components = [
        _component(i, c)
        for i, c in enumerate(_listed(doc.get("checkpoints")))
        if isinstance(c, dict)
    ]
    return DocModel(tuple(agents), tuple(components))
