"""The one place deploylint reads meaning off names: every guess is made here, and says so.

A doc's data always decides (a tool's `effect:`, a cap's `covers:`, a checkpoint's `role:`).
Only where the doc is silent does a rule fall back on what a name suggests, and then what it
gets back is a :class:`Guess`: the value, what it was read from, and the field that would
settle it. A finding built on a guess says so in its gap text, is reported at `info`, and
never fails a gate (see ``rubric.render.build_finding``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from deploylint.rubric.regexguard import Matcher, compiled

# Words are split on anything that isn't a letter or digit, and between camelCase humps.
_WORD_BREAK: Final = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")

READ: Final = "read"
# A tool's effect, declared with `effect:` (schema enum) or guessed from its name and scopes.
EFFECTS: Final = ("read", "write", "send", "pay", "delete", "execute")

# Verbs (and nouns used as verbs) whose presence in a tool name means it acts on the world.
_EFFECT_WORDS: Final = {
    "send": ("send", "post", "reply", "message", "email", "mail", "sms", "notify", "notification",
             "publish", "comment", "dm", "page", "tweet", "broadcast", "invite"),
    "pay": ("refund", "pay", "payment", "payout", "charge", "transfer", "wire", "purchase",
            "book", "capture", "credit", "debit"),
    "delete": ("delete", "remove", "purge", "destroy", "drop", "truncate", "wipe", "erase",
               "revoke", "deprovision", "terminate", "cancel"),
    "execute": ("exec", "shell", "bash", "eval", "run_command", "subprocess", "terminal"),
    "write": ("write", "update", "insert", "create", "open", "file", "merge", "push", "deploy",
              "upload", "set", "put", "patch", "add", "assign", "grant", "rotate", "scale",
              "resize", "restart", "rollback", "apply", "approve", "close", "hold", "tag",
              "label", "edit", "modify", "move", "reschedule", "submit", "trigger", "upsert"),
}  # fmt: skip
# Words that say a tool or scope only looks.
_READ_WORDS: Final = frozenset(
    ("read", "readonly", "ro", "get", "lookup", "search", "list", "query", "view", "describe",
     "fetch", "draft", "preview", "inspect", "status", "watch", "diff", "summarize", "classify",
     "score", "check", "validate", "analyze", "estimate", "suggest", "propose", "dry", "plan")
)  # fmt: skip
_SCOPE_READ: Final = frozenset(("read", "readonly", "ro", "view", "get", "list", "viewer"))


@dataclass(frozen=True, slots=True)
class Guess:
    """A value read off a name: what it is, what it was read from, and how to settle it."""

    value: str
    basis: str
    settle: str

    def says(self) -> str:
        """The sentence a finding adds: this rests on a guess, and how to settle it."""
        return f"a guess from {self.basis}; declare {self.settle} to settle it"


def words(text: str) -> list[str]:
    """The lower-case words of a name: ``email.sendBatch`` -> ``email, send, batch``."""
    return [w.lower() for w in _WORD_BREAK.split(text[:1_000]) if w]


@lru_cache(maxsize=8192)  # the same few hundred words, in every doc of a run
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@cache
def _stemmed(vocabulary: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_stem(v) for v in vocabulary)


def _stems(texts: Iterable[str]) -> set[str]:
    return {_stem(w) for text in texts for w in words(text)}


def scopes_read_only(scopes: Iterable[str]) -> bool:
    """Every scope ends in a read word (``pull_requests:read``, ``docs.readonly``)."""
    listed = [s for s in scopes if isinstance(s, str)]
    return bool(listed) and all(bool(words(s)) and words(s)[-1] in _SCOPE_READ for s in listed)


def tool_effect(name: str, scopes: Iterable[str]) -> Guess | None:
    """What a tool's name and scopes suggest it does, or None when they suggest nothing.

    Read-only scopes win over a verb in the name (``payments.lookup`` with ``payments:read``
    reads); a name whose last verb is a read word reads (``email.draft``).
    """
    settle = f"`effect:` on tool {name}"
    scope_list = [s for s in scopes if isinstance(s, str)]
    if scopes_read_only(scope_list):
        return Guess(READ, f"its read-only scopes ({', '.join(scope_list)})", settle)
    name_words = [_stem(w) for w in words(name)]
    for word in reversed(name_words):  # the verb is usually last: github.pulls.create_review
        if word in _READ_WORDS:
            return Guess(READ, f"the word '{word}' in {name}", settle)
        for effect, vocabulary in _EFFECT_WORDS.items():
            if word in _stemmed(vocabulary):
                return Guess(effect, f"the word '{word}' in {name}", settle)
    scope_words = _stems(scope_list)
    for effect, vocabulary in _EFFECT_WORDS.items():
        if scope_words & _stemmed(vocabulary):
            return Guess(effect, f"the scopes of {name} ({', '.join(scope_list)})", settle)
    return None


_GENERIC: Final = frozenset(
    ("per", "action", "actions", "count", "max", "total", "call", "calls", "api", "tool", "v1",
     "v2", "write", "read", "internal", "external", "customer", "user", "new")
)  # fmt: skip


def own_keys(name: str, scopes: Iterable[str]) -> set[str]:
    """The cap keys that are a tool's own name or one of its scopes (``a:b`` or ``a.b``): a
    cap keyed so names the tool in the doc's words, so counting it is no guess."""
    scope_list = [s for s in scopes if isinstance(s, str)]
    return {name, *scope_list, *(s.replace(":", ".") for s in scope_list)}


