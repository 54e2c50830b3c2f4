"""Replaying an unchanged `check` (deploylint.cache.replay): a hit prints exactly what a run
prints, without importing the command line; anything that changed is graded again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from deploylint import cache
from deploylint.cache import replay

from .conftest import FAILING, PASSING, REPO, Run, deploylint_process, settled
from .test_integrations import CUSTOM_AREA

SRC = REPO / "src" / "deploylint"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two docs and its own cache folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(PASSING, tmp_path / "docs" / "passing.yaml")
    shutil.copy(FAILING, tmp_path / "docs" / "failing.yaml")
    return tmp_path


def run(repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    cache = {"DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
    return deploylint_process("check", *args, cwd=repo, env={**cache, **(env or {})})


def broken_cli(repo: Path) -> dict[str, str]:
    """An environment in which the command line can't start: only a replay can answer."""
    shadow = repo / "shadow"  # a module only the command line imports (and not a library
    shadow.mkdir(exist_ok=True)  # whose files key the run: a different typer is a new run)
    (shadow / "difflib.py").write_text("raise ImportError('the command line was started')\n")
    return {"PYTHONPATH": str(shadow)}


def entries(repo: Path) -> list[Path]:
    return sorted((repo / "cache" / "replay").glob("*.json"))


@pytest.mark.parametrize("chosen", ["text", "json", "sarif", "github", "markdown", "junit"])
def test_an_unchanged_run_is_replayed_byte_for_byte_without_the_command_line(repo, chosen):
    first = run(repo, "docs", "--format", chosen)
    assert first.code == 1 and first.stdout
    assert len(entries(repo)) == 1
    again = run(repo, "docs", "--format", chosen, env=broken_cli(repo))
    assert again == first


def test_a_run_whose_docs_were_read_by_workers_is_replayed_too(repo):
    """Whether a run used workers depends on the machine's load at that moment; whether it
    is replayed must not: each worker hands back what it read."""
    first = run(repo, "docs", "--format", "json", "--jobs", "2")
    [entry] = entries(repo)
    depends = json.loads(entry.read_bytes().partition(b"\n")[2])["depends"]
    read = {Path(path).name for kind, path, _ in depends if kind == "file"}
    assert {"passing.yaml", "failing.yaml"} <= read  # the workers' reads, heard
    again = run(repo, "docs", "--format", "json", "--jobs", "2", env=broken_cli(repo))
    assert again == first


def test_a_run_with_a_custom_rubric_is_replayed_though_its_budget_reads_the_process_size(repo):
    """A custom rule's memory budget reads /proc/self/statm: the process's own state, not
    an input (as a dependency it differed at every run, and nothing was ever replayed)."""
    area = repo / "ours" / "data_residency.yaml"
    area.parent.mkdir()
    area.write_text(CUSTOM_AREA)
    settled(repo)
    first = run(repo, "docs", "--rubric", str(area))
    assert first.code == 1 and len(entries(repo)) == 1
    assert run(repo, "docs", "--rubric", str(area), env=broken_cli(repo)) == first


def test_the_broken_command_line_does_fail_a_run_that_is_not_replayed(repo):
    failed = run(repo, "docs", env=broken_cli(repo))
    assert failed.code != 0 and "the command line was started" in failed.stderr


def test_warnings_and_a_clean_exit_are_replayed_too(repo):
    (repo / "docs" / "empty").mkdir()
    first = run(repo, "docs/passing.yaml", "docs/empty", "-q")
    assert first.code == 0 and "no *.yaml or *.yml files" in first.stderr
    assert run(repo, "docs/passing.yaml", "docs/empty", "-q", env=broken_cli(repo)) == first


def fresh(repo: Path, *args: str) -> Run:
    return run(repo, *args, "--no-cache")


