"""A doc's authority as entries to compare: one per tool, scope, cap, approval, write, lock,
key holder, kill-switch and rollback fact, queue and waiver, each keyed by identities (a
note after a name is the same name) and read only from the doc model.

An entry belongs to a parent (a scope to its tool, a cap to its action, an action to its
agent): when the parent is added or removed, that one change says it all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploylint.load.keypath import KeyPath
from deploylint.model.doc_agents import SCOPES, Action, Agent, Tool
from deploylint.model.doc_model import DocModel
from deploylint.model.identity import Ref, normalized

EntryKey = tuple[str, str, tuple[str, ...]]  # kind, owner (an agent's slot, "" the doc), item
Scalar = str | int | float | bool | None
DOC: EntryKey = ("doc", "", ())
_SCOPE_WORDS = {"per_action": "per action", "per_hour": "per hour", "per_day": "per day"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One fact of a doc's authority: ``value`` decides whether it changed, ``measure`` is
    what its kind's rule compares, ``data`` and ``shown`` are what people see."""

    key: EntryKey
    value: Any
    measure: Any
    data: Scalar
    shown: str
    path: KeyPath
    parent: EntryKey | None = None
    name: str = ""  # the item as written
    detail: str = ""  # where it is, for the summary (an action, a tool, a scope)


def scalar(value: Any) -> Scalar:
    """A value for JSON: whole numbers as integers, dates as text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def shown(value: Any, nothing: str = "none") -> str:
    found = scalar(value)
    if found is None:
        return nothing
    return str(found).lower() if isinstance(found, bool) else str(found)


@dataclass
class Entries:
    """The entries of one doc, in doc order, each key once (a repeated name gets `#2`)."""

    model: DocModel
    found: dict[EntryKey, Entry] = field(default_factory=dict)

    def add(self, key: EntryKey, value: Any, **rest: Any) -> EntryKey:
        kind, owner, item = key
        for count in range(2, len(self.found) + 2):
            if key not in self.found:
                break
            key = (kind, owner, (*item, f"#{count}"))
        measure, data = rest.pop("measure", value), scalar(rest.pop("data", value))
        text = shown(data, rest.pop("nothing", "none"))
        self.found[key] = Entry(key, value, measure, data, text, **rest)
        return key

    def who(self, name: Ref) -> str:
        """A holder, approver or queue by who it is: an agent of this doc, or people."""
        return "agent" if self.model.is_agent(name) else "human"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where entries go: whose they are (an agent's slot, "" the doc's), the entry they
    belong to, the place in the doc, and the identity their items start with."""

    found: Entries
    owner: str
    parent: EntryKey | None
    at: KeyPath
    item: tuple[str, ...] = ()

    def add(self, kind: str, value: Any, *, at: KeyPath = (), item: tuple[str, ...] = (),
            **rest: Any) -> Scope:  # fmt: skip
        """An entry below this scope; the scope of what belongs to it."""
        path, items = (*self.at, *at), (*self.item, *item)
        key = self.found.add((kind, self.owner, items), value, path=path, parent=self.parent,
                             **rest)  # fmt: skip
        return Scope(self.found, self.owner, key, path, items)

    def maybe(self, kind: str, value: Any, **rest: Any) -> None:
        """An entry, when the doc declares its value."""
        if value is not None:
            self.add(kind, value, **rest)

    def named(self, kind: str, text: Ref | str | None, *, who: bool = False, **rest: Any) -> None:
        """A name, compared by its identity (a note after it is no change), or a holder,
        approver or queue, classed by who it is (``who``)."""
        if isinstance(text, str):
            self.add(kind, normalized(text), data=text, **rest)
        elif text is not None:
            measure = self.found.who(text) if who else text.key
            self.add(kind, text.key, measure=measure, data=text.text, **rest)


def tools_listed(agent: Agent) -> str:
    listed = [f"{t.name} ({t.effect or 'effect unknown'})" for t in agent.tools if t.name]
    more = f" and {len(listed) - 6} more" if len(listed) > 6 else ""
    return ("tools: " + ", ".join(listed[:6]) + more) if listed else "no tools"


