"""A cache a pull request can't bring (issue 19, item 3): the key that signs entries never
travels with the cache folder, entries are keyed on the content of the code that graded
them, CI runs grade every file unless asked otherwise, and the folder is kept small."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import deploylint as package_root
from deploylint.cache import tidy as cachetidy
from deploylint.resources import data_dir
from tests.conftest import FAILING, REPO, TODAY, Run, deploylint, deploylint_process

ATTACKER_KEY = b"k" * 32


def _run(cache_dir: Path, state: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """`check --format json` on the failing example in a new process, as a CI job runs it."""
    folders = {"DEPLOYLINT_CACHE_DIR": str(cache_dir), "XDG_STATE_HOME": str(state)}
    return deploylint_process(
        "check", str(FAILING), "-f", "json", "--today", TODAY, *args, env={**folders, **(env or {})}
    )


def _entries(cache_dir: Path, prefix: str = "") -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*.json") if p.parent.name.startswith(prefix))


def _forged(entry: Path, data: object) -> object:
    """What a pull request's job would leave in the entry: no findings, exit 0."""
    if entry.parent.name == "replay" and isinstance(data, dict):
        return {**data, "code": 0, "output": [[0, '{"findings": []}\n']]}
    if entry.parent.name.startswith("result-") and isinstance(data, dict):
        return {**data, "documents": [{**d, "findings": []} for d in data["documents"]]}
    return data


def _sign_everything(cache_dir: Path, key: bytes) -> None:
    """The attack: a job that ran the PR's code signs forged entries with a key it chose and
    leaves that key in the cache folder (where deploylint kept it), to be restored with it."""
    (cache_dir / "key").write_bytes(key)
    (cache_dir / "key").chmod(0o600)
    for entry in _entries(cache_dir):
        payload = json.dumps(_forged(entry, json.loads(entry.read_text().partition("\n")[2])))
        signed = f"{entry.parent.name}\0{entry.stem}\0".encode() + payload.encode()
        entry.write_text(hmac.new(key, signed, hashlib.sha256).hexdigest() + "\n" + payload)


def test_a_restored_cache_folder_with_its_key_forges_nothing(tmp_path: Path) -> None:
    cache_dir = tmp_path / "restored"
    pull_request = _run(cache_dir, tmp_path / "pr-runner")  # the PR's job fills the cache
    assert pull_request.code == 1 and _entries(cache_dir, "result-")
    _sign_everything(cache_dir, ATTACKER_KEY)
    gate = _run(cache_dir, tmp_path / "gate-runner")  # the next job restores the folder
    assert gate.code == 1, gate.stdout
    assert gate.json()["findings"] == pull_request.json()["findings"]


def test_the_key_is_kept_outside_the_cache_and_private(tmp_path: Path) -> None:
    cache_dir, state = tmp_path / "cache", tmp_path / "state"
    _run(cache_dir, state)
    key = state / "deploylint" / "cache-key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert key.parent.stat().st_mode & 0o777 == 0o700
    secret = key.read_bytes()
    assert not [p for p in cache_dir.rglob("*") if p.is_file() and p.read_bytes() == secret]


@pytest.mark.parametrize("shared", ["folder", "key", "inside the cache"])
def test_a_key_others_can_reach_is_no_cache(tmp_path: Path, shared: str) -> None:
    cache_dir, state = tmp_path / "cache", tmp_path / "state"
    _run(cache_dir, state)
    shutil.rmtree(cache_dir)
    if shared == "folder":
        (state / "deploylint").chmod(0o755)
    elif shared == "key":
        (state / "deploylint" / "cache-key").chmod(0o644)
    else:
        state = cache_dir / "state"  # a state folder set inside the cache would travel with it
    run = _run(cache_dir, state)
    assert run.code == 1 and run.json()["findings"]
    assert _entries(cache_dir) == []


def _package_copy(tmp_path: Path) -> Path:
    """A copy of the installed package, data folders inside it, as a wheel lays it out."""
    package = tmp_path / "site" / "deploylint"
    source = Path(package_root.__file__).parent
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("_data", "__pycache__"))
    for folder in ("schemas", "rubrics", "templates"):
        shutil.copytree(data_dir(folder), package / "_data" / folder)
    return package


