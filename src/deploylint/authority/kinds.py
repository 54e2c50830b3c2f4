"""Every kind of change in authority `deploylint diff` reports, and its direction: the one
table. docs/diff.md is generated from it (``python -m deploylint.authority.kinds``).

*Widened* means an agent (or whoever holds a key, lock or approval) may now do something it
couldn't before, or more of it, or with less in the way: a new tool, a cap raised or
removed, an effect escalated, an approval removed or its threshold raised, a kill switch or
rollback route that no longer holds, a gap waived for longer. *Narrowed* is the reverse;
*neutral* changes the doc without changing what an agent may do.

Each kind says how it is classed when its thing is added, removed or changed (a
:class:`~deploylint.authority.rules.Rule`), and the summary people read, filled from the
entry (``{agent}``, ``{item}``, ``{detail}``, ``{before}``, ``{after}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from deploylint.authority.rules import NARROWED, NEUTRAL, WIDENED, Direction, Rule, words


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of change. ``added``/``removed`` is None when absence means a value
    (``absent``: a flag left out is off) and is compared as a change from or to it."""

    name: str
    area: str
    added: Direction | None
    removed: Direction | None
    changed: Rule
    field: str  # where in the doc, for the docs
    says: tuple[str, str, str]  # the summary when added, removed, changed
    why: str = ""
    absent: Any = None
    same_as: Callable[[Any], Any] | None = None  # values alike by this are no change


ANY = Rule("any")
CAP = Rule("higher", up=WIDENED)
WHO = Rule("ranked", up=WIDENED, ranks=(("human",), ("agent",)))  # a holder, by who it is
SAFETY = Rule("flag", up=NARROWED)  # on is the safe value: off widens
DANGER = Rule("flag", up=WIDENED)
_CAP_SAYS = (
    "{item} capped at {after} {detail}",
    "{item} cap removed {detail} (was {before})",
    "{item} cap {before} → {after} {detail}",
)
_HOLDER_SAYS = ("{item}: {after}", "{item} removed (was {before})", "{item}: {before} → {after}")


def _route(path: Any) -> Any:
    """A rollback path's route as RB008 reads it (a note after it is no change); the rubric
    is loaded only when two paths differ as written."""
    from deploylint.model.routes import classify
    from deploylint.rubric.load import load_default

    verdict = classify(str(path), load_default().rule("RB008").params)
    return verdict.route if verdict.route is not None else path


ALWAYS_WIDER: Final = Rule("any", up=WIDENED)
ENVIRONMENTS: Final = Rule(
    "ranked", up=WIDENED, ranks=(("sandbox", "test", "development"), ("staging",), ("production",))
)
EFFECTS: Final = Rule(
    "ranked",
    up=WIDENED,
    tie=WIDENED,
    verbs=("escalated", "lowered"),
    ranks=(("read",), ("write",), ("send",), ("pay", "delete", "execute")),
)
LOCKING: Final = Rule("ranked", up=WIDENED, ranks=(("lease", "mutex", "single_writer"), ("none",)))
NEWER_NARROWS: Final = Rule("higher", up=NARROWED, verbs=("newer", "older"))
ROLLBACK_UNITS: Final = Rule(
    "ranked",
    up=WIDENED,
    verbs=("coarser", "finer"),
    ranks=(("agent",), ("fleet",), ("service",), ("none",)),
)
PEER_IDENTITY: Final = Rule(
    "ranked",
    up=WIDENED,
    verbs=("weakened", "strengthened"),
    ranks=(("mtls", "spiffe", "signed_jwt"), ("shared_secret",), ("none",)),
)
PEER_AUTHORIZATION: Final = Rule(
    "ranked",
    up=WIDENED,
    ranks=(("per_peer_allowlist", "per_peer_policy"), ("shared_network",), ("none",)),
)
PEER_DISCOVERY: Final = Rule(
    "ranked", up=WIDENED, ranks=(("registry", "dns"), ("static_config",), ("shared_config",))
)
LATER_WIDENS: Final = Rule("higher", up=WIDENED, verbs=("extended", "shortened"))
BROADER_WIDENS: Final = Rule("scope", up=WIDENED)

