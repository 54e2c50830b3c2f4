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