def meaningful_stems(texts: Iterable[str]) -> set[str]:
    """The word stems of names that can tie a cap to a tool (not `per`, `count`, `api`...)."""
    return _stems(texts) - _GENERIC


def cap_matches_tool(cap: str, name: str, scopes: Iterable[str]) -> Guess | None:
    """Whether a side-effect cap's key shares a meaningful word with a tool's name or scopes
    (``emails_sent`` and ``email.send``): a guess that the cap counts the tool's calls."""
    scope_list = [s for s in scopes if isinstance(s, str)]
    shared = meaningful_stems([cap]) & meaningful_stems([name, *scope_list])
    if not shared:
        return None
    word = sorted(shared)[0]
    return Guess(
        cap, f"the word '{word}' in cap {cap} and tool {name}",
        f"`counts_against: [{cap}]` on tool {name}",
    )  # fmt: skip


def _has_word(text: str, vocabulary: tuple[str, ...]) -> str | None:
    wanted = _stemmed(vocabulary)
    return next((w for w in words(text) if _stem(w) in wanted), None)


def effect_kind(name: str) -> Guess | None:
    """What a side-effect cap's key suggests the effect does: money, deletion or messaging."""
    for kind, effect in (("money", "pay"), ("deletion", "delete"), ("messaging", "send")):
        word = _has_word(name, _EFFECT_WORDS[effect])
        if word is not None:
            return Guess(kind, f"the word '{word}' in {name}", "the action's `impact:`")
    return None


ROLES: Final = ("orchestrator", "worker", "reader", "consumer", "cursor", "cache", "other")
_ORCHESTRATOR_WORDS: Final = ("orchestrator", "orchestration", "coordinator", "supervisor",
                              "planner", "scheduler", "router", "dispatcher")  # fmt: skip
_WORKER_WORDS: Final = ("worker", "executor", "writer", "runner", "applier", "actuator")


def component_role(component: str) -> Guess | None:
    """What a checkpoint component's name suggests its role is, or None."""
    settle = f"`role:` (and `writes:`) on checkpoint {component}"
    for role, vocabulary in (("orchestrator", _ORCHESTRATOR_WORDS), ("worker", _WORKER_WORDS)):
        word = _has_word(component, vocabulary)
        if word is not None:
            return Guess(role, f"the word '{word}' in {component}", settle)
    return None


def name_matches(
    name: str, kinds: Mapping[str, Iterable[str]], *, settle: str, flags: int = 0
) -> Guess | None:
    """The first kind whose patterns (a rule's parameters: data) match ``name``, as a guess.

    Rules that keep their vocabularies as parameters (PM004's `kinds`, RB010's `agent_like`)
    still read names only through here, so every such reading says it is a guess.
    """
    for kind, patterns in kinds.items():
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            if _compiled(pattern, flags).search(name[:1_000]):
                return Guess(kind, f"the name {name}", settle)
    return None


def _compiled(pattern: str, flags: int) -> Matcher:
    return compiled(pattern, flags)  # a config's own on RE2 (deploylint.rubric.regexguard)
