"""The HTML report in a real browser: headless Chromium (Debian's `chromium`) loads the page
and the test reads what a person would see. Driven over the DevTools protocol on a pipe, so
it needs nothing but the browser. Skips with a reason where Chromium is absent, unless
DEPLOYLINT_REQUIRE_BROWSER is set (CI sets it: there the check must run)."""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, TODAY, check_json, deploylint
from tests.test_report_hostile import hostile  # noqa: F401 (a fixture)

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 30.0


def browser_binary() -> str | None:
    named = os.environ.get("DEPLOYLINT_CHROMIUM")
    return named or next((found for c in CANDIDATES if (found := shutil.which(c))), None)


class Chromium:
    """Headless Chromium and one DevTools-protocol session over --remote-debugging-pipe
    (commands on the child's fd 3, replies on its fd 4, each a JSON message and a NUL)."""

    def __init__(self, binary: str, profile: Path) -> None:
        commands, self._send = os.pipe()
        self._receive, replies = os.pipe()

        def wire() -> None:  # in the child: put the pipe ends where Chromium expects them
            read_end, write_end = os.dup(commands), os.dup(replies)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        flags = ["--headless", "--disable-gpu", "--no-first-run", "--disable-extensions"]
        flags += ["--no-sandbox"] if os.geteuid() == 0 else []  # root can't use the sandbox
        self.process = subprocess.Popen(
            [binary, *flags, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            pass_fds=(3, 4),
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands)
        os.close(replies)
        self._buffer, self._id, self.session = b"", 0, ""

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def _next(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._receive], [], [], deadline - time.monotonic())
            chunk = os.read(self._receive, 1 << 16) if ready else b""
            if not chunk:
                raise TimeoutError("Chromium stopped answering")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(raw)
        return parsed

    def open(self, page: Path) -> None:
        """A new tab on ``page``, with alert() recording instead of blocking; wait for load."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable")
        hook = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));"
        self.call("Page.addScriptToEvaluateOnNewDocument", source=hook)
        self.call("Page.navigate", url=page.resolve().as_uri())
        deadline = time.monotonic() + TIMEOUT
        while self.evaluate("document.readyState") != "complete":
            assert time.monotonic() < deadline, "the page didn't finish loading"
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.process.wait(timeout=TIMEOUT)
        except (OSError, TimeoutError, RuntimeError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self._send)
        os.close(self._receive)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory) -> Iterator[Chromium]:
    binary = browser_binary()
    if binary is None:
        if os.environ.get("DEPLOYLINT_REQUIRE_BROWSER"):
            pytest.fail("DEPLOYLINT_REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip(
            "headless Chromium not found (install Debian's `chromium`, or point "
            "DEPLOYLINT_CHROMIUM at a Chrome binary); .ci/run installs it"
        )
    browser = Chromium(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


def html_report(tmp_path: Path, *paths: str | Path) -> Path:
    page = tmp_path / "report.html"
    run = deploylint("check", *map(str, paths), "-f", "html", "-o", str(page), "--today", TODAY)
    assert run.code == 1, run.stderr
    return page


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_examples_report_shows_the_verdict_and_every_finding(
    chromium, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(REPO)
    chromium.open(html_report(tmp_path, "examples"))
    seen = _words(chromium.evaluate("document.body.innerText"))
    assert seen.startswith("deploylint gap report Not authorized 5 documents in 5 files")
    assert "support-replies authorized" in seen
    _, report = check_json("examples")
    for finding in report["findings"]:
        # code spans (`field`) render as <code>: the page shows them without backticks
        assert _words(finding["gap"].replace("`", "")) in seen, finding["rule"]
        assert f"{finding['file']}:{finding['line']}:{finding['column']}" in seen
    assert "Fleet map" in seen and "collision: no shared lock" in seen
    # in print too: nothing the report needs is hidden by the print styles
    chromium.call("Emulation.setEmulatedMedia", media="print")
    printed = _words(chromium.evaluate("document.body.innerText"))
    assert printed == seen
    pdf = base64.b64decode(chromium.call("Page.printToPDF", printBackground=True)["data"])
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pdf.startswith(b"%PDF") and pages > 1, pages
    chromium.call("Emulation.setEmulatedMedia", media="")


def test_the_verdict_is_visible_at_the_top_of_the_screen(chromium, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    chromium.open(html_report(tmp_path, "examples"))
    box = chromium.evaluate(
        "(() => { const b = document.querySelector('header .verdict');"
        " const r = b.getBoundingClientRect(); const s = getComputedStyle(b);"
        " return {text: b.innerText, top: r.top, height: r.height, visible: s.visibility,"
        " display: s.display, viewport: innerHeight}; })()"
    )
    assert box["text"] == "Not authorized" and box["visible"] == "visible"
    assert box["display"] != "none" and 0 <= box["top"] < box["viewport"] and box["height"] > 0


DETECT_INJECTION = (
    "(() => ({"
    " elements: document.querySelectorAll('script, img, iframe, object, embed, svg').length,"
    " handlers: [...document.querySelectorAll('*')].filter("
    "   e => [...e.attributes].some(a => a.name.startsWith('on'))).length,"
    " alerts: window.__alerts.length,"
    " text: document.body.innerText }))()"
)


def test_hostile_doc_content_is_text_in_the_browser(chromium, hostile, tmp_path) -> None:  # noqa: F811
    chromium.open(html_report(tmp_path, hostile))
    page = chromium.evaluate(DETECT_INJECTION)
    assert (page["elements"], page["handlers"], page["alerts"]) == (0, 0, 0)
    assert "<script>alert(1)</script> <img src=x onerror=alert(1)>" in page["text"]
    assert "Not authorized" in page["text"]


def test_the_injection_check_can_fail(chromium, tmp_path) -> None:
    page = tmp_path / "unsafe.html"
    page.write_text("<p>doc</p><img src=x onerror=alert(1)><script>alert(2)</script>")
    chromium.open(page)
    found = chromium.evaluate(DETECT_INJECTION)
    assert found["elements"] == 2 and found["handlers"] == 1 and found["alerts"] >= 1