# One kind a row: name, area, added, removed, changed; where in the doc; the summaries.
# fmt: off
_TABLE: Final = (
    # docs and agents
    Kind("doc", "docs", WIDENED, NARROWED, ANY,
         "a deploylint doc (a file, or one document of a multi-document file)",
         (
          "new doc {item} ({detail})",
          "doc {item} removed ({detail})",
          "",
         ),
         why="a new doc authorizes agents that had no authority"),
    Kind("doc_renamed", "docs", None, None, ANY,
         "the doc's file (git's rename detection) or `metadata.name`",
         (
          "",
          "",
          "doc renamed: {before} → {after}",
         ),
         why="the same doc under another name: nothing an agent may do changes"),
    Kind("doc_unreadable", "docs", WIDENED, WIDENED, ALWAYS_WIDER,
         "a doc that can't be read on one side (YAML, size, encoding)",
         (
          "{item} can't be read {detail}: review it by hand",
          "{item} can't be read {detail}: review it by hand",
          "{item} can't be read {detail}: review it by hand",
         ),
         why="what can't be read can't be shown not to widen"),
    Kind("environment", "docs", NEUTRAL, NEUTRAL, ENVIRONMENTS,
         "`metadata.environment`",
         (
          "environment: {after}",
          "environment removed (was {before})",
          "environment {before} → {after}",
         ),
         why="toward production, the same tools reach more"),
    Kind("owner", "docs", NEUTRAL, NEUTRAL, ANY,
         "`metadata.owner`",
         (
          "owner: {after}",
          "owner removed (was {before})",
          "owner {before} → {after}",
         )),
    Kind("agent", "agents", WIDENED, NARROWED, ANY,
         "`agents[]`, by its id's identity",
         (
          "new agent {agent} ({detail})",
          "agent {agent} removed ({detail})",
          "",
         )),
    Kind("agent_renamed", "agents", None, None, ANY,
         "an agent whose id changed while its tools did not",
         (
          "",
          "",
          "agent renamed: {before} → {after}",
         ),
         why="the same agent under another id (its authority is compared as one agent's)"),
    # tools
    Kind("tool", "tools", WIDENED, NARROWED, ANY,
         "`agents[].tools[]`, by the tool's identity",
         (
          "{agent} gets {item} ({detail})",
          "{agent} loses {item} ({detail})",
          "",
         )),
    Kind("tool_effect", "tools", NEUTRAL, NEUTRAL, EFFECTS,
         "`tools[].effect` (declared, or read off the name)",
         (
          "{item}: effect {after}",
          "{item}: effect no longer known (was {before})",
          "{item}: effect {before} → {after}",
         ),
         why="a move between pay, delete and execute gives the tool a power it didn't have; an "
             "effect first stated (or no longer stated) is neutral"),
    Kind("tool_scope", "tools", WIDENED, NARROWED, ANY,
         "`tools[].scopes[]`",
         (
          "{detail} gains scope {item}",
          "{detail} loses scope {item}",
          "",
         )),
    Kind("open_ended", "tools", None, None, DANGER,
         "`tools[].open_ended` (left out: false)",
         (
          "",
          "",
          "{item}: open_ended {before} → {after}",
         ),
         why="an open-ended tool takes any command or URL",
         absent=False),
    Kind("spawn_tool", "tools", WIDENED, NARROWED, ANY,
         "`spawns.tools[]`",
         (
          "{agent}'s children get {item}",
          "{agent}'s children lose {item}",
          "",
         )),
    Kind("spawn_credentials", "tools", None, None, DANGER,
         "`spawns.inherits_credentials` (left out: false)",
         (
          "",
          "",
          "{agent}'s children inherit its credentials: {before} → {after}",
         ),
         absent=False),
    # caps
    Kind("action", "caps", WIDENED, NARROWED, ANY,
         "`agents[].actions[]`, by the action's name",
         (
          "{agent} gets action {item}",
          "{agent} loses action {item}",
          "",
         ),
         why="a new action brings its own caps: they are not counted as narrowing"),
    Kind("side_effect_cap", "caps", NARROWED, WIDENED, CAP,
         "`side_effect_ceiling.per_action` / `per_hour` / `per_day`",
         _CAP_SAYS,
         why="a cap that isn't a number limits nothing"),
    Kind("cost_cap", "caps", NARROWED, WIDENED, CAP,
         "`cost_ceiling.per_action_usd` / `max_turns` / `max_tool_calls` / `max_tokens`",
         _CAP_SAYS),
    Kind("money_moved", "caps", NARROWED, WIDENED, CAP,
         "`actions[].max_usd_moved`",
         (
          "{detail} moves at most {after} USD a run",
          "{detail}: max_usd_moved removed (was {before})",
          "{detail} may move {before} → {after} USD a run",
         )),
    Kind("money_at_risk", "caps", NARROWED, WIDENED, CAP,
         "`blast_radius.max_usd_per_action`",
         (
          "{agent} puts at most {after} USD at risk per action",
          "{agent}: max_usd_per_action removed (was {before})",
          "{agent}: USD at risk per action {before} → {after}",
         )),
    Kind("spawn_limit", "caps", NARROWED, WIDENED, CAP,
         "`spawns.max_children` / `max_depth`",
         _CAP_SAYS),
    # approvals
    Kind("approval", "approvals", NARROWED, WIDENED, ANY,
         "`actions[].approval`",
         (
          "{detail} needs approval",
          "{detail} no longer needs approval",
          "",
         )),
    Kind("approval_threshold", "approvals", None, None, CAP,
         "`approval.required_above_usd` / `required_above_count` (left out: 0, every run)",
         (
          "",
          "",
          "{detail}: approval above {before} → {after} {item}",
         ),
         why="a higher threshold lets more runs through without a person",
         absent=0.0),
    Kind("approval_skippable", "approvals", None, None, DANGER,
         "`approval.skippable_by_fallback` (left out: false)",
         (
          "",
          "",
          "{detail}: approval skippable by the fallback {before} → {after}",
         ),
         absent=False),
    Kind("approver_queue", "approvals", NARROWED, WIDENED, WHO,
         "`approval.approver_queue`",
         _HOLDER_SAYS,
         why="to an agent of the doc: widened; to another human queue: neutral"),
    # writes and locks
    Kind("write", "writes", WIDENED, NARROWED, ANY,
         "`agents[].writes[]`, by the resource's identity",
         (
          "{agent} writes {item}",
          "{agent} no longer writes {item}",
          "",
         )),
    Kind("write_lock", "writes", NARROWED, WIDENED, ANY,
         "`writes[].lock`",
         (
          "{detail}: written under lock {after}",
          "{detail}: written without a lock (was {before})",
          "{detail}: lock {before} → {after}",
         )),
    Kind("reach", "writes", WIDENED, NARROWED, ANY,
         "`blast_radius.resources[]`",
         (
          "{agent} reaches {item}",
          "{agent} no longer reaches {item}",
          "",
         )),
    Kind("lock", "writes", NARROWED, WIDENED, ANY,
         "`write_authority.locks[]`, by its key (else its resource)",
         (
          "lock {item} on {detail}",
          "lock {item} dropped ({detail})",
          "",
         )),
    Kind("lock_holder", "writes", NARROWED, WIDENED, ALWAYS_WIDER,
         "`locks[].lock_holder`",
         (
          "lock {detail} held by {after}",
          "lock {detail}: holder removed (was {before})",
          "lock {detail} holder {before} → {after}",
         ),
         why="another party now holds write authority over the resource"),
    Kind("lock_mechanism", "writes", NARROWED, WIDENED, LOCKING,
         "`locks[].mechanism`",
         (
          "lock {detail}: {after}",
          "lock {detail}: mechanism removed (was {before})",
          "lock {detail}: {before} → {after}",
         )),
    # kill switch
    Kind("kill_switch", "kill_switch", NARROWED, WIDENED, ANY,
         "`kill_switch`",
         (
          "kill switch declared",
          "kill switch removed",
          "",
         )),
    Kind("kill_switch_mechanism", "kill_switch", NARROWED, WIDENED, ANY,
         "`kill_switch.mechanism`",
         _HOLDER_SAYS,
         why="another mechanism is one no drill has fired yet: reviewed, not counted"),
    Kind("kill_switch_trigger", "kill_switch", NARROWED, WIDENED, ANY,
         "`kill_switch.triggers.automatic` / `manual`",
         (
          "{item} trigger: {after}",
          "{item} trigger removed (was {before})",
          "{item} trigger {before} → {after}",
         )),
    Kind("halts_in_flight", "kill_switch", None, None, SAFETY,
         "`kill_switch.halts_in_flight` (left out: false)",
         (
          "",
          "",
          "kill switch halts work in flight: {before} → {after}",
         ),
         absent=False),
    Kind("credential_revocation", "kill_switch", None, None, SAFETY,
         "`kill_switch.revokes_credentials` (left out: false)",
         (
          "",
          "",
          "kill switch revokes credentials: {before} → {after}",
         ),
         absent=False),
    Kind("kill_switch_test", "kill_switch", NARROWED, WIDENED, NEWER_NARROWS,
         "the newest `kill_switch.tests[]` in production",
         (
          "kill switch tested in production on {after}",
          "no production test of the kill switch left (was {before})",
          "newest production test {before} → {after}",
         )),
    # rollback
    Kind("rollback", "rollback", NARROWED, WIDENED, ANY,
         "`rollback`",
         (
          "rollback declared",
          "rollback removed",
          "",
         )),
    Kind("rollback_route", "rollback", NARROWED, WIDENED, ANY,
         "`rollback.rollback_path`, the route as RB008 reads it",
         _HOLDER_SAYS,
         why="another route is reviewed, not counted",
         same_as=_route),
    Kind("rollback_unit", "rollback", NARROWED, WIDENED, ROLLBACK_UNITS,
         "`rollback.unit`",
         _HOLDER_SAYS,
         why="a coarser unit undoes more than the agent's work, or nothing"),
    Kind("rollback_allowed", "rollback", None, None, SAFETY,
         "`rollback.rollback_allowed` (left out: false)",
         (
          "",
          "",
          "rollback allowed: {before} → {after}",
         ),
         absent=False),
    Kind("rollback_flag", "rollback", NARROWED, WIDENED, ANY,
         "`rollback.feature_flag`",
         _HOLDER_SAYS),
    Kind("rollback_key_holder", "rollback", NARROWED, WIDENED, WHO,
         "`rollback.rollback_key_holder`",
         _HOLDER_SAYS,
         why="to an agent of the doc: widened (it holds the key to its own undo); to another "
             "human queue: neutral"),
    Kind("override_queue", "rollback", NARROWED, WIDENED, WHO,
         "`rollback.human_override_queue`",
         _HOLDER_SAYS,
         why="as the rollback key holder"),
    # humans
    Kind("queue", "humans", NEUTRAL, WIDENED, ANY,
         "`humans.queues[]`, by the queue's identity",
         (
          "human queue {item}",
          "human queue {item} removed",
          "",
         ),
         why="a queue alone narrows nothing until an approval or a key names it"),
    Kind("queue_rotation", "humans", NARROWED, WIDENED, ANY,
         "`humans.queues[].rotation`",
         (
          "{item} rotation: {after}",
          "{item}: rotation removed (was {before})",
          "{item} rotation {before} → {after}",
         )),
    # peer auth
    Kind("peer_identity", "peer_auth", NARROWED, WIDENED, PEER_IDENTITY,
         "`peer_auth.identity`",
         _HOLDER_SAYS),
    Kind("peer_authorization", "peer_auth", NARROWED, WIDENED, PEER_AUTHORIZATION,
         "`peer_auth.authorization`",
         _HOLDER_SAYS),
    Kind("peer_discovery", "peer_auth", NARROWED, WIDENED, PEER_DISCOVERY,
         "`peer_auth.discovery`",
         _HOLDER_SAYS),
    Kind("peer_authentication", "peer_auth", None, None, SAFETY,
         "`peer_auth.authenticates_peers` (left out: false)",
         (
          "",
          "",
          "peers authenticated: {before} → {after}",
         ),
         absent=False),
    # waivers
    Kind("waiver", "waivers", WIDENED, NARROWED, ANY,
         "`waivers[]`, by rule and path, then by rule alone",
         (
          "waiver of {item} ({detail})",
          "waiver of {item} removed",
          "",
         ),
         why="a waiver accepts a gap: the gate no longer holds it"),
    Kind("waiver_scope", "waivers", None, None, BROADER_WIDENS,
         "`waivers[].path` (left out: `$`, the whole doc)",
         (
          "",
          "",
          "waiver of {detail} covers {before} → {after}",
         ),
         why="a waiver moved to a path that holds its old one accepts the gap in more places",
         absent="$"),
    Kind("waiver_expiry", "waivers", NARROWED, WIDENED, LATER_WIDENS,
         "`waivers[].expires`",
         (
          "waiver of {item} expires {after}",
          "waiver of {item}: expiry removed (was {before})",
          "waiver of {item} expires {before} → {after}",
         ),
         why="an expiry that isn't a date never ends"),
    Kind("waiver_approver", "waivers", NARROWED, WIDENED, WHO,
         "`waivers[].approved_by`",
         (
          "waiver of {item} approved by {after}",
          "waiver of {item}: approver removed (was {before})",
          "waiver of {item} approver {before} → {after}",
         ),
         why="an agent approving its own waiver: widened"),
)
# fmt: on
KINDS: Final[Mapping[str, Kind]] = {kind.name: kind for kind in _TABLE}
AREAS: Final = tuple(dict.fromkeys(kind.area for kind in _TABLE))


