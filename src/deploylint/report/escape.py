"""Make doc content inert wherever it is printed: terminal, Markdown, Mermaid, XML, and
GitHub workflow commands. (HTML relies on jinja2's autoescape, after ``printable``.)

Doc content is untrusted (anyone who opens a PR writes it); every reporter passes it through
one of these before it reaches an output format that gives characters meaning.
"""

from __future__ import annotations

import re
from typing import Any, Final, TextIO

# C0 and C1 controls, DEL, the bidirectional overrides used in "trojan source" tricks, and
# lone surrogates (a YAML "\ud800" escape makes one; no UTF-8 stream can be written with it).
_UNSAFE: Final = [
    *range(0x20),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
]
_ESCAPES: Final = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE}
# What Markdown and GitHub's extensions give meaning to inside a line or a table cell.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_~\[\]()<>&|!#{}+])")
_WORD_JOINER: Final = "\u2060"
_MERMAID_SAFE: Final = re.compile(r"[^A-Za-z0-9 _./:-]")
# What XML 1.0 can't hold at all, even as a character reference, that `printable` leaves.
_XML_FORBIDDEN: Final = re.compile("[\ufffe\uffff]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# GitHub's workflow-command escaping: the message part, and property values (which also
# end at `:` and `,`). `%` goes first, so no escape is escaped twice.
_WORKFLOW_DATA: Final = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_WORKFLOW_PROPERTY: Final = str.maketrans(
    {"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"}
)


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


def xml(text: str) -> str:
    """Text an XML 1.0 document can hold: controls and lone surrogates shown as escapes, and
    U+FFFE and U+FFFF too. ElementTree escapes the markup itself."""
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text))


def json_text(text: str) -> str:
    """``json.dumps(..., ensure_ascii=False)`` output made writable as UTF-8: lone surrogates
    (which can only stand inside strings) as the ``\\uXXXX`` escapes that mean the same."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def workflow_data(text: str) -> str:
    """The message of a GitHub workflow command: one line, so it can't start another command."""
    return text.translate(_WORKFLOW_DATA)


def workflow_property(text: str) -> str:
    """A property value of a GitHub workflow command (``file=``, ``title=``)."""
    return text.translate(_WORKFLOW_PROPERTY)


def workflow_command(command: str, properties: dict[str, str], message: str) -> str:
    """``::command key=value,...::message``, every part escaped as GitHub requires."""
    joined = ",".join(f"{key}={workflow_property(value)}" for key, value in properties.items())
    return f"::{command} {joined}::{workflow_data(message)}"


# What the Actions runner acts on in a line of a step's stdout or stderr (actions/runner,
# ActionCommand.cs): `::command::` at its start once String.TrimStart has removed every
# Unicode whitespace character, and the legacy `##[command]` anywhere. A line ends at `\n`,
# `\r` or `\r\n` (.NET's ReadLine). Both matches are .NET's culture-sensitive StartsWith and
# IndexOf, which skip what a collation ignores (controls, soft hyphens, zero-width and the
# other default-ignorable code points): here those count as nothing between the characters
# of a command, and what makes one inert is a visible character, never an invisible one.
# Output quoting a file name or doc text could otherwise mask secrets, stop command
# processing or forge an annotation. Each format writes the same text in its own inert way
# (for the second `#` of `##[`; for the first `:` of a line-opening `::`).
_INERT: Final = {
    "json": ("\\u0023", ":"),  # only inside strings; a JSON line never opens with `::`
    "xml": ("&#35;", "&#58;"),
    "markdown": ("\\#", "\\:"),
    "text": ("\\#", "\\:"),
    "github": ("\\#", ":"),  # its own lines are the commands; data is %-escaped
}
_IGNORED: Final = (
    r"\x00-\x08\x0e-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Possessive runs (`*+`) that never cross a line: linear time on any output. Looking for a
# line start at every position is slow, so only text holding a `::` at all is searched.
_LINE_COMMAND: Final = re.compile(
    rf"(?:\A|(?<=[\r\n]))((?:[^\S\r\n]|[{_IGNORED}])*+):(?=[{_IGNORED}]*+:)"
)
_DOUBLE_COLON: Final = re.compile(rf":[{_IGNORED}]*+:")
_HASH_COMMAND: Final = re.compile(rf"#([{_IGNORED}]*+)#([{_IGNORED}]*+)\[")


def workflow_inert(text: str, kind: str = "text") -> str:
    """``text`` with no GitHub workflow command the runner would act on."""
    hash_, colon = _INERT[kind]
    text = _HASH_COMMAND.sub(lambda m: f"#{m[1]}{hash_}{m[2]}[", text)
    if colon == ":" or not _DOUBLE_COLON.search(text):
        return text
    return _LINE_COMMAND.sub(lambda m: m[1] + colon, text)


class InertLines:
    """A text stream that writes whole lines through ``workflow_inert`` (see above)."""

    def __init__(self, stream: TextIO, kind: str) -> None:
        self.stream, self.kind, self.pending = stream, kind, ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.stream.write(workflow_inert("\n".join(lines) + "\n", self.kind))
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.stream.write(workflow_inert(self.pending, self.kind))
            self.pending = ""
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:  # isatty(), encoding... as the stream has them
        return getattr(self.stream, name)
