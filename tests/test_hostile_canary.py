"""`!!python/...` tags never run, import or construct anything, wherever deploylint reads YAML.

Each payload would leave a canary file behind if it ran: a shell command, an `exec`, or an
import of a module (``canary_mod``, put on the path) whose import writes the canary. Every
payload goes through every place YAML is read: ``check`` on a file, on stdin and in a
multi-document stream, ``fleet``, and ``audit --doc``.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSING, TODAY, Run, deploylint, deploylint_process

APPLY = "tag:yaml.org,2002:python/object/apply"
# name: (directives, the value of an x- key), formatted with {canary}
PAYLOADS = {
    "apply-system": ("", '!!python/object/apply:os.system ["touch {canary}"]'),
    "apply-mapping-form": ("", '!!python/object/apply:os.system {{args: ["touch {canary}"]}}'),
    "apply-scalar": ("", '!!python/object/apply:os.system "touch {canary}"'),
    "apply-subprocess": ("", "!!python/object/apply:subprocess.check_call [[touch, {canary}]]"),
    "apply-exec": ("", "!!python/object/apply:builtins.exec [\"open('{canary}', 'w')\"]"),
    "new": ("", '!!python/object/new:os.system ["touch {canary}"]'),
    "object": ("", "!!python/object:canary_mod.Thing {{a: 1}}"),
    "name": ("", "!!python/name:canary_mod.thing"),
    "module": ("", "!!python/module:canary_mod"),
    "tag-shorthand": (f"%TAG !py! {APPLY}:\n", '!py!os.system ["touch {canary}"]'),
    "verbatim": ("", f'!<{APPLY}:os.system> ["touch {{canary}}"]'),
    "as-a-key": ("", '\n  ? !!python/object/apply:os.system ["touch {canary}"]\n  : value'),
    "in-a-merge": ("", '\n  <<: !!python/object/apply:os.system ["touch {canary}"]\n  a: 1'),
    "yaml-1.1": ("%YAML 1.1\n", '!!python/object/apply:os.system ["touch {canary}"]'),
}


@pytest.fixture
def canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file a payload would create, and an importable module that creates it."""
    made = tmp_path / "canary"
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "canary_mod.py").write_text(
        f"open({str(made)!r}, 'w').close()\nthing = 1\nclass Thing:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PYTHONPATH", str(modules))
    monkeypatch.delitem(sys.modules, "canary_mod", raising=False)  # a fresh import each time
    return made


def _doc(name: str, canary: Path) -> str:
    directives, value = PAYLOADS[name]
    payload = value.format(canary=canary)
    body = PASSING.read_text().replace("\nbudget:", f"\nx-payload: {payload}\nbudget:", 1)
    assert payload in body
    return f"{directives}---\n{body}" if directives else body


def _refused(run: Run, canary: Path) -> None:
    assert not canary.exists(), "the payload ran"
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_check_reads_the_tag_as_plain_data(name: str, canary: Path, write) -> None:
    doc = write("evil.yaml", _doc(name, canary))
    run = deploylint("check", str(doc), "--format", "json", "--today", TODAY)
    _refused(run, canary)
    assert run.code == 1
    assert "DL008" in {f["rule"] for f in run.json()["findings"]}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_stdin_and_multi_document_streams(name: str, canary: Path) -> None:
    evil = _doc(name, canary)
    stream = PASSING.read_text() + "\n---\n" + evil.replace("%YAML 1.1\n---\n", "")
    for text in (evil, stream):
        run = deploylint("check", "-", "--format", "json", "--today", TODAY, stdin=text)
        _refused(run, canary)
        assert run.code == 1, run.stderr
        assert "DL008" in {f["rule"] for f in run.json()["findings"]}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_fleet_and_audit_doc(name: str, canary: Path, write) -> None:
    doc = write("evil.yaml", _doc(name, canary))
    rows = write("rows.jsonl", '{"lock_holder": "x"}\n')
    fleet = deploylint("fleet", str(doc), "--format", "json")
    _refused(fleet, canary)
    assert fleet.code == 0
    audit = deploylint("audit", str(rows), "--doc", str(doc), "--format", "json")
    _refused(audit, canary)
    assert audit.code in (0, 1)


def test_every_payload_at_once_in_a_real_process(canary: Path, write) -> None:
    """The same, as a user runs it: one doc per payload, every command, one process each."""
    docs = [str(write(f"evil-{name}.yaml", _doc(name, canary))) for name in sorted(PAYLOADS)]
    rows = write("rows.jsonl", '{"lock_holder": "x"}\n')
    runs = [
        deploylint_process("check", *docs, "--format", "json", "--today", TODAY),
        deploylint_process("fleet", *docs, "--format", "markdown"),
        *(deploylint_process("audit", str(rows), "--doc", doc) for doc in docs[:3]),
    ]
    for run in runs:
        _refused(run, canary)
    assert len([f for f in runs[0].json()["findings"] if f["rule"] == "DL008"]) >= len(docs)


def test_the_canaries_are_live(canary: Path) -> None:
    """Control: what the payloads call does leave the canary, so its absence above means
    the payload never ran."""
    assert os.system(f"touch {canary}") == 0 and canary.exists()
    canary.unlink()
    importlib.import_module("canary_mod")
    assert canary.exists()
    del sys.modules["canary_mod"]


AUDIT_HOOK = """
import os, sys
_log = open(os.environ["DEPLOYLINT_EVENTS"], "a")
_WATCHED = ("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
            "os.fork", "os.kill", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.",
            "ctypes.")
def _hook(event, args):
    if event.startswith(_WATCHED):
        _log.write(event + "\\n")
        _log.flush()
sys.addaudithook(_hook)
"""


def test_no_network_and_no_processes(tmp_path: Path, write) -> None:
    """Python's audit hooks see every socket, process and ctypes call: none happens while
    deploylint reads the whole hostile corpus with every command."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(AUDIT_HOOK)
    events = tmp_path / "events"
    events.write_text("")
    env = {"PYTHONPATH": str(tmp_path / "hook"), "DEPLOYLINT_EVENTS": str(events)}
    corpus = Path(__file__).resolve().parent / "hostile"
    evil = write("evil.yaml", _doc("apply-system", tmp_path / "canary"))
    rows = write("rows.jsonl", '{"lock_holder": "x"}\n')
    runs = [
        deploylint_process("check", str(corpus), str(evil), "--today", TODAY, env=env),
        deploylint_process("fleet", str(corpus), str(evil), "--format", "markdown", env=env),
        deploylint_process("audit", str(rows), "--doc", str(evil), env=env),
        deploylint_process("explain", "KS001", env=env),
    ]
    assert all(run.code in (0, 1, 2) and "Traceback" not in run.stderr for run in runs)
    assert events.read_text() == ""
    control = "import subprocess, sys; subprocess.run([sys.executable, '-c', ''])"
    subprocess.run([sys.executable, "-c", control], env={**os.environ, **env}, check=True)
    assert "subprocess.Popen" in events.read_text(), "the hook is live in a child"