def _cell(direction: Direction | None, kind: Kind, way: str) -> str:
    if direction is not None:
        return direction.value
    return "—" if kind.absent is None else f"as a change {way} `{str(kind.absent).lower()}`"


_PREAMBLE: Final = """\
# What `deploylint diff` reports, and which way

Generated from `src/deploylint/authority/kinds.py` (`python -m deploylint.authority.kinds >
docs/diff.md`): this table is the one the code classes changes by.

**Widened** means an agent, or whoever holds a key, a lock or an approval, may now do
something it couldn't before, or more of it, or with less in the way. **Narrowed** is the
reverse. **Neutral** changes the doc without changing what any agent may do.

Names are compared by their identity (a note after a name, its case or Unicode form is no
change), values as the doc model reads them. When a thing is added or removed (a doc, an
agent, a tool, an action, an approval, a lock, the kill switch, the rollback section, a
queue, a waiver), what belongs to it is said with it, not listed again. A cap that isn't a
number limits nothing: it counts as higher than any number. Where a field left out means a
value (a flag left out is off, an approval threshold left out is 0), adding or removing the
field is a change from or to that value.

"""


def as_markdown() -> str:
    """docs/diff.md: what the directions mean, and the table."""
    lines = ["| kind | area | what | added | removed | changed | why |", "|---" * 7 + "|"]
    for kind in _TABLE:
        changed = words(kind.changed) if kind.says[2] else "—"  # its identity is its value
        cells = (f"`{kind.name}`", kind.area, kind.field, _cell(kind.added, kind, "from"),
                 _cell(kind.removed, kind, "to"), changed, kind.why)  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return _PREAMBLE + "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(as_markdown(), end="")
