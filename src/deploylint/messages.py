"""The one-line messages deploylint writes to stderr, escaped: they quote file names and
doc content, which come from the checkout and must not drive a terminal or a CI runner."""

from __future__ import annotations

from typing import TextIO

from deploylint.report.escape import printable, workflow_inert


def say(stream: TextIO, text: str, kind: str | None = "error") -> None:
    """Write ``deploylint: <kind>: <text>`` as one line, control characters and GitHub
    workflow commands (``##[add-mask]``) made inert."""
    prefix = f"deploylint: {kind}: " if kind else "deploylint: "
    stream.write(prefix + workflow_inert(printable(text)) + "\n")
