"""Reporters: one registry, name -> class; the CLI's --format choices come from it.

Classes are named by import path so that a run imports only the reporter it uses
(rich for ``text``, nothing heavy for ``json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Final, Protocol

from deploylint.report import Report

REPORTERS: Final[dict[str, str]] = {
    "text": "deploylint.reporters.text:TextReporter",
    "json": "deploylint.reporters.json_report:JsonReporter",
}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the output will be shown; terminal fields come from rich's own detection."""

    quiet: bool = False
    terminal: bool = False
    color_system: str | None = None
    width: int | None = None


class Reporter(Protocol):
    def render(self, report: Report, options: RenderOptions) -> str: ...


def reporter(name: str) -> Reporter:
    """Instantiate the reporter registered as ``name``."""
    module, _, cls = REPORTERS[name].partition(":")
    built: Reporter = getattr(import_module(module), cls)()
    return built
