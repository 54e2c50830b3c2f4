"""Doc content is untrusted: markup, terminal escapes, table breakers, mentions and workflow
commands written into a doc (and its file name) come out inert in every format."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import PASSING, TODAY, Run, deploylint
from tests.test_report_markdown import assert_tables_hold
from tests.test_report_sarif import assert_valid

PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [bold red]x[/] \x1b[31mred "
    "| a | b | `tick` @org/team ]]> %0A::error::pct\n::error file=x::injected\r::warning::cr "
    "\u202eevil \ud800 \uffff"
)
FILE_NAME = "evil<img src=x onerror=alert(1)>|`x`.yaml"
RAW_FORBIDDEN = ("\x1b", "\r", "\u202e", "\ud800")  # never written raw, in any format


def _hostile(text: str, quoted: str) -> str:
    """The passing example with the payload wherever a doc value reaches a report."""
    for old, new in [
        ("name: support-replies", f"name: {quoted}"),
        ("id: support-reply-agent", f"id: {quoted}"),
        ("lock_holder: support-reply-agent", f"lock_holder: {quoted}"),
        ("tickets-db/tier1", quoted),  # a resource: blast radius, the fleet map
        ("  owner: harness", f"  owner: {quoted}"),  # RT002: the value is in the gap
        ("  rollback_path: /internal/support/admin/rollback?agent=support-reply-agent",
         f"  rollback_path: {quoted}"),  # RB008
        ("  halts_in_flight: true\n", ""),  # KS010, waived below with the payload as reason
        ("  revokes_credentials: true\n", ""),  # PM011
        ("waivers: []", f"waivers:\n  - {{rule: KS010, reason: {quoted}, approved_by: tomas.r,"
         " expires: 2027-01-31}"),
    ]:  # fmt: skip
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """Two docs (so there is a fleet map): one hostile throughout, one sharing its resource."""
    folder = tmp_path_factory.mktemp("hostile")
    quoted = json.dumps(PAYLOAD)  # a YAML double-quoted scalar, escapes and all
    # one single-writer lock, with a different writer in each doc: FL003 carries the payload
    passing = PASSING.read_text().replace("mechanism: lease", "mechanism: single_writer")
    (folder / FILE_NAME).write_text(_hostile(passing, quoted), encoding="utf-8")
    other = passing.replace("support-reply-agent", "other-agent")
    other = other.replace("tickets-db/tier1", quoted).replace("support-replies", "other")
    (folder / "other.yaml").write_text(other, encoding="utf-8")
    return folder


def check(folder: Path, output_format: str) -> Run:
    run = deploylint(
        "check", str(folder), "-f", output_format, "--today", TODAY, env={"NO_COLOR": "1"}
    )
    assert run.code == 1, run.stderr
    for raw in RAW_FORBIDDEN:
        assert raw not in run.stdout, (output_format, raw)
    run.stdout.encode("utf-8")
    return run


def test_the_payload_reaches_every_column_the_name_the_waiver_and_the_fleet(hostile) -> None:
    run = check(hostile, "sarif")
    results = json.loads(run.stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"KS010", "PM011", "DL007", "RB008", "FL003"}
    for column in ("blast_radius", "rollback_unit"):
        assert any("<script>alert(1)</script>" in r["properties"][column] for r in results)
    # a value of the wrong type is the schema's finding alone, and quotes the payload
    assert any(
        r["ruleId"] == "DL007" and "<script>alert(1)</script>" in r["message"]["text"]
        for r in results
    )


class Tags(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs


REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "section", "footer", "h1", "h2",
    "h3", "p", "span", "strong", "code", "abbr", "a", "br", "table", "thead", "tbody", "tr", "th",
    "td", "ul", "li",
}  # fmt: skip


def test_html_builds_only_the_reports_own_elements(hostile) -> None:
    page = check(hostile, "html").stdout
    parsed = Tags()
    parsed.feed(page)
    assert parsed.tags <= REPORT_TAGS
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    assert all(v.startswith("#doc-") for k, v in parsed.attributes if k == "href" and v)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;|`x`.yaml" in page  # the file name, as text
    assert "[bold red]x[/] \\x1bred" not in page and "[bold red]x[/] \\x1b[31mred" in page


def test_html_check_can_fail() -> None:
    parsed = Tags()
    parsed.feed("<p>ok</p><img src=x onerror=alert(1)>")
    assert not parsed.tags <= REPORT_TAGS and parsed.attributes[-1][0] == "onerror"


def test_markdown_is_escaped_and_its_tables_hold(hostile) -> None:
    text = check(hostile, "markdown").stdout
    assert not re.search(r"(?<!\\)<(script|img)", text)
    assert r"\<script\>alert\(1\)\</script\>" in text
    assert r"\`tick\`" in text and not re.search(r"(?<!\\)`tick", text)
    assert r"\[bold red\]x\[/\]" in text
    assert "@\u2060org/team" in text and "@org/team" not in text
    assert "### Fleet map" in text
    assert_tables_hold(text)  # `| a | b |` broke no row, the fleet map's included


def test_sarif_is_valid_json_that_the_schema_accepts(hostile) -> None:
    log = json.loads(check(hostile, "sarif").stdout)
    assert_valid(log)


def test_junit_parses_as_xml_with_the_payload_as_text(hostile) -> None:
    root = ET.fromstring(check(hostile, "junit").stdout)
    failures = [f.get("message", "") + (f.text or "") for f in root.iter("failure")]
    assert any("<script>alert(1)</script>" in text for text in failures)
    assert any("]]>" in text for text in failures)
    assert not list(root.iter("script"))


ANNOTATION = re.compile(
    r"^::(error|warning|notice) file=[^:,\r\n]*,line=\d+,col=\d+,title=[^:,\r\n]*::[^\r\n]*$"
)


def test_github_annotations_are_one_line_each_and_inject_no_command(hostile) -> None:
    lines = check(hostile, "github").stdout.splitlines()
    *annotations, summary = lines
    assert summary.startswith("deploylint: 2 documents in 2 files")
    report = json.loads(check(hostile, "sarif").stdout)["runs"][0]["results"]
    assert len(annotations) == sum("suppressions" not in r for r in report)
    for line in annotations:
        assert ANNOTATION.match(line), line
    assert any("%250A::error::pct" in line for line in annotations)  # `%0A` stays literal
    assert any("evil%3Cimg" not in line and "evil<img" in line for line in annotations)


def test_text_shows_rich_markup_and_escapes_literally(hostile) -> None:
    text = check(hostile, "text").stdout
    assert "[bold red]x[/]" in text.replace("\n", "")  # printed, not applied
    assert "\\x1b[31mred" in text.replace("\n", "").replace(" ", "")
