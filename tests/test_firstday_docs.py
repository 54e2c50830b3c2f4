"""Every command in README.md and docs/ci.md runs as written from a fresh clone, and no doc
names a package-index release or a tag that doesn't exist.

Commands are the lines of ```sh blocks, `$ ` lines of ```text blocks and `run:` lines of the
CI YAML. Those that can run offline run here: every `deploylint` command (README's in a fresh
clone, docs/ci.md's in a project with a deploy/ folder), and the quick start and the
install-from-a-checkout route for real, in a fresh venv. What needs a CI runner (`${{ }}`,
`$CI_...`) or the network (the bench extras) or is the whole suite again (the test command,
which .ci/run runs) is left out, by rule below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

DOCS = ("README.md", "docs/ci.md")
_BLOCK = re.compile(r"^ *```(sh|text|yaml)\n(.*?)^ *```", re.S | re.M)  # also in list items
_COMMENT = re.compile(r"\s+#\s.*$")
_EXITS = re.compile(r"#\s*exits (\d)")
NOT_HERE = ("${{", "$CI_", "[bench]", "bench/", "pytest", "pip install", "python3 -m venv")


def commands(doc: str) -> list[tuple[str, int | None]]:
    """(command, the exit code its comment promises or None), in the doc's order."""
    found = []
    for language, body in _BLOCK.findall((REPO / doc).read_text()):
        for line in textwrap.dedent(body).splitlines():
            if language == "text":
                line = line[2:] if line.startswith("$ ") else ""
            elif language == "yaml":
                run = re.match(r"\s*-?\s*run:\s*(.+)$", line)
                line = run.group(1) if run else ""
            exits = _EXITS.search(line)
            command = _COMMENT.sub("", line).strip()
            if command and not command.startswith("#"):
                found.append((command, int(exits.group(1)) if exits else None))
    return found


def _clone(target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(REPO), str(target)], check=True)
    return target


def _bash(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    path = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env={**os.environ, "PATH": path, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _runnable(doc: str) -> list[tuple[str, int | None]]:
    return [(c, code) for c, code in commands(doc) if not any(m in c for m in NOT_HERE)]


def test_the_docs_have_the_commands_this_test_runs() -> None:
    readme = [c for c, _ in _runnable("README.md")]
    assert "deploylint check examples/ --today 2026-11-22" in readme
    ci = [c for c, _ in _runnable("docs/ci.md")]
    assert any("--write-baseline" in c for c in ci) and any("--baseline" in c for c in ci)
    assert all(
        c.startswith(("deploylint ", "python3 -m pip install ./")) or "build" in c for c in ci
    ), ci


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout: nothing to clone")
def test_every_deploylint_command_in_the_readme_runs_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    for command, promised in _runnable("README.md"):
        if command.startswith("deploylint ") and "jq" in command and shutil.which("jq") is None:
            continue
        run = _bash(command, clone)
        allowed = (promised,) if promised is not None else (0, 1)
        assert run.returncode in allowed, (command, run.returncode, run.stderr)
        assert "error:" not in run.stderr, (command, run.stderr)


def test_every_deploylint_command_in_ci_md_runs_in_a_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    shutil.copy(EXAMPLES / "support-replies.yaml", project / "deploy")
    shutil.copy(EXAMPLES / "infra-autoscaler.yaml", project / "deploy")
    ran = 0
    for command, promised in _runnable("docs/ci.md"):
        if not command.startswith("deploylint "):
            continue
        run = _bash(command, project, env={"GITHUB_ACTIONS": "false"})
        allowed = (promised,) if promised is not None else (0, 1)
        assert run.returncode in allowed, (command, run.returncode, run.stderr)
        ran += 1
    assert ran >= 3


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout: nothing to clone")
def test_the_quick_start_and_the_checkout_install_route_run_as_written(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    block = re.search(
        r"<!-- run-command -->\n```sh\n(.*?)\n```", (REPO / "README.md").read_text(), re.S
    )
    assert block
    quick_start = _bash(block.group(1), clone)
    assert quick_start.returncode == 1, quick_start.stdout[-2000:] + quick_start.stderr[-2000:]
    assert "5 files, 5 documents" in quick_start.stdout and ": FAIL" in quick_start.stdout
    # docs/ci.md's route from a checkout: deploylint kept at tools/deploylint, installed in
    # the project's own new venv (a venv can't be moved: its scripts name where it was
    # made, and a moved one would fall through to, and install into, the running one)
    project = tmp_path / "project"
    _clone(project / "tools" / "deploylint")
    [install, *_] = [
        c for c, _ in commands("docs/ci.md") if c.endswith("pip install ./tools/deploylint")
    ]
    venv = project / ".venv"
    command = f"python3 -m venv {venv} && . {venv}/bin/activate && {install}"
    installed = _bash(f"{command} && deploylint --version", project)
    assert installed.returncode == 0 and "deploylint " in installed.stdout, installed.stderr[-2000:]
    assert (venv / "bin" / "deploylint").exists()  # installed there, not in the test's venv


def test_no_doc_names_a_release_or_tag_that_does_not_exist() -> None:
    tags = subprocess.run(
        ["git", "tag"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.split()
    for doc in (*DOCS, "docs/rules.md", "CHANGELOG.md"):
        text = (REPO / doc).read_text() if (REPO / doc).exists() else ""
        assert not re.search(r"pip install (-U )?deploylint\b(?![-./\w])", text), doc
        assert not re.search(r"pip install deploylint==", text), doc
        for ref in re.findall(r"deploylint@(v[\w.]+)|rev: (v[\w.]+)", text):
            named = next(r for r in ref if r)
            assert named in tags, f"{doc} names {named}, which is not a tag"
