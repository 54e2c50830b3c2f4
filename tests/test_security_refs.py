"""A rubric or config from a pull request reads no file it didn't name and reaches no network
(issue #12, item 1); custom rubrics `$ref` the shipped defs and test themselves (#13, item 1)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import PASSING, TODAY, deploylint

SECRET = "s3cr3t-runner-credential"


def rule(require: str, *, rule_id: str = "PY001") -> str:
    """One custom area file holding one rule whose `require` is ``require`` (flow YAML)."""
    return f"""\
area: payments
title: Payments
prefix: PY
rules:
  - id: {rule_id}
    name: payments-owner
    title: Payments owner named
    severity: high
    why: Someone must own payments.
    remediation: Name the owner.
    in: $
    key: payments_owner
    require: {require}
    gap:
      missing: "no payments owner"
      failing: "payments owner is a placeholder"
    blast_radius: "{{{{ blast }}}}"
    rollback_unit: "{{{{ rollback }}}}"
    examples:
      good:
        - set: $.payments_owner
          to: alice
      bad:
        - set: $.payments_owner
          to: TBD
"""


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'{"type": "string"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server (127.0.0.1 only) that records every request it gets."""
    _Recorder.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _all_formats(*args: str) -> list[str]:
    outputs = []
    for chosen in ("text", "json", "sarif", "github"):
        run = deploylint("check", *args, "--format", chosen, "--today", TODAY)
        assert run.code == 2, (chosen, run.stdout, run.stderr)
        outputs.append(run.stdout + run.stderr)
    return outputs


def test_a_file_ref_in_a_config_rubric_reads_nothing(tmp_path: Path, write: Callable) -> None:
    secret = write("home/creds.json", f'{{"x": {{"type": "string", "k": "{SECRET}"}}}}')
    write("repo/.git/HEAD", "ref: refs/heads/main\n")
    write("repo/ours/payments.yaml", rule(f'{{$ref: "file://{secret}#/x"}}'))
    config = write("repo/.deploylint.yaml", "rubric: [ours]\n")
    for output in _all_formats("--config", str(config), str(PASSING)):
        assert SECRET not in output
        assert "points outside the rule" in output
        assert "Traceback" not in output and "internal error" not in output


def test_an_http_ref_makes_no_request(server: str, write: Callable) -> None:
    area = write("ours/payments.yaml", rule(f'{{$ref: "{server}/schema.json"}}'))
    run = deploylint("check", "--rubric", str(area.parent), str(PASSING), "--today", TODAY)
    assert run.code == 2
    assert _Recorder.requests == []
    assert f"{area}: rule PY001: require: `$ref: {server}/schema.json` points outside" in (
        run.stderr
    )


def test_a_relative_ref_under_an_id_reads_nothing(server: str, write: Callable) -> None:
    area = write("ours/payments.yaml", rule(f'{{$id: "{server}/", $ref: "other.json"}}'))
    run = deploylint("check", "--rubric", str(area.parent), str(PASSING), "--today", TODAY)
    assert run.code == 2 and _Recorder.requests == []
    assert "points outside the rule" in run.stderr


def test_a_config_rubric_outside_the_repository_is_refused(write: Callable) -> None:
    token = write("home/token", f"{SECRET}\n")
    write("repo/.git/HEAD", "ref: refs/heads/main\n")
    config = write("repo/.deploylint.yaml", f'rubric: ["{token}", "../home"]\n')
    run = deploylint("check", "--config", str(config), str(PASSING), "--today", TODAY)
    assert run.code == 2
    assert SECRET not in run.stdout + run.stderr
    assert "outside the repository" in run.stderr


def test_a_rubric_file_that_is_not_a_rubric_is_not_quoted(write: Callable) -> None:
    token = write("token", f"{SECRET}\n")
    keyfile = write("key.yaml", f"private_key: {SECRET}\nid: {SECRET}\n")
    for named in (token, keyfile):
        run = deploylint("check", "--rubric", str(named), str(PASSING), "--today", TODAY)
        assert run.code == 2
        assert SECRET not in run.stderr
        assert f"{named}: not a rubric file" in run.stderr


