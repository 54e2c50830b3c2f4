"""Whether output goes to a terminal, as rich would decide, without importing rich."""

from __future__ import annotations

import os
import sys
from typing import Final

# What rich reads to decide it is on a terminal after all (or to colour a pipe).
HINTS: Final = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


def plainly_not_a_terminal() -> bool:
    """stdout is no terminal and nothing asks rich to pretend it is one (measured: importing
    rich.console costs ~15 ms of a one-doc run)."""
    columns = os.environ.get("COLUMNS", "")
    return (
        not sys.stdout.isatty()
        and not any(os.environ.get(hint) for hint in HINTS)
        and (columns == "" or columns.isdigit())
    )
