"""No output line is a workflow command once the Actions runner has split and trimmed it
(issue #19, item 8).

The runner (actions/runner, ActionCommand.cs) reads a step's output line by line, a line
ending at `\\n`, `\\r` or `\\r\\n`; it acts on a line that starts with `::` once every Unicode
whitespace character is trimmed from its start, and on `##[` anywhere in it. Both matches are
.NET's culture-sensitive StartsWith/IndexOf, which skip characters a collation ignores
(controls, soft hyphens, zero-width and other default-ignorable code points): so does
``runner_would_act``.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploylint.report import REPORTERS
from deploylint.report.escape import InertLines, workflow_inert
from tests.conftest import FAILING, TODAY, deploylint
from tests.test_hostile_output import hostile_doc
from tests.test_security_refs import rule

# Every character Python's str.isspace() takes (a superset of .NET's Char.IsWhiteSpace).
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
# What a collation ignores: controls and Unicode's default-ignorable code points.
IGNORED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_OURS = re.compile(r"^::(error|warning|notice) [^:]*::")  # the github format's own commands
# Where a hostile line break or space can stand before a command.
TRICKS = [
    "\r", "\r\n", "\n", "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\u0085", "\u1680",
    "\u205f", "\u202f", "\x0b", "\x0c", "\x1c", "\t", " ", "\u200b", "\ufeff", "\u2060",
    "\u00ad", "\u180e",
]  # fmt: skip


def runner_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def runner_would_act(line: str, *, github: bool = False) -> bool:
    seen = IGNORED.sub("", line)  # what a culture-sensitive comparison sees
    if github and _OURS.match(line):
        return "##[" in _OURS.sub("", seen)  # our own command; its data is %-escaped
    return "##[" in seen or seen.lstrip(WHITESPACE).startswith("::")


def assert_inert(text: str, *, github: bool = False) -> None:
    for line in runner_lines(text):
        assert not runner_would_act(line, github=github), repr(line)


# --- the neutraliser, on any text ----------------------------------------------------------

PIECES = st.sampled_from([*TRICKS, "::", ":", "#", "##[", "[", "a", "error::x", "&"])
PROPERTY = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(st.lists(PIECES, max_size=24).map("".join), st.sampled_from(["text", "markdown", "xml"]))
def test_no_line_of_inert_text_is_a_command(text: str, kind: str) -> None:
    assert_inert(workflow_inert(text, kind))


@PROPERTY
@given(st.lists(PIECES, max_size=24), st.sampled_from(["text", "markdown", "xml"]))
def test_no_line_written_piece_by_piece_is_a_command(pieces: list[str], kind: str) -> None:
    out = io.StringIO()
    stream = InertLines(out, kind)
    for piece in pieces:
        stream.write(piece)
    stream.flush()
    assert_inert(out.getvalue())


@PROPERTY
@given(st.lists(PIECES, max_size=24).map("".join))
def test_json_strings_stay_inert(text: str) -> None:
    written = workflow_inert(json.dumps({"x": text}, ensure_ascii=False, indent=2), "json")
    assert_inert(written)
    assert json.loads(written)["x"] == text  # only written differently


@pytest.mark.parametrize("trick", TRICKS)
def test_each_trick_before_a_command_is_made_inert(trick: str) -> None:
    for kind in ("text", "markdown", "xml"):
        assert_inert(workflow_inert(f"ok{trick}::error::forged\n{trick}::warning::x", kind))
        assert_inert(workflow_inert(f"#{trick}#[add-mask]x", kind))


# --- through the CLI: a template, a custom area title, a file name -------------------------


def test_a_template_cannot_print_a_live_command(write: Callable) -> None:
    lines = [f'{{{{ "{json.dumps(t)[1:-1]}" }}}}::error::forged-{n}' for n, t in enumerate(TRICKS)]
    template = write("report.md.j2", "x\n".join(lines) + '\n#{{ "\\u00ad" }}#[add-mask]y\n')
    run = deploylint(
        "check", str(FAILING), "-f", "markdown", "--template", str(template), "--today", TODAY
    )
    assert run.code == 1 and "forged-0" in run.stdout, run.stderr
    assert_inert(run.stdout)


def test_a_custom_area_title_cannot_print_a_live_command(write: Callable) -> None:
    area = rule('{$ref: "#/$defs/declared_text"}').replace(
        "title: Payments\n", 'title: "Pay\\r::error::forged\\r\\n\\u3000::warning::x"\n', 1
    )
    folder = write("ours/payments.yaml", area).parent
    for chosen in ("html", "markdown", "text", "json", "junit", "sarif"):
        run = deploylint(
            "check", str(FAILING), "--rubric", str(folder), "-f", chosen, "--today", TODAY
        )
        assert run.code == 1, (chosen, run.stderr)
        assert_inert(run.stdout + run.stderr)
    listed = deploylint("rules", "--rubric", str(folder))
    assert_inert(listed.stdout + listed.stderr)


@pytest.mark.parametrize("chosen", sorted(REPORTERS))
def test_a_file_name_opening_with_a_no_break_space_is_inert(
    chosen: str, write: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Named from its folder, the file name opens the text report's lines and stderr's."""
    doc = write("docs/\u00a0::error::forged.yaml", FAILING.read_text())
    monkeypatch.chdir(doc.parent)
    missing = "\u3000::warning::missing.yaml"
    for paths in ((".", missing), (doc.name,)):
        run = deploylint("check", "-f", chosen, "--today", TODAY, "--", *paths)
        assert run.code in (1, 2) and run.stdout, run.stderr
        assert_inert(run.stdout, github=chosen == "github")
        assert_inert(run.stderr)


HOSTILE = st.lists(st.sampled_from([*TRICKS, "::error::x", "##[", "#", "::", "a "]), max_size=8)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(evil=HOSTILE.map("".join), chosen=st.sampled_from(sorted(REPORTERS)))
def test_no_format_prints_a_live_command_for_any_doc(
    evil: str, chosen: str, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.yaml"
    doc.write_text(hostile_doc(evil))
    run = deploylint("check", str(doc), "-f", chosen, "--today", TODAY)
    assert run.code in (1, 2), run.stderr
    assert_inert(run.stdout, github=chosen == "github")
    assert_inert(run.stderr)
