"""A `--template` from a pull request runs nothing and can't hang or exhaust the run
(issue #12, items 4 and 5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FAILING, TODAY, deploylint
from tests.hostile.bounded import bounded


def test_a_template_cannot_run_a_command(write: Callable, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    template = write(
        "evil.md.j2",
        "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n"
        "{{ lipsum.__globals__['os'].system('touch " + str(marker) + "') }}\n",
    )
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.code == 2
    assert not marker.exists()
    assert run.stderr.startswith(f"deploylint: error: {template}: SecurityError: ")
    assert len(run.stderr.splitlines()) == 1


def test_an_include_cannot_follow_a_link_out_of_the_folder(write: Callable) -> None:
    secret = write("outside/secret.txt", "s3cr3t\n")
    (secret.parent.parent / "templates").mkdir()
    (secret.parent.parent / "templates" / "part.md.j2").symlink_to(secret)
    template = write("templates/mine.md.j2", "{% include 'part.md.j2' %}")
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.code == 2 and "s3cr3t" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    "body",
    [
        "{{ 7 ** 100000000 }}",
        "{{ 'x' * 1000000000 }}",
        "{{ [1] * 1000000000 }}",
        "{{ 'x' | center(900000000) }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for i in range(100000) %}{{ 'y' | center(4000) }}{% endfor %}",
    ],
)
def test_a_template_is_bounded_in_time_and_memory(write: Callable, body: str) -> None:
    template = write("costly.md.j2", body)
    result = bounded("check", str(FAILING), "-f", "markdown", "--template", str(template))
    assert not result.problems(), (body, result.problems(), result.stderr)
    assert result.code == 2, result.stderr
    assert result.stderr.startswith(f"deploylint: error: {template}: "), result.stderr


def test_a_harmless_custom_template_still_renders(write: Callable) -> None:
    template = write("ok.md.j2", "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ gap.docs | length }}\n")
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.stdout == "1024 ababab 1\n", run.stderr
    assert run.code == 1


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{{ 7 ** 100000000 }}", "`**` is not allowed"),
        ("{{ 'x' * 1000000000 }}", "`*` is not allowed"),
        ("{{ 'x' | center(900000000) }}", "the number 900000000 is over 10,000"),
        (
            "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
            "a loop inside a loop",
        ),
    ],
)
def test_a_custom_rubric_column_template_is_bounded(
    write: Callable, template: str, said: str
) -> None:
    from tests.test_security_refs import rule

    text = rule('{$ref: "#/$defs/declared_text"}').replace(
        'missing: "no payments owner"', f'missing: "{template}"'
    )
    area = write("ours/payments.yaml", text)
    result = bounded("check", str(FAILING), "--rubric", str(area.parent))
    assert not result.problems(), result.problems()
    assert result.code == 2
    assert f"{area}: rule PY001: gap.missing template: {said}" in result.stderr


# --- issue #19, item 4: the include root is the template's real folder, inside the checkout ---

TOKEN = "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=="


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout as actions/checkout leaves it: the token's header in .git/config; the
    workflow runs from its root with `--template templates/report.md.j2`."""
    repo = tmp_path / "checkout"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = {TOKEN}\n'
    )
    (repo / "templates").mkdir()
    monkeypatch.chdir(repo)
    return repo


def _render(template: str) -> tuple[int, str]:
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", template, "--today", TODAY
    )
    return run.code, run.stdout + run.stderr


@pytest.mark.parametrize(
    "include", [".git/config", ".GIT/config", "sub/../.git/config", "./.git/config"]
)
def test_a_linked_template_cannot_include_the_git_config(checkout: Path, include: str) -> None:
    (checkout / "report.md.j2").write_text(f'{{% include "{include}" %}}\n')
    (checkout / "templates" / "report.md.j2").symlink_to("../report.md.j2")
    code, said = _render("templates/report.md.j2")
    assert code == 2 and TOKEN not in said and "extraheader" not in said, said
    assert ".git" in said.casefold()  # the error names what it refused


def test_a_template_in_the_checkout_root_cannot_include_the_git_config(checkout: Path) -> None:
    (checkout / "report.md.j2").write_text('{% include ".git/config" %}\n')
    code, said = _render("report.md.j2")
    assert code == 2 and TOKEN not in said


def test_a_template_that_is_a_link_into_git_is_refused(checkout: Path) -> None:
    (checkout / "templates" / "report.md.j2").symlink_to("../.git/config")
    code, said = _render("templates/report.md.j2")
    assert code == 2 and TOKEN not in said
    assert said.startswith("deploylint: error: templates/report.md.j2: "), said


def test_a_template_that_is_a_link_out_of_the_checkout_is_refused(
    checkout: Path, tmp_path: Path
) -> None:
    (tmp_path / "runner-secret.md.j2").write_text(f"{TOKEN}\n")
    (checkout / "templates" / "report.md.j2").symlink_to(tmp_path / "runner-secret.md.j2")
    code, said = _render("templates/report.md.j2")
    assert code == 2 and TOKEN not in said
    assert "outside the checkout" in said, said


def test_a_linked_template_renders_from_its_real_folder(checkout: Path) -> None:
    """The link's name isn't looked up beside its target: the target is what renders, and
    its partials are the ones beside it."""
    (checkout / "shared").mkdir()
    (checkout / "shared" / "gate.md.j2").write_text('{% include "part.md.j2" %}\n')
    (checkout / "shared" / "part.md.j2").write_text("from shared: {{ gap.docs | length }}\n")
    (checkout / "shared" / "report.md.j2").write_text("the wrong file\n")
    (checkout / "templates" / "report.md.j2").symlink_to("../shared/gate.md.j2")
    code, said = _render("templates/report.md.j2")
    assert code == 1 and said == "from shared: 1\n", said


def test_a_template_kept_outside_the_checkout_still_includes_its_partials(
    checkout: Path, tmp_path: Path
) -> None:
    """A template the workflow keeps elsewhere (not the pull request's) keeps its folder."""
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "report.md.j2").write_text('{% include "part.md.j2" %}\n')
    (tmp_path / "ours" / "part.md.j2").write_text("ours\n")
    code, said = _render(str(tmp_path / "ours" / "report.md.j2"))
    assert code == 1 and said == "ours\n", said
