"""Bad input gets a clear answer naming the file (and line); the other files are still checked."""

from __future__ import annotations

import pytest

from tests.conftest import FAILING, PASSING, TODAY, deploylint, deploylint_process

BAD_INPUTS = {
    # name: (content, rule, line)
    "syntax-error.yaml": (
        b"apiVersion: deploylint/v1\nmetadata: {name: x\nagents: []\n",
        "DL001",
        3,
    ),
    "unclosed-quote.yaml": (b"apiVersion: 'deploylint/v1\nkind: AgentDeployment\n", "DL001", 3),
    "tabs.yaml": (b"apiVersion: deploylint/v1\nmetadata:\n\tname: x\n", "DL001", 3),
    "empty.yaml": (b"", "DL002", 1),
    "comments-only.yaml": (b"# a doc will go here\n# soon\n", "DL002", 1),
    "null.yaml": (b"~\n", "DL002", 1),
    "a-list.yaml": (b"- apiVersion: deploylint/v1\n- kind: AgentDeployment\n", "DL003", 1),
    "a-scalar.yaml": (b"just some text\n", "DL003", 1),
    "binary.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "DL009", 1),
    "latin1.yaml": (
        "apiVersion: deploylint/v1\nmetadata: {name: café}\n".encode("latin-1"),
        "DL009",
        2,
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_finding_naming_file_and_line(write, name) -> None:
    content, rule, line = BAD_INPUTS[name]
    bad = write(name, content)
    good = write("good.yaml", PASSING.read_text())
    run = deploylint_process("check", str(bad), str(good), "--format", "json", "--today", TODAY)
    assert "Traceback" not in run.stderr
    assert run.code == 1, run.stderr
    report = run.json()
    [finding] = [f for f in report["findings"] if f["file"] == str(bad)]
    assert (finding["rule"], finding["line"]) == (rule, line), finding
    assert finding["gap"]
    graded = {f["file"]: f["documents"] for f in report["files"]}
    [document] = graded[str(good)]
    assert {k: v for k, v in document.items() if k != "blast_radius"} == (
        {"document": 1, "name": "support-replies", "graded": True, "findings": 0}
    )
    assert document["blast_radius"].startswith("support-reply-agent can write tickets-db/tier1")
    assert [d["blast_radius"] for d in graded[str(bad)]] == [None]  # not graded: none
    text = deploylint_process(
        "check", str(bad), str(good), "--today", TODAY, env={"COLUMNS": "200"}
    )
    assert f"{bad}:{line}:" in text.stdout
    assert "Traceback" not in text.stderr


def test_a_missing_path_is_a_one_line_error_and_exit_two(write) -> None:
    good = write("good.yaml", PASSING.read_text())
    run = deploylint_process("check", "nope.yaml", str(good), "--today", TODAY)
    assert run.code == 2
    assert run.stderr.strip() == "deploylint: error: nope.yaml: no such file or folder"
    assert "support-replies" in run.stdout


def test_an_unreadable_file_is_a_one_line_error(write, monkeypatch) -> None:
    from pathlib import Path

    locked = write("locked.yaml", PASSING.read_text())
    good = write("good.yaml", PASSING.read_text())
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    run = deploylint("check", str(locked), str(good), "--today", TODAY)
    assert run.code == 2
    assert run.stderr.strip() == f"deploylint: error: {locked}: Permission denied"
    assert "support-replies" in run.stdout


def test_a_directory_symlink_loop_does_not_hang(tmp_path, write) -> None:
    write("docs/agent.yaml", PASSING.read_text())
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs")
    (tmp_path / "docs" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    run = deploylint_process("check", str(tmp_path / "docs"), "--today", TODAY, timeout=20)
    assert run.code == 2  # the dangling link can't be read
    assert "dangling.yaml" in run.stderr
    assert "support-replies" in run.stdout


def test_a_broken_installation_is_one_line_not_a_traceback(tmp_path) -> None:
    # A copy of the package whose rubric file is broken: the CLI must answer in one line,
    # naming the file and line, with exit code 2.
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import deploylint
    from deploylint.resources import data_dir

    package = tmp_path / "deploylint"
    source = Path(deploylint.__file__).parent
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("_data", "__pycache__"))
    for folder in ("schemas", "rubrics", "templates"):
        shutil.copytree(data_dir(folder), package / "_data" / folder)
    (package / "_data" / "rubrics" / "default" / "kill_switch.yaml").write_text("area: [\n")
    run = subprocess.run(
        [sys.executable, "-m", "deploylint", "check", str(PASSING)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "kill_switch.yaml:2:1: YAML syntax error" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(tmp_path) -> None:
    import os

    folder = tmp_path / "docs"
    folder.mkdir()
    name = os.fsdecode(b"bad\xff.yaml")
    (folder / name).write_text(FAILING.read_text())  # findings: every format names the file
    for fmt in ("json", "text", "markdown", "html", "sarif", "github", "junit"):
        out = tmp_path / f"report.{fmt}"
        run = deploylint_process(
            "check", str(folder), "--format", fmt, "-o", str(out), "--today", TODAY
        )
        assert run.code == 1, (fmt, run.stderr)
        assert "xff.yaml" in out.read_text("utf-8"), fmt
