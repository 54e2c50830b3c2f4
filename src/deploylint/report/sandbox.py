"""Render a user's `--template` where it can do no harm: jinja2's sandbox, bounded.

A template may come from the pull request. The sandbox stops it reaching Python's internals
(``cycler.__init__.__globals__.os``); the rest is run time and memory, which the sandbox
doesn't bound: ``7 ** 100000000``, ``"x" * 10**9``, nested ``range`` loops, a huge
``center()``. Arithmetic that would build a huge value is refused in the sandbox (a clear
message), and the render itself runs in a forked child with a memory cap and a deadline,
so whatever is left can't hang or exhaust the run.

What a template may read: a --template that is a link is rendered from its target, and its
includes come from the target's real folder (or the shipped templates), never through a link
leading out of it. A template the pull request can place (one named inside the checkout)
must really be inside the checkout, and nothing under a `.git` folder is ever read: the
checkout's `.git/config` holds actions/checkout's token, which a report could carry into a
PR comment or an artifact.
"""

from __future__ import annotations

import os
import resource
import select
import signal
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Final

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from deploylint.report import ReportError
from deploylint.rubric.columns import replace_filter

SECONDS: Final = 5.0
MEGABYTES: Final = 256  # beyond what the process already holds
MAX_OUTPUT: Final = 256 * 2**20  # bytes of rendered report
MAX_ITEMS: Final = 1_000_000  # characters or items one `*` may build
MAX_BITS: Final = 100_000  # bits of an integer one `**` may build


class BoundedSandbox(SandboxedEnvironment):
    """jinja2's sandbox, refusing the arithmetic that builds a huge value in one step."""

    intercepted_binops = frozenset({"**", "*"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["replace"] = replace_filter()  # a chain of them asked for ~10 GB

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _too_big_power(left, right):
            raise SecurityError(f"{operator} would build a number over {MAX_BITS:,} bits")
        if operator == "*" and _too_long_repeat(left, right):
            raise SecurityError(f"* would build a value over {MAX_ITEMS:,} items")
        return super().call_binop(context, operator, left, right)


def _too_big_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return False  # floats overflow at once (an error, not a hang)
    return exponent > 0 and abs(base) > 1 and abs(base).bit_length() * exponent > MAX_BITS


def _too_long_repeat(left: Any, right: Any) -> bool:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple | bytes) and isinstance(times, int):
            return len(sequence) * times > MAX_ITEMS
    return False


class ContainedLoader(FileSystemLoader):
    """A FileSystemLoader that won't read a template through a link out of its folders, nor
    anything under a `.git` folder."""

    def __init__(self, folders: Sequence[Path]) -> None:
        super().__init__([str(f) for f in folders])
        self.roots = [os.path.realpath(f) for f in folders]

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(_inside(real, root) for root in self.roots):
            raise TemplateNotFound(f"{template} (a link out of the template's folder)")
        if _in_git(real):
            raise TemplateNotFound(f"{template} (nothing under .git is read)")
        return source, filename, uptodate


def template_refusal(template: Path, checkout: Path) -> str | None:
    """Why ``template`` (a --template) must not be read, or None: it is under `.git`, or it
    is named inside the checkout and is a link leading out of it."""
    real, spelled = os.path.realpath(template), os.path.normpath(template.absolute())
    home = os.path.realpath(checkout)
    if _in_git(real):
        return "nothing under .git is read"
    if _inside(spelled, os.path.normpath(checkout.absolute())) and not _inside(real, home):
        return "a link to a file outside the checkout: not read"
    return None


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _in_git(real: str) -> bool:
    """Under a folder named `.git` (in any case: some file systems ignore it)."""
    return ".git" in (part.casefold() for part in Path(real).parts)


def render_bounded(render: Callable[[], str], *, what: str, seconds: float = SECONDS) -> str:
    """``render()``'s text, computed in a forked child within ``seconds`` and ``MEGABYTES``
    of new memory; ReportError when it errs, runs out of either, or says too much."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send "ok\n" + text or "error\n" + message, and exit
        os.close(read_end)
        _child(render, write_end)
    os.close(write_end)
    try:
        payload = _collect(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        _reap(pid)
    if payload is None:
        raise ReportError(f"{what}: still rendering after {seconds:g} s; stopped")
    status, _, body = payload.partition(b"\n")
    text = body.decode("utf-8", "surrogatepass")
    if status != b"ok":
        raise ReportError(f"{what}: {text}")
    return text


def _child(render: Callable[[], str], write_end: int) -> None:
    try:
        _cap_memory()
        payload = b"ok\n" + render().encode("utf-8", "surrogatepass")
        if len(payload) > MAX_OUTPUT:
            payload = f"error\nthe report would be over {MAX_OUTPUT:,} bytes".encode()
    except MemoryError:
        payload = f"error\nrendering needs over {MEGABYTES} MB more memory".encode()
    except BaseException as error:
        payload = f"error\n{type(error).__name__}: {error}".encode("utf-8", "replace")
    try:
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)
    finally:
        os._exit(0)


def _cap_memory() -> None:
    """Limit the child's address space to what it holds now plus MEGABYTES."""
    try:
        pages = int(Path("/proc/self/statm").read_text("ascii").split()[0])
        held = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    cap = held + MEGABYTES * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _collect(read_end: int, deadline: float) -> bytes | None:
    """Everything the child writes before EOF, or None at the deadline (or past the cap)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([read_end], [], [], left)[0]:
            return None
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT + 64:
            return b"error\nthe report would be too large"


def _reap(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)  # a child that finished is a zombie until reaped
    os.waitpid(pid, 0)