@pytest.mark.parametrize(
    "change",
    [
        "edit a doc",
        "add a doc",
        "remove a doc",
        "add a config",
        "edit the config",
        "link a doc elsewhere",
    ],
)
@pytest.mark.parametrize("jobs", ["1", "2"])  # 2: the docs are read in worker processes
def test_a_change_the_run_depends_on_is_graded_again(repo, change, jobs):
    config = repo / ".deploylint.yaml"
    if change == "edit the config":
        config.write_text("fail_on: critical\n")
    settled(repo)  # else a config written just now keeps the run from being recorded
    first = run(repo, "docs", "--format", "json", "--jobs", jobs)
    assert len(entries(repo)) == 1  # recorded: the next run may replay it, or must not
    doc = repo / "docs" / "failing.yaml"
    if change == "edit a doc":
        doc.write_text(PASSING.read_text())
    elif change == "add a doc":
        shutil.copy(FAILING, repo / "docs" / "another.yaml")
    elif change == "remove a doc":
        doc.unlink()
    elif change == "add a config":
        config.write_text("fail_on: critical\n")
    elif change == "edit the config":
        config.write_text("ignore: [KS]\n")
    else:
        (repo / "elsewhere.yaml").write_text(PASSING.read_text())
        doc.unlink()
        doc.symlink_to(repo / "elsewhere.yaml")
    again = run(repo, "docs", "--format", "json", "--jobs", jobs)
    assert again == fresh(repo, "docs", "--format", "json", "--jobs", jobs)
    assert again != first


def _defs_beside_one_area_file(repo: Path) -> tuple[list[str], Callable[[], None]]:
    area = repo / "ours" / "data_residency.yaml"
    area.parent.mkdir()
    area.write_text(CUSTOM_AREA.replace("{type: array, minItems: 1}", '{$ref: "#/$defs/reads"}'))
    (repo / "ours" / "_defs.yaml").write_text("reads: {type: array, minItems: 1}\n")

    def change() -> None:  # the defs file, probed by is_file() alone, now asks for more
        (repo / "ours" / "_defs.yaml").write_text("reads: {type: array, minItems: 9}\n")

    return ["docs", "--rubric", str(area), "--fail-on", "medium"], change


def _config_rubric_moved_outside(repo: Path) -> tuple[list[str], Callable[[], None]]:
    (repo / "r").mkdir()
    (repo / "r" / "dr.yaml").write_text(CUSTOM_AREA)
    (repo / ".deploylint.yaml").write_text("rubric: [r]\n")

    def change() -> None:  # an identical copy, but outside the repository: refused
        outside = repo.parent / f"{repo.name}-outside"
        shutil.move(repo / "r", outside)
        (repo / "r").symlink_to(outside)

    return ["docs/passing.yaml"], change


def _link_retargeted_up_its_path(repo: Path) -> tuple[list[str], Callable[[], None]]:
    (repo / "docs" / "failing.yaml").unlink()
    (repo / "shared").mkdir()
    (repo / "docs" / ".hidden").mkdir()
    shutil.copy(PASSING, repo / "shared" / "doc.yaml")
    shutil.copy(FAILING, repo / "docs" / ".hidden" / "doc.yaml")
    (repo / "docs" / "link.yaml").symlink_to("../shared/doc.yaml")

    def change() -> None:  # docs/link.yaml now leads inside docs: graded, not skipped
        shutil.rmtree(repo / "shared")
        (repo / "shared").symlink_to("docs/.hidden")

    return ["docs"], change


def _oversized_doc_shrunk(repo: Path) -> tuple[list[str], Callable[[], None]]:
    (repo / ".deploylint.yaml").write_text("max_file_bytes: 20000\n")
    big = repo / "docs" / "passing.yaml"
    big.write_text(PASSING.read_text() + "#" * 30_000 + "\n")

    def change() -> None:  # under the limit now: graded, never opened before
        big.write_text(PASSING.read_text())

    return ["docs"], change


def _named_doc_with_a_code_suffix(repo: Path) -> tuple[list[str], Callable[[], None]]:
    doc = repo / "docs" / "agent.py"
    shutil.copy(PASSING, doc)
    return ["docs/agent.py"], lambda: doc.write_text(FAILING.read_text())


