"""PM005: high-impact actions wait for a human above a stated threshold.

What makes an action high-impact is the doc's data first: its `impact:`, the money it
moves (`max_usd_moved`), its agent's money at risk when the agent has one action, and the
tools it counts that the doc says pay, delete or send. Only where the doc says none of that
do cap names suggest it, and then the finding is a guess. Compute spend
(`cost_ceiling.per_action_usd`) is never money moved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from deploylint.load.keypath import KeyPath
from deploylint.model import names
from deploylint.model.doc_model import SCOPES, Action, Agent, number
from deploylint.model.names import Guess
from deploylint.rubric.checks.base import Check, CheckInput, Fact, mapping

COUNT_KINDS: Final = ("deletion", "bulk_messaging")
BULK: Final = ("bulk_messaging",)
_EFFECT_KIND: Final = {"pay": "money", "delete": "deletion", "send": "bulk_messaging"}


@dataclass(frozen=True, slots=True)
class Impact:
    """One kind of high impact an action has, why, and (when read off a name) the guess."""

    kind: str
    reason: str
    guess: Guess | None = None


def _money(agent: Agent, action: Action, floor: float) -> Impact | bool | None:
    """Money the action moves: an impact; False when the doc says it moves none; else None.

    The action's own `max_usd_moved` decides; then its agent's `blast_radius` figure, which
    is this action's when the agent has one action (several: see `_unguarded_agent`). A
    figure equal to one of the agent's cost ceilings may be compute spend written in the
    wrong field: an impact built on it is a guess.
    """
    if action.max_usd_moved is not None:
        if action.max_usd_moved <= floor:
            return False
        return Impact("money", f"moves up to {action.max_usd_moved:g} USD per run")
    if agent.max_usd_at_risk is None:
        return None
    if agent.max_usd_at_risk <= floor:
        return False
    if len(agent.actions) == 1:
        reason = f"{agent.id} puts {agent.max_usd_at_risk:g} USD at risk per action"
        return Impact("money", reason, _maybe_compute(agent, action))
    return None


def _maybe_compute(agent: Agent, action: Action) -> Guess | None:
    """A guess, when the agent's money at risk equals a cost ceiling: it may be compute."""
    ceilings = {a.compute_usd for a in agent.actions if a.compute_usd is not None}
    if agent.max_usd_at_risk not in ceilings:
        return None
    return Guess(
        "money",
        f"reading {agent.id}'s max_usd_per_action ({agent.max_usd_at_risk:g} USD) as money "
        "moved, though it equals a cost ceiling (compute spend)",
        f"`max_usd_moved` on {action.name} (0 if it moves no money)",
    )


def _declared_effects(agent: Agent, action: Action, bulk: float) -> list[Impact]:
    """Tools the doc says pay, delete or send, counted by this action's caps (not a guess)."""
    found: dict[str, Impact] = {}
    for tool in agent.tools:
        kind = _EFFECT_KIND.get(tool.effect or "")
        coverage = agent.coverage(tool)
        if kind is None or tool.effect_guess is not None or coverage.guess is not None:
            continue
        for key in coverage.caps:
            per_action = action.caps["per_action"].get(key)
            here = any(key in action.caps[scope] for scope in SCOPES)
            if not here or (kind == "bulk_messaging" and (per_action or 0) <= bulk):
                continue
            verb = {"money": "pays", "deletion": "deletes", "bulk_messaging": "sends"}[kind]
            found.setdefault(kind, Impact(kind, f"{tool.name} {verb} (counted by {key})"))
    return list(found.values())


def _named_impacts(action: Action, bulk: float) -> list[Impact]:
    """What the action's cap names suggest: money, deletion, messages to many. Guesses."""
    found: dict[str, Impact] = {}
    for scope, caps in action.caps.items():
        for key, cap in caps.items():
            guess = names.effect_kind(key)
            if guess is None:
                continue
            kind = {"money": "money", "deletion": "deletion"}.get(guess.value)
            if guess.value == "messaging":
                if scope != "per_action" or cap is None or cap <= bulk:
                    continue
                kind = "bulk_messaging"
                guess = Guess(kind, f"{guess.basis}, capped at {cap:g} per action", guess.settle)
            if kind is not None and kind not in found:
                found[kind] = Impact(kind, f"side effect {key} looks like {kind}", guess)
    return list(found.values())


def _few_per_run(action: Action, bulk: float) -> Guess | None:
    """A guess, when an action declared `bulk_messaging` caps every effect per run at or
    under the bulk threshold: its caps say one run can't message many people, so that it
    needs an approval rests on reading the impact as per run, not across runs."""
    per_action = [cap for cap in action.caps["per_action"].values() if cap is not None]
    if not per_action or max(per_action) > bulk:
        return None
    return Guess(
        "bulk_messaging",
        f"reading impact bulk_messaging as many people per run, though {action.name}'s "
        f"per-action caps allow at most {max(per_action):g}",
        f"the impact of {action.name} (`external_messaging` for one person per run)",
    )


