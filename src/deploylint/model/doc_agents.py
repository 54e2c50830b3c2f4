"""The agents of a doc, interpreted once: tools with their effects, caps with the tools they
count, actions with the money they move, and what each agent writes and reaches.

Each fact is what the doc declares; where the doc is silent, :mod:`deploylint.model.names`
may guess, and the guess travels with the fact (``*_guess``) so a finding built on it can
say so. A declared value is never overridden by a guess: ``effect: read`` on ``email.send``
reads. Every name is a :class:`~deploylint.model.identity.Ref`, compared by its identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.model import names
from deploylint.model.doc_controls import Approval, Spawns, approval, spawns
from deploylint.model.doc_values import flag, listed, mapping, number, refs, texts, whole
from deploylint.model.identity import Ref, declared, key, ref
from deploylint.model.names import Guess

__all__ = ["Approval", "Spawns", "listed", "mapping", "number", "refs", "texts"]

SCOPES = ("per_action", "per_hour", "per_day")  # a side-effect ceiling's, narrowest first
WRITING_EFFECTS = ("write", "delete", "pay", "execute")  # effects that change a resource
COST_CAPS: Final = ("per_action_usd", "max_turns", "max_tool_calls", "max_tokens")


@dataclass(frozen=True, slots=True)
class Tool:
    """A tool an agent may call: what it does (declared, or guessed from its name)."""

    index: int
    name: str
    key: str  # its identity: `payments.refund (Stripe)` is payments.refund
    scopes: tuple[str, ...]
    effect: str | None  # read, write, send, pay, delete, execute; None: nothing to go on
    effect_guess: Guess | None  # set when ``effect`` was read off the name or scopes
    counts_against: tuple[str, ...]  # identities of cap keys this tool's calls count against
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
    max_tool_calls: float | None  # the cost ceiling's cap on tool calls per run
    caps: Mapping[str, Mapping[str, float | None]]  # scope -> effect key -> cap
    covers: Mapping[str, tuple[str, ...]]  # cap key -> identities of the tools it counts
    cost_caps: Mapping[str, float | None]  # declared COST_CAPS (None: not a number)
    approval: Approval | None  # its `approval` mapping

    @property
    def has_approval(self) -> bool:
        return self.approval is not None


@dataclass(frozen=True, slots=True)
class Write:
    """A resource an agent declares it writes, and the lock it names."""

    index: int
    resource: Ref
    lock: Ref | None
    path: KeyPath


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent with its tools, actions, writes, declared money at risk, and which caps
    count which tools (worked out once: a doc may have thousands of each)."""

    index: int
    id: str
    key: str  # its identity ("" when the doc gives it no id)
    vendor: str | None
    objective: str | None
    yields: str | None  # declared `yields_write_authority`
    tools: tuple[Tool, ...]
    actions: tuple[Action, ...]
    writes: tuple[Write, ...]
    writes_declared: bool  # the doc has a `writes:` list for it, even an empty one
    reaches: tuple[Ref, ...]  # blast_radius.resources
    spawns: Spawns | None
    users: str | None  # blast_radius.users_affected, as the doc words it
    max_usd_at_risk: float | None  # blast_radius.max_usd_per_action
    cap_keys: tuple[str, ...]  # every side-effect cap key of its actions, in doc order
    counted: Mapping[str, tuple[str, ...]]  # tool identity -> caps the doc says count it
    explicit: bool  # the doc accounts for its caps, so a tool none counts is a fact
    by_stem: Mapping[str, tuple[str, ...]]  # word stem -> caps whose key has it

    @property
    def path(self) -> KeyPath:
        return ("agents", self.index)

    def coverage(self, tool: Tool) -> Coverage:
        """The caps that count ``tool``: declared, keyed by its name, or (a guess) alike."""
        if self.counted.get(tool.key):
            return Coverage(self.counted[tool.key])
        if self.explicit:
            return Coverage((), explicit=True)
        stems = names.meaningful_stems([tool.name, *tool.scopes])
        candidates = {k for stem in stems for k in self.by_stem.get(stem, ())}
        for cap in (k for k in self.cap_keys if k in candidates):
            guess = names.cap_matches_tool(cap, tool.name, tool.scopes)
            if guess is not None:
                return Coverage((cap,), guess=guess)
        return Coverage(())

    def reads_only(self) -> bool:
        """Every tool it lists declares `effect: read`, and it declares no writes: the doc
        says it changes nothing (a guessed effect never says so)."""
        return (
            bool(self.tools)
            and not self.writes
            and all(t.effect == names.READ and t.effect_guess is None for t in self.tools)
        )

    def write_evidence(self) -> tuple[Tool, ...]:
        """Tools that change resources (write, delete, pay, execute), declared or guessed."""
        return tuple(t for t in self.tools if t.effect in WRITING_EFFECTS)


