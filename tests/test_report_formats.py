"""Every report format on the examples: golden files, one registry, lazy imports, --output,
--template, and the github default inside GitHub Actions."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploylint.report import REPORTERS
from tests.conftest import FAILING, PASSING, REPO, TODAY, deploylint
from tests.test_golden import assert_golden

GOLDEN_NAMES = {
    "markdown": "examples.md",
    "html": "examples.html",
    "sarif": "examples.sarif.json",
    "github": "examples.github.txt",
    "junit": "examples.junit.xml",
}


@pytest.mark.parametrize("output_format", sorted(GOLDEN_NAMES))
def test_golden_output_of_the_examples(monkeypatch, output_format: str) -> None:
    monkeypatch.chdir(REPO)
    run = deploylint("check", "examples", "--format", output_format, "--today", TODAY)
    assert run.code == 1, run.stderr
    assert_golden(GOLDEN_NAMES[output_format], run.stdout)


def test_every_registered_reporter_is_a_format_choice() -> None:
    assert set(GOLDEN_NAMES) | {"text", "json"} == set(REPORTERS)
    help_text = deploylint("check", "--help", env={"COLUMNS": "200"}).stdout
    for name in REPORTERS:
        assert name in help_text


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_importing_a_reporter_loads_no_template_engine_or_terminal_library(name: str) -> None:
    module = REPORTERS[name].partition(":")[0]
    code = f"import sys, {module}; print(sorted(m for m in ('jinja2', 'rich') if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    # rich renders text only on a terminal (text_rich, imported then); off one, text is plain
    assert loaded == "[]"


def test_github_annotations_are_the_default_inside_github_actions() -> None:
    run = deploylint("check", str(FAILING), "--today", TODAY, env={"GITHUB_ACTIONS": "true"})
    assert run.code == 1
    assert run.stdout.startswith("::error file=")
    passing = deploylint("check", str(PASSING), "--today", TODAY, env={"GITHUB_ACTIONS": "true"})
    assert passing.code == 0
    assert passing.stdout.splitlines() == [
        "deploylint: 1 document in 1 file: 0 findings. 0 at or above high: PASS."
    ]


def test_an_explicit_format_wins_inside_github_actions() -> None:
    run = deploylint(
        "check", str(FAILING), "-f", "sarif", "--today", TODAY, env={"GITHUB_ACTIONS": "true"}
    )
    assert run.stdout.startswith("{")


@pytest.mark.parametrize("output_format", sorted(GOLDEN_NAMES))
def test_output_file_holds_the_same_report(monkeypatch, tmp_path, output_format: str) -> None:
    monkeypatch.chdir(REPO)
    target = tmp_path / "report.out"
    args = ("check", "examples", "-f", output_format, "--today", TODAY)
    run = deploylint(*args, "--output", str(target))
    assert run.code == 1 and run.stdout == ""
    assert target.read_text(encoding="utf-8") == deploylint(*args).stdout


def test_template_replaces_the_markdown_report(tmp_path) -> None:
    template = tmp_path / "short.md.j2"
    template.write_text(
        "{{ gap.verdict }}\n{% for doc in gap.docs %}- {{ doc.label | md }}: {{ doc.verdict }}\n"
        "{% endfor %}"
    )
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.stdout == (
        f"not authorized\n- {FAILING}: not authorized\n".replace(
            str(FAILING), str(FAILING) + " · db-autoscaler"
        )
    )


def test_a_custom_html_template_is_autoescaped_and_can_include_the_shipped_partials(
    tmp_path, write
) -> None:
    doc = write("<b>bold</b>.yaml", PASSING.read_text())
    template = write("mine.html.j2", "<h1>{{ gap.docs[0].label }}</h1>")
    run = deploylint("check", str(doc), "-f", "html", "--template", str(template), "--today", TODAY)
    assert "&lt;b&gt;bold&lt;/b&gt;.yaml" in run.stdout and "<b>" not in run.stdout
    wrapper = write("wrapper.html.j2", "<!-- mine -->\n{% include 'report.html.j2' %}")
    run = deploylint("check", str(doc), "-f", "html", "--template", str(wrapper), "--today", TODAY)
    assert run.stdout.startswith("<!-- mine -->") and "Authorized</span>" in run.stdout


def test_json_is_exactly_what_json_dumps_writes() -> None:
    """The JSON reporter builds its text a finding at a time (to bound memory on large
    runs): byte for byte what ``json.dumps(indent=2)`` writes for the same object."""
    run = deploylint("check", str(FAILING.parent), "--format", "json", "--today", TODAY)
    report = json.loads(run.stdout)
    assert len(report["findings"]) > 10 and report["fleet"]
    assert run.stdout == json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def test_json_with_no_findings_is_exactly_what_json_dumps_writes() -> None:
    run = deploylint("check", str(PASSING), "--format", "json", "--today", TODAY)
    report = json.loads(run.stdout)
    assert run.code == 0 and report["findings"] == []
    assert run.stdout == json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def test_json_with_errors_and_no_fleet_is_exactly_what_json_dumps_writes(write) -> None:
    broken = write("broken.yaml", "apiVersion: deploylint/v1\nmetadata: {name: x\n")
    run = deploylint("check", str(PASSING), str(broken), "nope.yaml", "--format", "json")
    report = json.loads(run.stdout)
    assert run.code == 2 and report["errors"] and report["fleet"] == []
    assert run.stdout == json.dumps(report, indent=2, ensure_ascii=False) + "\n"


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()  # any code point, lone surrogates included
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=_JSON)
def test_the_c_encoded_indent_is_jsons_own(value) -> None:
    """Reports are indented here with each scalar encoded in C: the same text as json's."""
    from deploylint.report.json_report import indented

    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert indented([value, {"k": value}]) == json.dumps(
        [value, {"k": value}], indent=2, ensure_ascii=False
    )


_KEYED = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers() | st.none(), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=_KEYED, depth=st.integers(0, 5), lazy=st.booleans())
def test_a_report_written_a_piece_at_a_time_is_jsons_own_text(value, depth, lazy) -> None:
    """JSON, SARIF and the fleet map are written a piece at a time (a list may be an
    iterator, made as it is written), each piece cleaned as json_text cleans the whole:
    the same text as json.dumps's, at any depth of streaming."""
    from deploylint.report.escape import json_text
    from deploylint.report.json_report import write_indented

    expected = json.dumps([value, {"k": value}], indent=2, ensure_ascii=False)
    out = StringIO()
    made = iter([value, {"k": value}]) if lazy else [value, {"k": value}]
    write_indented(made, out, depth=depth, clean=json_text)
    assert out.getvalue() == json_text(expected)
    out.getvalue().encode("utf-8")  # writable: no lone surrogate left, keys included
