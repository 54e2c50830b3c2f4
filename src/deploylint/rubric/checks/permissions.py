"""Checks for the permissions area: tool scopes, high-impact approvals, spawned helpers.

Patterns (which scopes are broad, which tools open-ended, which side effects move money)
are rule parameters: regular expressions from the rubric, matched against the doc's names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from deploylint.load.keypath import KeyPath
from deploylint.model import names, written
from deploylint.model.identity import key
from deploylint.rubric.checks.base import Check, CheckInput, Fact, listed, mapping
from deploylint.rubric.regexguard import compiled

_COUNT_KINDS = ("deletion", "bulk_messaging")


def _matches(pattern: str, text: Any) -> bool:
    return isinstance(text, str) and compiled(pattern).search(text) is not None


def _agent_at(given: CheckInput) -> dict[str, Any]:
    """The agent a path under ``$.agents[i]`` belongs to (empty if none)."""
    path: KeyPath = given.path
    if len(path) >= 2 and path[0] == "agents" and isinstance(path[1], int):
        agents = written.agents(given.doc)
        if path[1] < len(agents):
            return mapping(agents[path[1]])
    return {}


def _broad(scope: Any, patterns: list[str]) -> bool:
    """A wildcard scope, or an admin-like one that isn't read-only (Google's
    `admin.directory.user.readonly` reads through the Admin API; it administers nothing)."""
    if not isinstance(scope, str) or not any(_matches(p, scope) for p in patterns):
        return False
    return "*" in scope or not names.scopes_read_only([scope])


def tool_scope_breadth(given: CheckInput) -> Iterator[Fact]:
    """A tool holds a wildcard, admin or otherwise open-ended scope."""
    tool = mapping(given.node)
    scopes = listed(tool.get("scopes"))
    broad = [(i, s) for i, s in enumerate(scopes) if _broad(s, given.params["broad"])]
    if broad:
        values = {"tool": tool.get("name", "an unnamed tool"), "broad": [s for _, s in broad]}
        yield Fact((*given.path, "scopes", broad[0][0]), values=values)


def open_ended_tool(given: CheckInput) -> Iterator[Fact]:
    """A tool is an open-ended shell or arbitrary-URL tool (declared, or by its name: a guess)."""
    raw = mapping(given.node)
    name, declared = raw.get("name"), raw.get("open_ended")
    if declared is False or not isinstance(name, str):
        return
    kinds: Mapping[str, str] = given.params["kinds"]
    guess = names.name_matches(name, kinds, settle=f"`open_ended:` on tool {name}")
    # A scope is a permission the doc declares: `shell:exec` says the tool runs commands.
    # (`http:GET` says less: a fetcher may still be pinned to named hosts.)
    scopes = [s for s in listed(raw.get("scopes")) if isinstance(s, str)]
    if any(_matches(given.params["shell_scopes"], s) for s in scopes):
        kind, guess = "shell", None
    elif declared is True:  # `effect: execute` says it runs a job; only this says "anything"
        fallback = "shell" if raw.get("effect") == "execute" else "arbitrary-URL"
        kind, guess = (guess.value if guess is not None else fallback), None
    elif guess is not None:
        kind = guess.value
    else:
        return
    yield Fact((*given.path, "name"), values={"tool": name, "kind": kind}, guess=guess)


def read_tool_with_write_scope(given: CheckInput) -> Iterator[Fact]:
    """A tool named for reading (a guess, unless it declares `effect: read`) holds a scope
    that writes, updates or deletes."""
    tool = mapping(given.node)
    name = tool.get("name")
    if not isinstance(name, str):
        return
    guess = None
    if tool.get("effect") != "read":
        settle = f"`effect:` on tool {name}"
        guess = names.name_matches(name, {"read": given.params["read_tool"]}, settle=settle)
        if guess is None:
            return
    scopes = listed(tool.get("scopes"))
    for index, scope in enumerate(scopes):
        if _matches(given.params["write_scope"], scope):
            values = {"tool": name, "scope": scope}
            yield Fact((*given.path, "scopes", index), values=values, guess=guess)
            return


def approval_routed_to_humans(given: CheckInput) -> Iterator[Fact]:
    """An approval names no approver queue, an agent, or a queue that isn't a human queue.
    One with no threshold (`approval: {}`, written to say "not applicable") asks nobody, so
    it owes no queue: whether the action needs an approval is PM005's."""
    node = mapping(given.node)
    thresholds = (node.get("required_above_usd"), node.get("required_above_count"))
    if not any(isinstance(n, int | float) and not isinstance(n, bool) for n in thresholds):
        return
    queue = node.get("approver_queue")
    where = (*given.path, "approver_queue")
    model = given.doc_model
    if queue is None or queue == "":
        yield Fact(where, missing=True)
    elif model.is_agent(str(queue)):
        yield Fact(where, values={"queue": queue, "problem": "agent"})
    elif model.queue(str(queue)) is None:
        yield Fact(where, values={"queue": queue, "problem": "undeclared"})


def helper_tools_within_parent(given: CheckInput) -> Iterator[Fact]:
    """A spawned helper may call a tool its parent agent isn't granted (by identity: a note
    after a tool's name is the same tool)."""
    raw = _agent_at(given)
    index = given.path[1] if len(given.path) > 1 else None
    agent = given.doc_model.agent(index) if isinstance(index, int) else None
    if agent is None or not isinstance(raw.get("tools"), list):
        return  # the parent lists no tools: the tools rule reports that
    granted = {tool.key for tool in agent.tools}
    helper_tools = listed(mapping(given.node).get("tools"))
    extra = [(i, t) for i, t in enumerate(helper_tools) if key(str(t)) not in granted]
    if extra:
        values = {"extra": [t for _, t in extra], "granted": sorted(t.name for t in agent.tools)}
        yield Fact((*given.path, "tools", extra[0][0]), values=values)


CHECKS: dict[str, Check] = {
    "tool_scope_breadth": tool_scope_breadth,
    "open_ended_tool": open_ended_tool,
    "read_tool_with_write_scope": read_tool_with_write_scope,
    "approval_routed_to_humans": approval_routed_to_humans,
    "helper_tools_within_parent": helper_tools_within_parent,
}