def _tool(index: int, raw: dict[str, Any]) -> Tool:
    written = raw.get("name")
    name = ref(written).name if isinstance(written, str) and written.strip() else ""
    scopes = texts(raw.get("scopes"))
    declared_effect = raw.get("effect")
    effect: str | None = None
    guess: Guess | None = None
    if isinstance(declared_effect, str) and declared_effect in names.EFFECTS:
        effect = declared_effect
    else:
        guess = names.tool_effect(name, scopes) if name else None
        effect = guess.value if guess is not None else None
    return Tool(
        index=index,
        name=name,
        key=key(name) or "",
        scopes=scopes,
        effect=effect,
        effect_guess=guess,
        counts_against=tuple(k for k in map(key, texts(raw.get("counts_against"))) if k),
        open_ended=flag(raw.get("open_ended")),
    )


def _action(index: int, raw: dict[str, Any]) -> Action:
    ceiling = mapping(raw.get("side_effect_ceiling"))
    caps = {
        scope: {str(k): number(v) for k, v in mapping(ceiling.get(scope)).items()}
        for scope in SCOPES
    }
    covers = {
        str(k): tuple(t for t in map(key, texts(v)) if t)
        for k, v in mapping(ceiling.get("covers")).items()
    }
    impact, cost = raw.get("impact"), mapping(raw.get("cost_ceiling"))
    return Action(
        index=index,
        name=str(raw.get("name", "an unnamed action")),
        impact=tuple(str(i) for i in impact) if isinstance(impact, list) else None,
        max_usd_moved=number(raw.get("max_usd_moved")),
        compute_usd=number(cost.get("per_action_usd")),
        max_tool_calls=whole(cost.get("max_tool_calls")),
        caps=caps,
        covers=covers,
        cost_caps={field: number(cost[field]) for field in COST_CAPS if field in cost},
        approval=approval(raw.get("approval")),
    )


def _counted(
    tools: list[Tool], actions: list[Action], keys: tuple[str, ...]
) -> tuple[dict[str, tuple[str, ...]], bool]:
    """Which caps count which tool, by the doc's word (`counts_against`, `covers`, a key that
    is the tool's own name or scope), and whether the doc accounts for every cap that way."""
    known = {key(k) or k: k for k in keys}  # identity -> the cap key as written
    order = {k: i for i, k in enumerate(keys)}
    counted: dict[str, list[str]] = {}
    owners: set[str] = set()
    for tool in tools:
        named = {key(k) for k in names.own_keys(tool.name, tool.scopes)}
        own = sorted((known[k] for k in named if k in known), key=order.__getitem__)
        owners.update(own)
        counted.setdefault(tool.key, []).extend(
            [known[k] for k in tool.counts_against if k in known] + own
        )
    for action in actions:
        for cap, covered in action.covers.items():
            for tool_key in covered if cap in keys else ():
                counted.setdefault(tool_key, []).append(cap)
    declares = any(t.counts_against for t in tools) or any(a.covers for a in actions)
    explicit = declares or all(k in owners for k in keys)
    return {n: tuple(dict.fromkeys(k)) for n, k in counted.items()}, explicit


def _writes(index: int, raw: Any) -> tuple[Write, ...]:
    found = []
    for position, write in enumerate(listed(raw)):
        resource, lock = mapping(write).get("resource"), mapping(write).get("lock")
        if declared(resource):
            path = ("agents", index, "writes", position)
            named = ref(lock) if declared(lock) else None
            found.append(Write(position, ref(resource), named, path))
    return tuple(found)


def _users(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if declared(value) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def agent(index: int, raw: dict[str, Any]) -> Agent:
    """One agent's model (any shape: what isn't the expected type is left out)."""
    tools = [_tool(i, t) for i, t in enumerate(listed(raw.get("tools"))) if isinstance(t, dict)]
    actions = [
        _action(i, a) for i, a in enumerate(listed(raw.get("actions"))) if isinstance(a, dict)
    ]
    caps = tuple(dict.fromkeys(k for a in actions for scope in SCOPES for k in a.caps[scope]))
    counted, explicit = _counted(tools, actions, caps)
    by_stem: dict[str, list[str]] = {}
    for cap in caps:
        for stem in names.meaningful_stems([cap]):
            by_stem.setdefault(stem, []).append(cap)
    stated = mapping(raw.get("blast_radius"))
    stated_id = raw.get("id")
    name = str(stated_id) if stated_id is not None else "an unnamed agent"
    return Agent(
        index=index,
        id=name,
        key=(key(name) or "") if stated_id is not None else "",
        vendor=_text(raw.get("vendor")),
        objective=_text(raw.get("objective")),
        yields=_text(raw.get("yields_write_authority")),
        tools=tuple(tools),
        actions=tuple(actions),
        writes=_writes(index, raw.get("writes")),
        writes_declared=isinstance(raw.get("writes"), list),
        reaches=refs(stated.get("resources")),
        spawns=spawns(raw.get("spawns")),
        users=_users(stated.get("users_affected")),
        max_usd_at_risk=number(stated.get("max_usd_per_action")),
        cap_keys=caps,
        counted=counted,
        explicit=explicit,
        by_stem={stem: tuple(found) for stem, found in by_stem.items()},
    )