UPGRADE = """
_rendered_before_the_upgrade = render_text


def render_text(*args, **kwargs):
    return "upgraded: " + _rendered_before_the_upgrade(*args, **kwargs)
"""


def test_new_code_of_the_same_version_grades_again(tmp_path: Path) -> None:
    package = _package_copy(tmp_path)
    env = {"PYTHONPATH": str(package.parent)}
    cache_dir, state = tmp_path / "cache", tmp_path / "state"
    before = _run(cache_dir, state, "--jobs", "1", env=env).json()["findings"]
    assert before and not before[0]["gap"].startswith("upgraded: ")
    with (package / "rubric" / "render.py").open("a") as module:
        module.write(UPGRADE)  # a fixed rule, released without a version bump
    after = _run(cache_dir, state, "--jobs", "1", env=env).json()["findings"]
    assert [f["gap"] for f in after] == [f"upgraded: {f['gap']}" for f in before]


@pytest.mark.parametrize(
    ("ci", "asked", "cached"),
    [
        ("true", "", False),
        ("1", "", False),
        ("true", "1", True),
        ("false", "", True),
        ("0", "", True),
        ("", "", True),
    ],
)
def test_in_ci_the_cache_is_off_unless_asked_for(
    tmp_path: Path, ci: str, asked: str, cached: bool
) -> None:
    cache_dir = tmp_path / "cache"
    environment = {"CI": ci, "DEPLOYLINT_CACHE": asked}
    first = _run(cache_dir, tmp_path / "state", env=environment)
    assert bool(_entries(cache_dir, "result-")) is cached
    assert bool(_entries(cache_dir, "replay")) is cached
    again = _run(cache_dir, tmp_path / "state", env=environment)
    assert again == first


def test_no_cache_wins_over_asking_for_it(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    env = {"CI": "true", "DEPLOYLINT_CACHE": "1", "DEPLOYLINT_NO_CACHE": "1"}
    _run(cache_dir, tmp_path / "state", env=env)
    assert _entries(cache_dir) == []


def _aged(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_old_entries_and_entries_past_the_size_cap_are_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(cache_dir))
    old = cache_dir / "result-0123-named" / ("0" * 64 + ".json")
    large = [cache_dir / "result-4567-named" / f"{n:064}.json" for n in range(1, 4)]
    for days, entry in zip((30, 3, 2, 1), (old, *large), strict=True):
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_bytes(b"x" * 1000)
        _aged(entry, days)
    (cache_dir / "key").write_bytes(ATTACKER_KEY)  # where older versions kept the key
    monkeypatch.setattr(cachetidy, "MAX_BYTES", 2_500)
    run = deploylint("check", str(FAILING), "--today", TODAY)
    assert run.code == 1
    assert not old.exists() and not old.parent.exists()  # a week old, and its folder empty
    assert [p.exists() for p in large] == [False, True, True]  # the oldest, past the cap
    assert not (cache_dir / "key").exists()
    assert _entries(cache_dir, "result-")  # this run's own, written after the pruning


def test_the_folder_is_pruned_at_most_once_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("DEPLOYLINT_CACHE_DIR", str(cache_dir))
    deploylint("check", str(FAILING), "--today", TODAY)
    old = cache_dir / "result-0123-named" / ("0" * 64 + ".json")
    old.parent.mkdir()
    old.write_text("{}")
    _aged(old, 30)
    cachetidy.tidy(cache_dir)
    assert old.exists()  # tidied today already
    _aged(cache_dir / cachetidy.STAMP, 2)
    cachetidy.tidy(cache_dir)
    assert not old.exists()


def test_the_test_session_leaves_no_cache_behind(tmp_path: Path) -> None:
    """Issue 21: each pytest run left ~100 MB of cache in the temporary folder."""
    script = (
        "import os, tests.conftest; folder = os.environ['DEPLOYLINT_CACHE_DIR']; "
        "open(os.path.join(folder, 'entry'), 'w').close(); print(folder)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEPLOYLINT", "XDG_STATE"))}
    command = [sys.executable, "-c", script]
    child = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    folder = Path(child.stdout.strip())
    assert folder.name and not folder.exists()
