"""Worker processes for work over many files: grading them, or reading their fleet facts.

Results come back in the items' order whatever the number of workers, so output is the
same with one or eight. Workers are forked where the platform can (they inherit what the
parent loaded: the rubric, the limits).

Workers never outlive the run that started them. A CI cancellation or the OOM killer hits
the parent only (kill -9, kill -TERM); its workers, re-parented and blocked on a pipe that
their siblings hold open, would wait forever, tens of MB each. So a worker asks to be killed
when its parent dies (``die_with``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, TypeVar

from deploylint.cache import replay

POOL_FROM: Final = 200  # files; below this, starting worker processes costs more than it saves
MAX_WORKERS: Final = 8
PER_WORKER: Final = 100  # files; fewer and starting the worker costs more than it does
LOAD = "/proc/loadavg"  # Linux: its fourth field is running/all processes
_PR_SET_PDEATHSIG: Final = 1  # <linux/prctl.h>
POLL: Final = 0.5  # seconds between looks at the parent, where the kernel can't be asked

Item = TypeVar("Item")
Result = TypeVar("Result")

_WORK: list[Any] = []  # a worker's function and what it needs, set once by its initializer


def workers_for(files: int, jobs: int | None) -> int:
    """How many processes take ``files`` files: --jobs, else as many as pay for themselves.

    A worker pays when it gets at least PER_WORKER files and a core nobody else is using:
    measured on 2 cores, 1,000 docs ran 1.5x faster with 2 workers on a quiet machine and
    no faster with the other core busy, so busy cores don't count.
    """
    if jobs is not None:
        return max(1, jobs)
    if files < POOL_FROM:
        return 1
    return max(1, min(free_cores(), files // PER_WORKER, MAX_WORKERS))


def free_cores() -> int:
    """Cores this process may run on, less the other processes running (anywhere on the
    machine) right now: pinned to a few cores of a busy host, it undercounts."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (usable or 1) - _others_running())


def _others_running() -> int:
    """Other processes running or ready to run right now: Linux says so in /proc/loadavg
    (its fourth field counts this one too); elsewhere the 1-minute load average, which lags."""
    try:
        with open(LOAD, encoding="ascii") as numbers:  # noqa: PTH123
            return max(0, int(numbers.read().split()[3].partition("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return round(os.getloadavg()[0])
    except (AttributeError, OSError):
        return 0


def ordered(
    function: Callable[[Item, Any], Result], items: Sequence[Item], given: Any, workers: int
) -> Iterator[Result]:
    """``function(item, given)`` for each item, in order, in ``workers`` processes (one: here).

    With workers, every item is submitted (and every worker forked) before this returns,
    so no thread (a progress bar's) exists yet when the process forks. ``function`` must be
    a module-level function (a spawned worker is handed it by name).
    """
    if workers <= 1:
        return (function(item, given) for item in items)
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    # fork where the platform has it: workers inherit what is loaded instead of unpickling it
    method = "fork" if "fork" in get_all_start_methods() else None
    chunk = max(1, min(64, len(items) // (workers * 8)))
    replay.pooling(True)  # the forks are this pool's: a recorded run hears its workers
    try:
        pool = ProcessPoolExecutor(
            workers, get_context(method), _start, (function, given, os.getpid())
        )
        results = pool.map(_work, items, chunksize=chunk)  # forks every worker
    finally:
        replay.pooling(False)

    def drained() -> Iterator[Result]:
        try:
            for result, heard in results:
                replay.gather(heard)
                yield result
        finally:
            pool.shutdown()

    return drained()


def _start(function: Callable[[Any, Any], Any], given: Any, parent: int) -> None:
    _WORK[:] = [function, given]
    replay.start_worker()
    die_with(parent)  # a CI cancellation or the OOM killer hits the parent only


def _work(item: Any) -> tuple[Any, replay.Heard | None]:
    function, given = _WORK
    result = function(item, given)
    return result, replay.heard()


def die_with(parent: int) -> None:
    """Make this process exit when ``parent`` does. Linux: the kernel sends SIGKILL when the
    thread that forked it ends (the parent's main thread: a pool forks all its workers from
    the thread that submits). Elsewhere a thread watches for re-parenting."""
    import signal  # in workers only: start-up stays lean
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before this worker could ask
        os._exit(1)


def _watch(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(POLL)
    os._exit(1)