def test_a_custom_rule_refs_the_shipped_defs(write: Callable) -> None:
    area = write("ours/payments.yaml", rule('{$ref: "#/$defs/declared_text"}'))
    doc = PASSING.read_text("utf-8")
    placeholder = write("placeholder.yaml", doc + "payments_owner: TBD\n")
    named = write("named.yaml", doc + "payments_owner: alice\n")
    fired = deploylint(
        "check", "--rubric", str(area.parent), str(placeholder), "--format", "json",
        "--today", TODAY,
    )  # fmt: skip
    assert "PY001" in {f["rule"] for f in fired.json()["findings"]}, fired.stderr
    quiet = deploylint(
        "check", "--rubric", str(area.parent), str(named), "--format", "json", "--today", TODAY
    )
    assert "PY001" not in {f["rule"] for f in quiet.json()["findings"]}, quiet.stderr


def test_a_ref_to_nothing_names_the_file_and_rule(write: Callable) -> None:
    area = write("ours/payments.yaml", rule('{$ref: "#/$defs/no_such_def"}'))
    for args in (("check", "--rubric", str(area.parent), str(PASSING)), ("test-rubric", str(area))):
        run = deploylint(*args)
        assert run.code == 2, run
        assert run.stderr.startswith(f"deploylint: error: {area}: rule PY001: require: $ref ")
        assert "'#/$defs/no_such_def' resolves to nothing" in run.stderr
        assert len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize("how", ["folder", "dot", "file"])
def test_test_rubric_finds_rules_by_relative_path(
    how: str, write: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("ourrubric/payments.yaml", rule('{$ref: "#/$defs/declared_text"}'))
    where, named = {
        "folder": (tmp_path, "ourrubric"),
        "dot": (tmp_path / "ourrubric", "."),
        "file": (tmp_path / "ourrubric", "payments.yaml"),
    }[how]
    monkeypatch.chdir(where)
    run = deploylint("test-rubric", named, "--today", TODAY)
    assert run.stdout.splitlines() == ["ok   PY001", "1 rule(s), 0 failing"], run
    assert run.code == 0


def test_test_rubric_reports_a_failing_example(write: Callable) -> None:
    broken = rule('{$ref: "#/$defs/declared_text"}').replace("to: TBD", "to: bob")
    area = write("ours/payments.yaml", broken)
    run = deploylint("test-rubric", str(area), "--today", TODAY)
    assert run.code == 1
    assert "FAIL PY001: its bad example doesn't fire it" in run.stdout


def test_the_shipped_rubric_tests_itself() -> None:
    shipped = Path(__file__).resolve().parents[1] / "rubrics" / "default"
    run = deploylint("test-rubric", os.path.relpath(shipped), "--today", TODAY)
    last = run.stdout.splitlines()[-1]
    assert last.endswith(" rule(s), 0 failing") and not last.startswith("0 "), run
    assert run.code == 0


def test_a_copy_of_the_shipped_rubric_tests_itself_like_the_original(tmp_path: Path) -> None:
    """From a checkout beside a wheel install, `rubrics/default` is a copy, not the installed
    folder: byte for byte the shipped rubric, it is trusted and tested as that."""
    import shutil

    shipped = Path(__file__).resolve().parents[1] / "rubrics" / "default"
    copy = tmp_path / "checkout" / "default"
    shutil.copytree(shipped, copy)
    run = deploylint("test-rubric", str(copy), "--today", TODAY)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[-1].endswith(" rule(s), 0 failing")
    (copy / "review.yaml").write_text((copy / "review.yaml").read_text() + "\n# edited\n")
    edited = deploylint("test-rubric", str(copy), "--today", TODAY)
    assert edited.code == 2 and "over 10,000" in edited.stderr  # a custom rubric's bounds