@pytest.mark.parametrize(
    "case",
    [
        _defs_beside_one_area_file,
        _config_rubric_moved_outside,
        _link_retargeted_up_its_path,
        _oversized_doc_shrunk,
        _named_doc_with_a_code_suffix,
    ],
)
def test_what_a_stat_or_a_link_decided_is_checked_again(repo, case):
    args, change = case(repo)
    settled(repo)  # as if written a while ago: see the next test
    first = run(repo, *args)
    assert len(entries(repo)) == 1, first.stderr
    change()
    again = run(repo, *args)
    assert again == fresh(repo, *args)
    assert (again.code, again.stdout, again.stderr) != (first.code, first.stdout, first.stderr)


def test_a_config_written_as_the_run_starts_is_not_vouched_for_by_its_stat(repo):
    """A file the run reads but doesn't grade (a config, a rubric, a baseline) is hashed
    when the run ends; written within two seconds of its start, it may have been written
    again since it was read, in the same tick of a coarse clock and at the same size, and
    the hash would vouch for bytes the run never saw. Such a run isn't recorded."""
    (repo / ".deploylint.yaml").write_text("fail_on: none\n")  # just now
    assert run(repo, "docs").code == 0 and entries(repo) == []
    settled(repo)
    assert run(repo, "docs").code == 0 and len(entries(repo)) == 1


def test_stdout_and_stderr_replay_in_the_order_they_were_written(repo):
    (repo / "docs" / "empty").mkdir()
    args = [sys.executable, "-m", "deploylint", "check", "docs/empty", "docs"]
    env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(repo / "cache")}

    def merged(*extra: str) -> bytes:  # as CI captures a step: `2>&1` into one log
        done = subprocess.run([*args, *extra], cwd=repo, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60, check=False)  # fmt: skip
        return done.stdout

    first = merged()
    assert first.startswith(b"deploylint: warning: docs/empty")
    assert merged() == first == merged("--no-cache")
    assert len(entries(repo)) == 1


def test_a_hook_run_with_a_fleet_context_is_never_recorded(repo):
    """The hook's staged doc changes at every commit: a recording would hardly ever replay,
    while hearing every context doc's stat costs more than a replay saves."""
    shutil.copy(PASSING, repo / "docs" / "other.yaml")  # the same agent id: FL006
    done = run(repo, "docs/passing.yaml", "--fleet-context", "docs")
    assert done.code == 1 and "FL006" in done.stdout and entries(repo) == []


def test_help_and_a_terminal_like_run_are_never_recorded(repo):
    helped = run(repo, "--help")
    assert helped.code == 0 and "Usage" in helped.stdout and "Traceback" not in helped.stderr
    run(repo, "docs", env={"FORCE_COLOR": "1"})  # rich may take a width from the terminal
    assert entries(repo) == []


def test_a_deleted_working_folder_is_one_line_and_never_recorded(repo):
    gone = repo / "gone"
    gone.mkdir()
    script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
    script += "sys.argv = ['deploylint', 'check', '.']; "
    script += "runpy.run_module('deploylint', run_name='__main__')"
    env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


RECORD = r"""
import sys
from pathlib import Path
from deploylint import cache
from deploylint.cache import replay
recording = replay.record(["check", "doc.yaml"])
doc = Path("doc.yaml")
replay.note_read(doc, doc.read_bytes())
if sys.argv[1] == "edited":
    doc.write_text(doc.read_text() + "# saved by an editor while the run ran\n")
recording.finish(0)
"""


