"""The controls a doc puts on its agents, interpreted once: an action's approval and an
agent's spawn limits (read by :mod:`deploylint.model.doc_agents`), and the doc-wide ones:
who owns the doc and where it runs, the kill switch, peer authentication and the waivers
(read by :mod:`deploylint.model.doc_model`).

Part of the doc model: names are :class:`~deploylint.model.identity.Ref` s, dates are
dates, and a value of the wrong type is left out (the schema reports it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final, NamedTuple

from deploylint.model.doc_values import flag, listed, mapping, number, refs
from deploylint.model.identity import Ref, declared, ref

SPAWN_LIMITS: Final = ("max_children", "max_depth")
TRIGGERS: Final = ("automatic", "manual")
PEER_AUTH: Final = ("identity", "authorization", "discovery")  # its vocabularies
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


# NamedTuples, not dataclasses: every `check` imports the model, and a NamedTuple costs a
# tenth of a frozen dataclass to create at import.
class Approval(NamedTuple):
    """An action's human approval (`actions[].approval`), as declared."""

    above_usd: float | None  # required_above_usd
    above_count: float | None  # required_above_count
    queue: Ref | None  # approver_queue
    skippable: bool | None  # skippable_by_fallback


class Spawns(NamedTuple):
    """What an agent may start (`agents[].spawns`): its limits (None: not a number, no limit),
    the tools its children get, and whether they inherit its credentials."""

    limits: Mapping[str, float | None]  # declared SPAWN_LIMITS
    tools: tuple[Ref, ...]
    inherits_credentials: bool | None


class Metadata(NamedTuple):
    """Whose doc it is and where its agents run."""

    name: str | None
    owner: Ref | None
    environment: str | None


class KillSwitch(NamedTuple):
    """The kill switch, with the newest test run in production."""

    declared: bool
    mechanism: Ref | None
    triggers: Mapping[str, str]  # automatic / manual -> as written, when declared
    halts_in_flight: bool | None
    revokes_credentials: bool | None
    newest_production_test: date | None


class PeerAuth(NamedTuple):
    """How agents authenticate and find each other (each vocabulary's value, when given)."""

    declared: bool
    authenticates_peers: bool | None
    chosen: Mapping[str, str]  # PEER_AUTH field -> value


class Waiver(NamedTuple):
    """An accepted gap: the rule, where, who approved it, until when."""

    position: int  # in `waivers:`
    rule: str
    path: str | None
    approved_by: Ref | None
    expires: date | None
    expires_text: str | None  # as written (a date that doesn't parse is still a change)


NO_KILL_SWITCH: Final = KillSwitch(False, None, {}, None, None, None)
NO_PEER_AUTH: Final = PeerAuth(False, None, {})
NO_METADATA: Final = Metadata(None, None, None)


def iso_date(value: Any) -> date | None:
    """A YYYY-MM-DD date from the doc, else None."""
    text = str(value) if isinstance(value, str | date) else ""
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return value if declared(value) else None


def metadata(raw: Any) -> Metadata:
    found = mapping(raw)
    owner = found.get("owner")
    return Metadata(
        name=_text(found.get("name")),
        owner=ref(owner) if declared(owner) else None,
        environment=_text(found.get("environment")),
    )


def kill_switch(raw: Any) -> KillSwitch:
    if not isinstance(raw, dict):
        return NO_KILL_SWITCH
    mechanism, triggers = raw.get("mechanism"), mapping(raw.get("triggers"))
    tests = [mapping(t) for t in listed(raw.get("tests"))]
    dates = [iso_date(t.get("date")) for t in tests if t.get("environment") == "production"]
    return KillSwitch(
        declared=True,
        mechanism=ref(mechanism) if declared(mechanism) else None,
        triggers={k: triggers[k] for k in TRIGGERS if declared(triggers.get(k))},
        halts_in_flight=flag(raw.get("halts_in_flight")),
        revokes_credentials=flag(raw.get("revokes_credentials")),
        newest_production_test=max((d for d in dates if d is not None), default=None),
    )


def peer_auth(raw: Any) -> PeerAuth:
    if not isinstance(raw, dict):
        return NO_PEER_AUTH
    chosen = {k: raw[k] for k in PEER_AUTH if isinstance(raw.get(k), str) and raw[k].strip()}
    return PeerAuth(True, flag(raw.get("authenticates_peers")), chosen)


def waivers(raw: Any) -> tuple[Waiver, ...]:
    found = []
    for index, waiver in enumerate(listed(raw)):
        rule, approver = mapping(waiver).get("rule"), mapping(waiver).get("approved_by")
        if isinstance(rule, str) and rule.strip():
            expires = waiver.get("expires")
            found.append(
                Waiver(
                    position=index,
                    rule=rule.strip(),
                    path=_text(waiver.get("path")),
                    approved_by=ref(approver) if declared(approver) else None,
                    expires=iso_date(expires),
                    expires_text=str(expires) if expires is not None else None,
                )
            )
    return tuple(found)


def approval(raw: Any) -> Approval | None:
    if not isinstance(raw, dict):
        return None
    queue = raw.get("approver_queue")
    return Approval(
        above_usd=number(raw.get("required_above_usd")),
        above_count=number(raw.get("required_above_count")),
        queue=ref(queue) if declared(queue) else None,
        skippable=flag(raw.get("skippable_by_fallback")),
    )


def spawns(raw: Any) -> Spawns | None:
    if not isinstance(raw, dict):
        return None
    return Spawns(
        limits={field: number(raw[field]) for field in SPAWN_LIMITS if field in raw},
        tools=refs(raw.get("tools")),
        inherits_credentials=flag(raw.get("inherits_credentials")),
    )