def impacts(agent: Agent, action: Action, params: Mapping[str, Any]) -> list[Impact]:
    """The high-impact kinds of an action: the doc's data first, names only where it is
    silent (and never for money it states either way)."""
    money = _money(agent, action, params["money_at_risk_usd"])
    bulk = params["bulk_messages_per_action"]
    if action.impact is not None:  # the doc's own list of impacts decides
        found = [
            Impact(k, f"impact declared as {k}", _few_per_run(action, bulk) if k in BULK else None)
            for k in dict.fromkeys(action.impact)
            if k in params["high_impact"] and not (k == "money" and money is False)
        ]
        if action.max_usd_moved is not None and isinstance(money, Impact):
            found += [money] if all(i.kind != "money" for i in found) else []
        return found
    found = [money] if isinstance(money, Impact) else []
    for impact in _declared_effects(agent, action, bulk):
        if not (impact.kind == "money" and (money is False or found)):
            found.append(impact)
    known = {i.kind for i in found}
    for impact in _named_impacts(action, bulk):
        if impact.kind not in known and not (impact.kind == "money" and money is not None):
            found.append(impact)
    return found


def _unguarded_agent(agent: Agent, params: Mapping[str, Any]) -> bool:
    """An agent of several actions puts money at risk, and none of them has an approval."""
    floor = params["money_at_risk_usd"]
    if len(agent.actions) < 2 or (agent.max_usd_at_risk or 0) <= floor:
        return False
    return not any(action.has_approval for action in agent.actions)


def high_impact_approval(given: CheckInput) -> Iterator[Fact]:
    """A high-impact action has no human approval, no threshold, or one it never reaches."""
    if len(given.path) < 4 or not isinstance(given.path[1], int):
        return
    agent = given.doc_model.agent(given.path[1])
    action = next((a for a in agent.actions if a.index == given.path[3]), None) if agent else None
    if agent is None or action is None:
        return
    if _unguarded_agent(agent, given.params):
        if action.index == 0:  # once per agent, where its money is declared
            reason = (
                f"{agent.id} puts {agent.max_usd_at_risk:g} USD at risk per action, and none "
                f"of its {len(agent.actions)} actions waits for a human"
            )
            values = {"action_name": "none of its actions", "agent_id": agent.id,
                      "kinds": ["money"], "reasons": [reason], "problem": "missing"}  # fmt: skip
            where = (*given.path[:2], "blast_radius", "max_usd_per_action")
            yield Fact(where, missing=True, values=values, guess=_maybe_compute(agent, action))
        return
    found = impacts(agent, action, given.params)
    if found:
        yield from _approval_facts(given, agent, action, found)


def _approval_facts(
    given: CheckInput, agent: Agent, action: Action, found: list[Impact]
) -> Iterator[Fact]:
    proven = [i for i in found if i.guess is None]
    shown = proven or found
    values: dict[str, Any] = {
        "action_name": action.name,
        "agent_id": agent.id,
        "kinds": [i.kind for i in shown],
        "reasons": [i.reason for i in shown],
    }
    where = (*given.path, "approval")
    approval = mapping(given.node).get("approval")
    if not isinstance(approval, dict):
        guess = None if proven else found[0].guess
        yield Fact(where, missing=True, values={**values, "problem": "missing"}, guess=guess)
    elif proven:
        yield from _thresholds(agent, action, approval, values, where)


def _thresholds(
    agent: Agent, action: Action, approval: dict[str, Any], values: dict[str, Any],
    where: KeyPath,
) -> Iterator[Fact]:  # fmt: skip
    """The approval states no threshold for what the doc declares, or one never reached."""
    usd, count = approval.get("required_above_usd"), approval.get("required_above_count")
    if (usd is not None and number(usd) is None) or (count is not None and number(count) is None):
        return  # a threshold of the wrong type is the schema's finding (DL007)
    kinds = values["kinds"]
    absent: list[str] = []
    guess = None
    if "money" in kinds and usd is None:
        absent = ["required_above_usd"]
        if count is not None and action.max_usd_moved is None:
            # A count approval is an approval; that it also needs a USD threshold rests on
            # reading the agent-wide figure as money this action moves.
            guess = Guess(
                "no_threshold",
                f"reading {agent.id}'s max_usd_per_action as money {action.name} moves, beside "
                "its approval by count",
                f"`max_usd_moved` on {action.name}",
            )
    elif usd is None and count is None:
        absent = ["required_above_count" if set(kinds) & set(COUNT_KINDS) else "required_above_usd"]
    if absent:
        values = {**values, "problem": "no_threshold", "thresholds": absent}
        yield Fact(where, values=values, guess=guess)
        return
    never = _never(agent, action, number(usd))
    if "money" in kinds and never is not None:
        values = {**values, "problem": "never", "threshold": f"{usd:g}"}
        top, guess = never
        yield Fact((*where, "required_above_usd"), values={**values, "at_risk": f"{top:g}"},
                   guess=guess)  # fmt: skip


def _never(agent: Agent, action: Action, usd: float | None) -> tuple[float, Guess | None] | None:
    """A USD threshold no run reaches: at or above the action's own `max_usd_moved`, which
    counts approved runs (a fact); or above its agent's money at risk, which the schema
    doesn't say counts them (a guess, equal to it: nothing at all)."""
    if usd is None:
        return None
    own, agents = action.max_usd_moved, agent.max_usd_at_risk
    if own is not None and usd >= own:
        return own, None
    if own is None and agents is not None and len(agent.actions) == 1 and usd > agents:
        guess = Guess(
            "never", f"reading {agent.id}'s max_usd_per_action as counting approved runs",
            f"`max_usd_moved` on {action.name} (the most one run moves, approvals included)",
        )  # fmt: skip
        return agents, guess
    return None


CHECKS: dict[str, Check] = {"high_impact_approval": high_impact_approval}