@pytest.mark.parametrize("during", ["untouched", "edited"])
def test_a_file_changed_while_the_run_ran_is_not_recorded(repo, during):
    shutil.copy(PASSING, repo / "doc.yaml")
    env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
    subprocess.run([sys.executable, "-c", RECORD, during], cwd=repo, env=env, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    assert len(entries(repo)) == (1 if during == "untouched" else 0)


REFUSED = r"""
import os, sys
from deploylint.cache import replay
real = os.stat
recording = replay.record(["check", "."])
assert os.stat is not real  # hearing
import shutil
assert shutil._use_fd_functions  # --gate-from's rmtree stays the symlink-safe one
print("printed before")
replay.refuse("a test")
print("printed after")
assert os.stat is real and recording.output == [] and recording.depends == {}
"""


def test_a_refused_run_keeps_nothing_and_stops_hearing(repo):
    """Workers are forked after the refusal (the fork is one): they must not pay for it."""
    env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
    done = subprocess.run([sys.executable, "-c", REFUSED], cwd=repo, env=env, text=True,
                          capture_output=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "printed before\nprinted after\n"


def test_an_entry_too_large_to_read_back_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(tmp_path))
    limit = 100  # the MAC line (65) and 35 characters of JSON
    cache.store(replay.KIND, b"fits", {"output": "x" * 21}, limit=limit)  # {"output": "x..."}
    cache.store(replay.KIND, b"over", {"output": "x" * 22}, limit=limit)
    assert cache.load(replay.KIND, b"fits", limit=limit) == {"output": "x" * 21}
    assert cache.load(replay.KIND, b"fits", limit=limit - 1) is None
    assert len(list((tmp_path / replay.KIND).glob("*.json"))) == 1


def test_entries_from_a_past_day_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(tmp_path))
    for key in (b"old", b"new"):
        cache.store(replay.KIND, key, {"key": key.decode()})
    [old] = [e for e in (tmp_path / replay.KIND).glob("*.json") if b'"old"' in e.read_bytes()]
    os.utime(old, (0, 0))
    cache.prune(replay.KIND, older_than=replay.KEPT_FOR)
    assert cache.load(replay.KIND, b"old") is None
    assert cache.load(replay.KIND, b"new") == {"key": "new"}


def test_a_link_loop_in_a_walked_folder_hides_no_other_change(repo):
    (repo / "docs" / "failing.yaml").unlink()
    (repo / "docs" / "loop").symlink_to("loop")  # is_dir() on it: ELOOP
    first = run(repo, "docs")
    assert first.code == 0 and len(entries(repo)) == 1
    shutil.copy(FAILING, repo / "docs" / "failing.yaml")
    again = run(repo, "docs")
    assert again.code == 1 and again == fresh(repo, "docs")


def test_pruning_never_follows_a_linked_entry_folder(repo):
    victim = repo / "victim"
    victim.mkdir()
    (victim / "data.json").write_text("{}")
    os.utime(victim / "data.json", (0, 0))
    (repo / "cache").mkdir()
    (repo / "cache" / replay.KIND).symlink_to(victim)
    run(repo, "docs")
    assert (victim / "data.json").exists()


@pytest.mark.parametrize("closed", ["stdout", "stderr"])
def test_a_closed_output_stream_is_never_recorded_and_never_a_traceback(repo, closed):
    def closing(*extra: str) -> subprocess.CompletedProcess[str]:
        argv = ["deploylint", "check", *extra]
        script = f"import sys; sys.{closed} = None; sys.argv = {argv!r}; "
        script += "import runpy; runpy.run_module('deploylint', run_name='__main__')"
        env = {**os.environ, "DEPLOYLINT_CACHE_DIR": str(repo / "cache")}
        return subprocess.run([sys.executable, "-c", script], cwd=repo, env=env, text=True,
                              capture_output=True, timeout=60, check=False)  # fmt: skip

    done, fresh_run = closing("docs"), closing("docs", "--no-cache")
    assert (done.returncode, done.stdout) == (fresh_run.returncode, fresh_run.stdout)
    assert "Traceback" not in done.stderr and entries(repo) == []
    if closed == "stdout":  # nowhere to write the report: one line, exit 2
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1


def test_a_named_file_that_became_a_fifo_is_graded_again_without_hanging(repo):
    first = run(repo, "docs/passing.yaml")
    (repo / "docs" / "passing.yaml").unlink()
    os.mkfifo(repo / "docs" / "passing.yaml")
    again = run(repo, "docs/passing.yaml")  # deploylint_process's timeout would fail the test
    assert again.code == 2 and "not a regular file" in again.stderr and first.code == 0


def test_the_environment_and_the_day_are_part_of_the_run(repo):
    first = run(repo, "docs", "--format", "json")
    later = run(repo, "docs", "--format", "json", env={"DEPLOYLINT_TODAY": "2031-01-01"})
    assert later.json()["today"] == "2031-01-01" != first.json()["today"]
    in_actions = run(repo, "docs", env={"GITHUB_ACTIONS": "true"})
    assert in_actions.stdout.startswith("::")


