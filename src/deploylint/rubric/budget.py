"""A budget for what a pull request can make deploylint evaluate: custom rules' schemas and
column templates.

A custom rubric is data from the pull request, but evaluating it is work of its choosing: a
`$defs` chain doubling through `allOf`, a macro that calls itself in its loop, a string
doubled by `~` until it fills the machine. Each file graded has SECONDS of CPU time for such
evaluation in all; a template render also gets at most MEGABYTES of new memory. Past
either, OverBudget stops the run with exit 2, naming the rule and its file. Time is CPU
time, so a busy CI runner doesn't trip it: a legitimate custom rule takes micro- to
milliseconds a doc.

A virtual-time timer (SIGVTALRM) interrupts the evaluation where it is; its handler, set
once, raises only inside a bounded evaluation. Where there is no such timer (Windows, a
thread other than the main one), the time is checked after each evaluation; the memory cap
needs RLIMIT_AS and /proc (Linux). A rule that ran out once stops at once on the files after
it, so a thousand docs can't make it cost a thousand budgets.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar, Final

SECONDS: Final = 3.0  # CPU seconds of custom-rule evaluation per file graded
MEGABYTES: Final = 256  # new memory one template render may take
_AGAIN: Final = 0.1  # seconds between reminders, should the first one be swallowed


class OverBudget(Exception):
    """A custom rule's evaluation ran past the budget (the message names the rule)."""


class _Expired(BaseException):  # no `except Exception` on the way may swallow it
    pass


class _State:
    left = SECONDS  # of this file's budget
    depth = 0  # bounded evaluations under way (a template's regex runs inside one)
    timer = False  # whether the handler is installed
    spent: ClassVar[set[str]] = set()  # what ran out once: the next file stops it at once


def restart() -> None:
    """A new file: a full budget."""
    _State.left = SECONDS


@contextmanager
def bounded(what: str, *, memory: bool = False) -> Iterator[None]:
    """Run the body as user-supplied evaluation: within what is left of the file's time,
    and, with ``memory``, of MEGABYTES of new memory; OverBudget (naming ``what``) if not."""
    if _State.depth:
        yield
        return
    if _State.left <= 0 or what in _State.spent:  # many docs can't make one rule cost more
        raise OverBudget(_over(what))
    started, _State.depth = time.process_time(), 1
    lowered, armed = None, False
    try:
        lowered = _lower_memory() if memory else None
        armed = _arm(_State.left)
        yield
    except _Expired:
        _State.spent.add(what)
        raise OverBudget(_over(what)) from None
    except OverBudget as error:  # a bounded step inside it (a `replace` too large)
        raise OverBudget(f"{what}: {error}") from None
    except MemoryError:
        raise OverBudget(f"{what} needs over {MEGABYTES} MB of memory; stopped") from None
    finally:
        _State.depth = 0  # first: a reminder due now finds nothing to stop
        _disarm(armed)
        _restore_memory(lowered)
        _State.left -= time.process_time() - started
    if _State.left <= 0:  # no timer here: ran out without being stopped
        _State.spent.add(what)
        raise OverBudget(_over(what))


def _over(what: str) -> str:
    return f"{what} ran past {SECONDS:g} s of CPU time for one file; stopped"


def _expired(signum: int, frame: Any) -> None:
    if _State.depth:
        raise _Expired


def _arm(seconds: float) -> bool:
    """Start the CPU-time timer; False where there is none (or not on the main thread)."""
    if not hasattr(signal, "setitimer"):
        return False
    if not _State.timer:
        try:
            signal.signal(signal.SIGVTALRM, _expired)
        except ValueError:  # not the main thread: checked after the evaluation instead
            return False
        _State.timer = True
    signal.setitimer(signal.ITIMER_VIRTUAL, max(seconds, 0.001), _AGAIN)
    return True


def _disarm(armed: bool) -> None:
    if armed:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0, 0)


def _lower_memory() -> tuple[int, int] | None:
    """Cap the address space at what the process holds now plus MEGABYTES; the limits
    before, to restore (None: no cap here)."""
    try:
        import resource

        before = resource.getrlimit(resource.RLIMIT_AS)
        pages = int(Path("/proc/self/statm").read_text("ascii").split()[0])
        held = pages * os.sysconf("SC_PAGE_SIZE")
        soft, hard = before
        cap = held + MEGABYTES * 2**20
        cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft <= cap:
            return None  # already as tight
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        return None
    return before


def _restore_memory(before: tuple[int, int] | None) -> None:
    if before is not None:
        import resource

        with suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_AS, before)
