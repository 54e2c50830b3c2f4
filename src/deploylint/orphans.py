"""Worker processes never outlive the run that started them.

A CI cancellation or the OOM killer hits the parent only (kill -9, kill -TERM). Its workers,
re-parented and blocked on a pipe that their siblings hold open, would wait forever, tens of
MB each. A worker asks to be killed when its parent dies.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Final

_PR_SET_PDEATHSIG: Final = 1  # <linux/prctl.h>
POLL: Final = 0.5  # seconds between looks at the parent, where the kernel can't be asked


def die_with(parent: int) -> None:
    """Make this process exit when ``parent`` does. Linux: the kernel sends SIGKILL when the
    thread that forked it ends (the parent's main thread: a pool forks all its workers from
    the thread that submits). Elsewhere a thread watches for re-parenting."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before this worker could ask
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL)
    os._exit(1)