def test_an_edited_custom_rubric_is_read_again(repo):
    rubric = repo / "rubric"
    rubric.mkdir()
    area = rubric / "data_residency.yaml"
    area.write_text(CUSTOM_AREA)
    settled(repo)
    first = run(repo, "docs", "--rubric", str(rubric), "--format", "json")
    assert len(entries(repo)) == 1
    area.write_text(CUSTOM_AREA.replace("minItems: 1", "minItems: 9"))
    again = run(repo, "docs", "--rubric", str(rubric), "--format", "json")
    assert again == fresh(repo, "docs", "--rubric", str(rubric), "--format", "json")
    assert again != first


@pytest.mark.parametrize(
    "args",
    [
        ("docs", "-o", "report.txt"),
        ("docs", "--write-baseline", "baseline.json"),
        ("docs", "--no-cache"),
        ("missing.yaml",),  # exit 2
        ("-",),
    ],
)
def test_runs_that_must_run_again_are_never_recorded(repo, args):
    run(repo, *args)
    assert entries(repo) == []


def test_a_report_file_is_written_again_by_a_second_run(repo):
    run(repo, "docs", "-o", "report.txt")
    (repo / "report.txt").unlink()
    run(repo, "docs", "-o", "report.txt")
    assert (repo / "report.txt").read_text()


def test_a_tampered_entry_is_not_replayed(repo):
    first = run(repo, "docs")
    [entry] = entries(repo)
    mac, _, payload = entry.read_bytes().partition(b"\n")
    assert b'"code": 1' in payload
    entry.write_bytes(mac + b"\n" + payload.replace(b'"code": 1', b'"code": 0'))
    assert run(repo, "docs") == first  # graded again: still exit 1


@pytest.mark.parametrize("kind", ["file", "folder", "kind"])
def test_signatures_tell_what_changed(tmp_path, kind):
    path = tmp_path / "thing"
    path.write_text("one")
    before = replay.signature(kind, str(path))
    if kind == "folder":
        path.unlink()
        path.mkdir()
        before = replay.signature(kind, str(path))
        (path / "new.yaml").write_text("")
    elif kind == "file":
        path.write_text("two")
    else:
        path.unlink()
    assert replay.signature(kind, str(path)) != before


def test_every_environment_variable_deploylint_reads_is_in_the_key():
    named = set()
    for module in SRC.rglob("*.py"):
        text = module.read_text("utf-8")
        named |= set(re.findall(r"environ\.get\(\s*\"([A-Z_]+)\"", text))
        named |= set(re.findall(r"envvar=\"([A-Z_]+)\"", text))
        named |= set(re.findall(r"\"(FORCE_COLOR|TTY_[A-Z]+|JUPYTER_[A-Z]+)\"", text))
    assert len(named) >= 8
    missed = {n for n in named if n not in replay.ENVIRONMENT and not n.startswith(replay.PREFIXES)}
    assert missed == set()


def test_deploylint_never_lists_a_folder_past_the_recording():
    """The recording hears folder scans (os.scandir, which pathlib's glob uses too); the
    import system's os.listdir is not heard, so deploylint itself must not list that way."""
    for module in SRC.rglob("*.py"):
        text = module.read_text("utf-8")
        assert "listdir(" not in text and ".iterdir(" not in text, module


def test_a_surprise_in_replay_or_recording_just_runs_the_command(monkeypatch):
    """A replay is a shortcut: no failure in it may become a traceback or an exit code."""

    def surprise(*_args: object) -> None:
        raise RuntimeError("surprise")

    monkeypatch.setattr(replay, "_key", surprise)
    assert replay.replayed(["check", "docs"]) is None
    monkeypatch.setattr(replay, "_key", lambda _argv: b"a key")
    monkeypatch.setattr(replay, "_holds", surprise)
    monkeypatch.setattr(replay.cache, "load", lambda _kind, _key: {"code": 0})
    assert replay.replayed(["check", "docs"]) is None
    monkeypatch.setattr(replay, "Recording", surprise)
    assert replay.record(["check", "docs"]) is None
