"""Every file deploylint writes is written atomically and never through a link (issue #12,
item 3), and the rubric cache trusts nothing it reads back (item 8)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FAILING, PASSING, TODAY, check_json, deploylint, deploylint_process

HOOK = "#!/bin/sh\necho the real hook\n"


@pytest.fixture
def hook(tmp_path: Path) -> Path:
    """A file a pull request would like to overwrite (.git/hooks/pre-commit)."""
    path = tmp_path / ".git" / "hooks" / "pre-commit"
    path.parent.mkdir(parents=True)
    path.write_text(HOOK)
    return path


def _link(path: Path, target: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


@pytest.mark.parametrize("how", ["output", "write-baseline"])
def test_reports_and_baselines_are_not_written_through_a_link(
    how: str, hook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _link(tmp_path / "out.json", hook)
    run = deploylint("check", str(FAILING), f"--{how}", "out.json", "--today", TODAY)
    assert run.code == 2
    assert hook.read_text() == HOOK
    assert (tmp_path / "out.json").is_symlink()
    assert "out.json: is a symbolic link; deploylint doesn't write through links" in run.stderr


def test_a_linked_folder_on_the_way_is_refused(
    hook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _link(tmp_path / "reports", hook.parent)
    for args in (("-o", "reports/pre-commit"), ("--write-baseline", "reports/pre-commit")):
        run = deploylint("check", str(PASSING), *args, "--today", TODAY)
        assert run.code == 2, run
        assert hook.read_text() == HOOK
        assert "reports is a symbolic link" in run.stderr


def test_schema_output_is_not_written_through_a_link(
    hook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _link(tmp_path / "schema.json", hook)
    run = deploylint("schema", "-o", "schema.json")
    assert run.code == 2 and hook.read_text() == HOOK


def test_init_refuses_a_dangling_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / ".git" / "hooks" / "post-checkout"
    target.parent.mkdir(parents=True)
    _link(tmp_path / "doc.yaml", target)
    run = deploylint("init", "-o", "doc.yaml")
    assert run.code == 2
    assert not target.exists()
    assert "doc.yaml: is a symbolic link" in run.stderr
    (tmp_path / "doc.yaml").unlink()
    (tmp_path / "doc.yaml").write_text("mine\n")
    run = deploylint("init", "-o", "doc.yaml")
    assert run.code == 2 and "doc.yaml: exists; not overwriting it" in run.stderr
    assert (tmp_path / "doc.yaml").read_text() == "mine\n"
    assert deploylint("init", "-o", "new.yaml").code == 0
    assert "kind: AgentDeployment" in (tmp_path / "new.yaml").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_killed_run_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(2_000):  # grading them takes seconds; the run is killed long before
        (docs / f"d{n}.yaml").write_bytes(FAILING.read_bytes())
    report = tmp_path / "report.json"
    report.write_text('{"previous": true}\n')
    child = subprocess.Popen(
        [sys.executable, "-m", "deploylint", "check", str(docs), "-f", "json", "-o", str(report)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers are killed with it, as a CI runner kills a job
    )
    time.sleep(1.0)
    assert child.poll() is None, "the run ended before it could be killed"
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert report.read_text() == '{"previous": true}\n'


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.json"))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(folder))
    monkeypatch.setenv("DEPLOYLINT_VALIDATE_RUBRIC", "1")
    return folder


def _fresh_findings(cache_dir: Path) -> int:
    """Findings on the failing example, graded in a new process with this cache folder."""
    env = {"DEPLOYLINT_CACHE_DIR": str(cache_dir)}
    run = deploylint_process("check", str(FAILING), "-f", "json", "--today", TODAY, env=env)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return len(run.json()["findings"])


def test_a_poisoned_cache_entry_changes_no_finding(cache_dir: Path) -> None:
    expected = _fresh_findings(cache_dir)
    assert _entries(cache_dir)
    for entry in _entries(cache_dir):
        mac, _, payload = entry.read_text().partition("\n")
        data = json.loads(payload)
        if isinstance(data, dict) and "rules" in data:
            data["rules"] = data["rules"][:1]  # drop every rule but the first
            entry.write_text(mac + "\n" + json.dumps(data))
    assert _fresh_findings(cache_dir) == expected


@pytest.mark.parametrize("content", ["{}", "[]", "null", '{"rules": 1}', "x\n{}"])
def test_a_malformed_cache_entry_is_ignored(cache_dir: Path, content: str) -> None:
    expected = _fresh_findings(cache_dir)
    for entry in _entries(cache_dir):
        entry.write_text(content)
    assert _fresh_findings(cache_dir) == expected


def test_cache_entries_are_not_written_through_links(cache_dir: Path, tmp_path: Path) -> None:
    _fresh_findings(cache_dir)
    victim = tmp_path / "victim"
    victim.write_text("untouched\n")
    for entry in _entries(cache_dir):
        entry.unlink()
        entry.symlink_to(victim)
    expected = _fresh_findings(cache_dir)
    assert victim.read_text() == "untouched\n"
    assert _fresh_findings(cache_dir) == expected


def test_a_linked_cache_folder_is_not_used(tmp_path: Path, write: Callable) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked = _link(tmp_path / "cache", elsewhere)
    expected = _fresh_findings(linked)
    assert list(elsewhere.iterdir()) == []
    assert _fresh_findings(linked) == expected


def test_no_home_and_an_unknown_user_is_no_cache_not_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pwd

    def unknown(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in ("HOME", "DEPLOYLINT_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown)
    from deploylint import cache

    assert cache.folder() is None
    code, report = check_json(FAILING)
    assert code == 1 and report["findings"]


def test_no_home_in_a_real_process() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "DEPLOYLINT_CACHE_DIR")}
    completed = subprocess.run(
        [sys.executable, "-m", "deploylint", "check", str(FAILING), "--today", TODAY],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI is root)")
def test_output_to_a_character_device_writes_it_and_keeps_the_device(tmp_path: Path) -> None:
    """`-o /dev/null` as root once renamed a regular file over /dev/null."""
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    run = deploylint("check", str(PASSING), "-o", str(null), "--today", TODAY)
    assert run.code == 0, run.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert not list(tmp_path.glob(".null.*"))  # no temporary file left behind


def test_output_to_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    run = deploylint("check", str(PASSING), "-o", str(fifo), "--today", TODAY)
    assert run.code == 2 and "not a regular file" in run.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
