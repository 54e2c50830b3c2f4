"""Make doc content inert wherever it is printed: terminal, Markdown, Mermaid.

Doc content is untrusted (anyone who opens a PR writes it); every reporter passes it through
one of these before it reaches an output format that gives characters meaning.
"""

from __future__ import annotations

import re
from typing import Final

# C0 and C1 controls, DEL, and the bidirectional overrides used in "trojan source" tricks.
_UNSAFE: Final = [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES: Final = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE}
# What Markdown and GitHub's extensions give meaning to inside a line or a table cell.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_~\[\]()<>&|!#{}+])")
_WORD_JOINER: Final = "\u2060"
_MERMAID_SAFE: Final = re.compile(r"[^A-Za-z0-9 _./:-]")


def printable(text: str) -> str:
    """Control and bidi characters shown as escapes, so text can't drive a terminal."""
    return text.translate(_ESCAPES)


def markdown(text: str) -> str:
    """Literal text in Markdown (tables included): one line, markup characters
    backslash-escaped (CommonMark allows it for any ASCII punctuation), so nothing becomes
    emphasis, code, a link, HTML or a table break; and `@` can't mention (ping) anyone."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", printable(" ".join(text.split())))
    return escaped.replace("@", "@" + _WORD_JOINER)


def mermaid(text: str) -> str:
    """Text for a quoted Mermaid label: everything but plain characters as #code; entities."""
    return _MERMAID_SAFE.sub(lambda m: f"#{ord(m.group())};", " ".join(text.split()))