def agent_entries(found: Entries, agent: Agent, owner: str) -> None:
    """Everything one agent may do, under ``owner`` (its slot: the same for a renamed agent)."""
    me = Scope(found, owner, None, agent.path)
    me = me.add("agent", owner, data=agent.id, detail=tools_listed(agent))
    for tool in agent.tools:
        if tool.key:
            _tool(me, tool)
    for action in agent.actions:
        _action(me, action)
    me.maybe("money_at_risk", agent.max_usd_at_risk, at=("blast_radius", "max_usd_per_action"))
    _spawns(me, agent)
    for write in agent.writes:
        at, resource = ("writes", write.index), write.resource
        mine = me.add("write", resource.key, data=resource.text, name=resource.name, at=at,
                      item=(resource.key,))  # fmt: skip
        mine.named("write_lock", write.lock, at=("lock",), detail=resource.name)
    for reached in agent.reaches:
        me.add("reach", reached.key, data=reached.text, name=reached.name, item=(reached.key,),
               at=("blast_radius", "resources"))  # fmt: skip


def _tool(agent: Scope, tool: Tool) -> None:
    mine = agent.add("tool", tool.key, data=tool.name, name=tool.name, item=(tool.key,),
                     detail=tool.effect or "effect unknown", at=("tools", tool.index))  # fmt: skip
    mine.maybe("tool_effect", tool.effect, name=tool.name, at=("effect",))
    for scope in tool.scopes:
        mine.named("tool_scope", scope, name=scope, detail=tool.name, at=("scopes",),
                   item=(normalized(scope),))  # fmt: skip
    mine.maybe("open_ended", tool.open_ended, name=tool.name, at=("open_ended",))


def _action(agent: Scope, action: Action) -> None:
    name = normalized(action.name)
    mine = agent.add("action", name, data=action.name, name=action.name, item=(name,),
                     at=("actions", action.index))  # fmt: skip
    for scope in SCOPES:
        for cap, limit in action.caps[scope].items():
            mine.add("side_effect_cap", limit, nothing="no limit", name=cap,
                     detail=f"{_SCOPE_WORDS[scope]} ({action.name})", item=(scope, normalized(cap)),
                     at=("side_effect_ceiling", scope, cap))  # fmt: skip
    for cap, limit in action.cost_caps.items():
        mine.add("cost_cap", limit, nothing="no limit", name=cap, detail=f"({action.name})",
                 item=(cap,), at=("cost_ceiling", cap))  # fmt: skip
    mine.maybe("money_moved", action.max_usd_moved, detail=action.name, at=("max_usd_moved",))
    approval = action.approval
    if approval is not None:
        asked = mine.add("approval", True, detail=action.name, at=("approval",))
        thresholds = (("USD", approval.above_usd, "required_above_usd"),
                      ("runs", approval.above_count, "required_above_count"))  # fmt: skip
        for unit, threshold, field_ in thresholds:
            asked.maybe("approval_threshold", threshold, name=unit, detail=action.name,
                        item=(unit,), at=(field_,))  # fmt: skip
        asked.maybe("approval_skippable", approval.skippable, detail=action.name,
                    at=("skippable_by_fallback",))  # fmt: skip
        asked.named("approver_queue", approval.queue, who=True, at=("approver_queue",),
                    name=f"{action.name}: approver queue")  # fmt: skip


def _spawns(agent: Scope, model: Agent) -> None:
    spawns = model.spawns
    if spawns is None:
        return
    for limit, value in spawns.limits.items():
        agent.add("spawn_limit", value, nothing="no limit", name=limit, item=(limit,),
                  detail=f"({model.id}'s children)", at=("spawns", limit))  # fmt: skip
    for tool in spawns.tools:
        agent.add("spawn_tool", tool.key, data=tool.text, name=tool.name, item=(tool.key,),
                  at=("spawns", "tools"))  # fmt: skip
    agent.maybe("spawn_credentials", spawns.inherits_credentials,
                at=("spawns", "inherits_credentials"))  # fmt: skip
