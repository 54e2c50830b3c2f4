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

SCOPES = ("per_action", "per_hour", "per_day")  # a side-effect ceiling's, narrowest first


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
    has_approval: bool  # it declares an `approval` mapping


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent with its tools, actions, writes, declared money at risk, and which caps
    count which tools (worked out once: a doc may have thousands of each)."""

    index: int
    id: str
    tools: tuple[Tool, ...]
    actions: tuple[Action, ...]
    writes: tuple[str, ...]
    max_usd_at_risk: float | None  # blast_radius.max_usd_per_action
    cap_keys: tuple[str, ...]  # every side-effect cap key of its actions, in doc order
    counted: Mapping[str, tuple[str, ...]]  # tool name -> caps the doc says count it
    explicit: bool  # the doc accounts for its caps, so a tool none counts is a fact
    by_stem: Mapping[str, tuple[str, ...]]  # word stem -> caps whose key has it

    def coverage(self, tool: Tool) -> Coverage:
        """The caps that count ``tool``: declared, keyed by its name, or (a guess) alike."""
        if self.counted.get(tool.name):
            return Coverage(self.counted[tool.name])
        if self.explicit:
            return Coverage((), explicit=True)
        stems = names.meaningful_stems([tool.name, *tool.scopes])
        candidates = {key for stem in stems for key in self.by_stem.get(stem, ())}
        for key in (k for k in self.cap_keys if k in candidates):
            guess = names.cap_matches_tool(key, tool.name, tool.scopes)
            if guess is not None:
                return Coverage((key,), guess=guess)
        return Coverage(())


def _counted(
    tools: list[Tool], actions: list[Action], keys: tuple[str, ...]
) -> tuple[dict[str, tuple[str, ...]], bool]:
    """Which caps count which tool, by the doc's word (`counts_against`, `covers`, a key that
    is the tool's own name or scope), and whether the doc accounts for every cap that way."""
    known = set(keys)
    counted: dict[str, list[str]] = {}
    owners: set[str] = set()
    for tool in tools:
        own = names.own_keys(tool.name, tool.scopes)
        owners |= own
        counted.setdefault(tool.name, []).extend(
            [k for k in tool.counts_against if k in known] + [k for k in keys if k in own]
        )
    for action in actions:
        for key, covered in action.covers.items():
            for name in covered if key in known else ():
                counted.setdefault(name, []).append(key)
    declares = any(t.counts_against for t in tools) or any(a.covers for a in actions)
    explicit = declares or all(k in owners for k in keys)
    return {n: tuple(dict.fromkeys(k)) for n, k in counted.items()}, explicit


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
        has_approval=isinstance(raw.get("approval"), dict),
    )


def _agent(index: int, raw: dict[str, Any]) -> Agent:
    tools = [_tool(i, t) for i, t in enumerate(_listed(raw.get("tools"))) if isinstance(t, dict)]
    actions = [
        _action(i, a) for i, a in enumerate(_listed(raw.get("actions"))) if isinstance(a, dict)
    ]
    writes = [_mapping(w).get("resource") for w in _listed(raw.get("writes"))]
    keys = tuple(dict.fromkeys(k for a in actions for scope in SCOPES for k in a.caps[scope]))
    counted, explicit = _counted(tools, actions, keys)
    by_stem: dict[str, list[str]] = {}
    for key in keys:
        for stem in names.meaningful_stems([key]):
            by_stem.setdefault(stem, []).append(key)
    return Agent(
        index=index,
        id=str(raw.get("id", "an unnamed agent")),
        tools=tuple(tools),
        actions=tuple(actions),
        writes=tuple(w for w in writes if isinstance(w, str)),
        max_usd_at_risk=number(_mapping(raw.get("blast_radius")).get("max_usd_per_action")),
        cap_keys=keys,
        counted=counted,
        explicit=explicit,
        by_stem={stem: tuple(caps) for stem, caps in by_stem.items()},
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
