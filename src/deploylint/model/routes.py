"""Whether a rollback path is a literal route or a screen: one classifier, for the doc's
`rollback_path` (RB008) and for audit rows' (AR005), so both give the same verdict.

A route is something you can call, script, rehearse and write into an audit row: an API
path or URL to an API (`POST /internal/.../rollback`), a CLI command (`git revert …`,
`kubectl rollout undo …`), a SQL statement (`CALL system.rollback_to_snapshot(…)`), or a
runbook entry (`runbook DP-RB-3 step 4`, `runbooks/pg.md#revert`). A screen is a console,
dashboard or admin web page, or a walk through a UI's menus (`Settings -> Pause`). The
vocabularies are RB008's parameters (data, in the rubric); only the reading is code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from deploylint.model import names
from deploylint.rubric.regexguard import Matcher, compiled

ROUTE_KINDS: Final = ("api", "url", "cli", "sql", "runbook")
# "Settings -> Agents -> Pause": a path through a UI's menus, not a route.
_CLICK_PATHS: Final = ("->", "\u2192", "\u00bb", " > ", "\u203a")
_URL_HOST: Final = re.compile(r"https?://(([A-Za-z0-9-]+)\.[A-Za-z0-9.-]+)", re.IGNORECASE)
_WRAPPERS: Final = "`'\"\u2018\u2019\u201c\u201d"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a path is: a route (``kind`` in ROUTE_KINDS, ``route`` the text that is one),
    or ``screen`` (``word`` says why) or ``prose`` (no route in it)."""

    kind: str
    route: str | None = None
    word: str | None = None

    @property
    def is_route(self) -> bool:
        return self.kind in ROUTE_KINDS


def _compiled(pattern: str) -> Matcher:
    """A route pattern: the shipped ones on `re`, a config's own on RE2 (regexguard)."""
    return compiled(pattern, re.IGNORECASE)


