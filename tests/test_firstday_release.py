"""The release machinery: on a v* tag, build, check that the tag is the one version
(`__version__`, which hatch reads), twine check, publish; CI runs .ci/run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from deploylint import __version__
from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _step(workflow: dict[Any, Any], job: str, name: str) -> str:
    [run] = [s["run"] for s in workflow["jobs"][job]["steps"] if s.get("name") == name]
    return str(run)


def test_release_runs_on_version_tags_and_checks_before_publishing() -> None:
    release = _workflow("release.yml")
    assert release[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as True
    build = " ".join(str(s.get("run", "")) for s in release["jobs"]["build"]["steps"])
    assert "python -m build" in build and "twine check --strict dist/*" in build
    assert release["jobs"]["publish"]["needs"] == "build"
    assert release["jobs"]["publish"]["permissions"] == {"id-token": "write"}


def test_the_release_refuses_a_tag_that_is_not_the_version(tmp_path: Path, wheel: Path) -> None:
    check = _step(_workflow("release.yml"), "build", "The tag matches the version")
    (tmp_path / "dist").mkdir()
    shutil.copy(wheel, tmp_path / "dist")

    def run(tag: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", check],
            cwd=tmp_path,
            env={"GITHUB_REF_NAME": tag, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )

    assert run(f"v{__version__}").returncode == 0
    wrong = run("v99.0.0")
    assert wrong.returncode == 1 and "does not match __version__" in wrong.stdout


def test_ci_runs_the_ci_script() -> None:
    steps = _workflow("ci.yml")["jobs"]["ci"]["steps"]
    assert {"run": "bash .ci/run"} in steps
