"""The doc-wide part of a doc's authority as entries (see :mod:`.entries`): where it runs and
who owns it, locks and their holders, the kill switch, rollback, human queues, peer auth
and waivers."""

from __future__ import annotations

from collections.abc import Mapping

from deploylint.authority.entries import Entries, Scope
from deploylint.model.doc_controls import PEER_AUTH


def doc_entries(found: Entries, label: str, agents: str, waivers: Mapping[int, str]) -> None:
    """The doc itself (``label``: its name; ``agents``: who it authorizes) and its controls
    (``waivers``: each waiver's slot, by its position: the same for one that moved)."""
    doc = Scope(found, "", None, ()).add("doc", True, data=label, name=label, detail=agents)
    meta = found.model.metadata
    doc.named("environment", meta.environment, at=("metadata", "environment"))
    doc.named("owner", meta.owner, at=("metadata", "owner"))
    for part in (_locks, _kill_switch, _rollback, _queues, _peer_auth):
        part(doc)
    _waivers(doc, waivers)


def _locks(doc: Scope) -> None:
    for lock in doc.found.model.locks:
        named = lock.key or lock.resource
        mine = doc.add("lock", named.key, data=named.text, name=named.name, item=(named.key,),
                       detail=lock.resource.name, at=lock.path)  # fmt: skip
        mine.named("lock_holder", lock.holder, detail=named.name, at=("lock_holder",))
        mine.named("lock_mechanism", lock.mechanism, detail=named.name, at=("mechanism",))


def _kill_switch(doc: Scope) -> None:
    switch = doc.found.model.kill_switch
    if not switch.declared:
        return
    mine = doc.add("kill_switch", True, at=("kill_switch",))
    mine.named("kill_switch_mechanism", switch.mechanism, name="kill switch mechanism",
               at=("mechanism",))  # fmt: skip
    for trigger, text in switch.triggers.items():
        mine.named("kill_switch_trigger", text, name=trigger, item=(trigger,),
                   at=("triggers", trigger))  # fmt: skip
    mine.maybe("halts_in_flight", switch.halts_in_flight, at=("halts_in_flight",))
    mine.maybe("credential_revocation", switch.revokes_credentials, at=("revokes_credentials",))
    mine.maybe("kill_switch_test", switch.newest_production_test, at=("tests",))


def _rollback(doc: Scope) -> None:
    rollback = doc.found.model.rollback
    if not rollback.declared:
        return
    mine = doc.add("rollback", True, at=("rollback",))
    mine.named("rollback_route", rollback.path, name="rollback route", at=("rollback_path",))
    mine.named("rollback_unit", rollback.unit, name="rollback unit", at=("unit",))
    mine.maybe("rollback_allowed", rollback.allowed, at=("rollback_allowed",))
    mine.named("rollback_flag", rollback.flag, name="rollback feature flag",
               at=("feature_flag",))  # fmt: skip
    mine.named("rollback_key_holder", rollback.key_holder, who=True, name="rollback key holder",
               at=("rollback_key_holder",))  # fmt: skip
    mine.named("override_queue", rollback.override_queue, who=True, name="human override queue",
               at=("human_override_queue",))  # fmt: skip


def _queues(doc: Scope) -> None:
    for queue in doc.found.model.queues:
        name = queue.name
        mine = doc.add("queue", name.key, data=name.text, name=name.name, item=(name.key,),
                       at=("humans", "queues"))  # fmt: skip
        mine.named("queue_rotation", queue.rotation, name=name.name)


def _peer_auth(doc: Scope) -> None:
    peers = doc.found.model.peer_auth
    for field in PEER_AUTH:
        doc.named(f"peer_{field}", peers.chosen.get(field), name=f"peer {field}",
                  at=("peer_auth", field))  # fmt: skip
    doc.maybe("peer_authentication", peers.authenticates_peers,
              at=("peer_auth", "authenticates_peers"))  # fmt: skip


def _waivers(doc: Scope, slots: Mapping[int, str]) -> None:
    for waiver in doc.found.model.waivers:
        label = f"{waiver.rule} at {waiver.path}" if waiver.path else waiver.rule
        item = (slots.get(waiver.position, f"?{waiver.position}"),)
        mine = doc.add("waiver", True, data=label, name=label, item=item,
                       at=("waivers", waiver.position),
                       detail=f"until {waiver.expires_text or 'no expiry'}")  # fmt: skip
        mine.maybe("waiver_scope", waiver.path, detail=waiver.rule, at=("path",))
        if waiver.expires_text is not None:
            mine.add("waiver_expiry", waiver.expires or waiver.expires_text, name=label,
                     measure=waiver.expires, data=waiver.expires_text, at=("expires",))  # fmt: skip
        mine.named("waiver_approver", waiver.approved_by, who=True, name=label,
                   at=("approved_by",))  # fmt: skip