@cache
def _words(vocabulary: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching any word of ``vocabulary`` at a word start (linear time)."""
    alternatives = "|".join(re.escape(w) for w in sorted(vocabulary, key=len, reverse=True))
    return re.compile(rf"(?<![\w./-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _vocabulary(params: Mapping[str, Any], name: str) -> tuple[str, ...]:
    return tuple(str(word).lower() for word in params.get(name, ()))


# Where a command can start: the text's start, a backtick, a colon or semicolon, or a lead-in
# word (`run`, `via`, `then` ...). A command word elsewhere is prose ("use the aws console").
_STARTS: Final = re.compile(
    r"`|[:;]\s+|\b(?:run|runs|via|call|calls|execute|executes|using|with|then|or)\s+",
    re.IGNORECASE,
)
_BOUNDARY: Final = frozenset(" \t(`'\":[")


def _first_route(text: str, params: Mapping[str, Any]) -> tuple[int, str, str] | None:
    """The earliest route in ``text``: (where it starts, its kind, its text)."""
    found: list[tuple[int, int, str, str]] = []
    for pattern in params.get("routes", ()):
        for m in _compiled(pattern).finditer(text):
            if m.start() == 0 or text[m.start() - 1] in _BOUNDARY:
                route = m.group(0)
                found.append((m.start(), -len(route), _kind(route), route))
                break
    starts = [0, *(m.end() for m in _STARTS.finditer(text))]
    starts = [start + len(text[start:]) - len(text[start:].lstrip()) for start in starts]
    commands = _vocabulary(params, "commands")
    patterns: dict[str, list[Matcher]] = {"cli": [_words(commands)] if commands else []}
    patterns["sql"] = [_compiled(p) for p in params.get("sql", ())]
    for kind, matchers in patterns.items():
        at = _starting(matchers, text, starts, command=kind == "cli")
        if at is not None:
            found.append((at, 0, kind, text[at:].split("`", 1)[0]))
    if not found:
        return None
    start, _, kind, route = min(found)
    return start, kind, route


_METHOD: Final = re.compile(r"(?:GET|POST|PUT|PATCH|DELETE)\s+", re.IGNORECASE)
_OPTION: Final = re.compile(r"\s--?[A-Za-z]")  # a command line's option


def _starting(
    patterns: list[Matcher], text: str, starts: list[int], *, command: bool
) -> int | None:
    """The first of ``starts`` where one of ``patterns`` matches (a command word only with
    an argument after it)."""
    for at in starts:
        for pattern in patterns:
            m = pattern.match(text, at)
            if m is not None and (not command or _argument_follows(text, m.end())):
                return at
    return None


def _kind(route: str) -> str:
    if "://" in route:
        return "url"
    bare = _METHOD.sub("", route, count=1) if _METHOD.match(route) else route
    if bare.startswith("/"):
        return "api"
    command = bare.startswith(("./", "bin/", "script")) or "." in bare[-4:]
    return "cli" if command or _OPTION.search(bare) else "runbook"


def _argument_follows(text: str, end: int) -> bool:
    """A command word is a command when something follows it on the line (`git revert`,
    `CALL proc(...)`), not when it ends the sentence."""
    rest = text[end : end + 80]
    return bool(rest[:1].isspace() and rest.strip() and rest.strip()[0] not in ",.;:)")


def classify(path: str, params: Mapping[str, Any]) -> Verdict:
    """Whether ``path`` is a literal route, a screen, or prose (remembered per path and
    vocabulary: a million audit rows name a few hundred routes)."""
    text = path.strip()[:2_000]
    known = _VERDICTS.setdefault(id(params), (params, {}))[1]
    if text not in known:
        if len(known) >= 4_096:
            known.clear()
        known[text] = _classified(text, params)
    return known[text]


# The params mapping is held beside its verdicts, so its id can't be taken by another one.
_VERDICTS: dict[int, tuple[Mapping[str, Any], dict[str, Verdict]]] = {}


def _classified(text: str, params: Mapping[str, Any]) -> Verdict:
    """Whether ``text`` is a literal route, a screen, or prose.

    The first route in the text decides, unless the text before it walks a menu or names a
    screen (`Stripe dashboard → Refund (see runbook R-4)` is a screen). A note after a route
    is the team's own words and is never read for screen words. A URL is a screen when it
    names one or a web app's host or page (`https://console.vendor.example/…`,
    `https://vendor.example/admin/bulk-untag`) and shows no sign of an API (`api.`, `/api/`,
    `/v2/`, a method before it), or when it routes inside a web app (`…/#/models/churn`:
    what follows `#` never reaches a server).
    """
    found = _first_route(text, params)
    if found is None:
        return _not_a_route(text, params)
    start, kind, route = found
    before = text[:start]
    screen = _screen_in(before, params, menus=True)
    if screen is not None:
        return Verdict("screen", word=screen)
    if kind == "url":
        page = _page(route, before, params)
        if page is not None:
            return Verdict("screen", route=route, word=page)
    return Verdict(kind, route=route.strip(_WRAPPERS))


def _not_a_route(text: str, params: Mapping[str, Any]) -> Verdict:
    word = _screen_in(text, params, menus=True)
    return Verdict("screen", word=word) if word is not None else Verdict("prose")


# A word on its own: not a part of an identifier (`menu-ingest-agent`, `ui_flags`, `app.js`).
_STANDALONE: Final = re.compile(r"(?<![\w./@:-])[A-Za-z]+(?![\w./@:-])")


def _screen_in(text: str, params: Mapping[str, Any], *, menus: bool) -> str | None:
    """A click path or a screen word (and, with ``menus``, a menu word) in ``text``: words
    on their own only, never the part of a name (`menu-ingest-agent` names no menu)."""
    click = next((a.strip() for a in _CLICK_PATHS if a in text), None)
    if click is not None:
        return f"menu path ({click})"
    vocabulary = set(_vocabulary(params, "screen_words"))
    if menus:
        vocabulary |= set(_vocabulary(params, "menu_words"))
    return next((w.lower() for w in _STANDALONE.findall(text) if w.lower() in vocabulary), None)


def _page(url: str, before: str, params: Mapping[str, Any]) -> str | None:
    """Why a URL is a web page, not an API: a screen word or page word in it, or the host of
    a web app; None when it shows a sign of an API (or a method is written before it)."""
    if _words(("get", "post", "put", "patch", "delete")).search(before[-12:]):
        return None
    if _METHOD.match(url):  # the route pattern took the method in
        return None
    fragment = url.partition("#")[2]
    if fragment.startswith(("/", "!/")):  # a route inside a web app, never sent to a server
        return f"web page (#{fragment.split()[0][:60]})"
    found = _URL_HOST.search(url)
    labels = names.words(found.group(1)) if found else []
    path_words = names.words(url[found.end() :]) if found else names.words(url)
    markers = set(_vocabulary(params, "api_markers"))
    if markers & set(labels[:1] + path_words) or any(_is_version(w) for w in path_words):
        return None
    screens = set(_vocabulary(params, "screen_words"))
    if labels[:1] and labels[0] in set(_vocabulary(params, "screen_hosts")):
        return f"web app ({found.group(1) if found else url})"
    word = next((w for w in [*labels, *path_words] if w in screens), None)
    if word is None:
        pages = set(_vocabulary(params, "page_words"))
        page = next((w for w in path_words if w in pages), None)
        word = f"web page (/{page})" if page is not None else None
    return word


def _is_version(word: str) -> bool:
    return len(word) > 1 and word[0] == "v" and word[1:].isdigit()
