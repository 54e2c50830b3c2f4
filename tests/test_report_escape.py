"""The escaping the report formats rely on, one function at a time."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from deploylint.report.escape import (
    json_text,
    markdown,
    printable,
    workflow_data,
    workflow_property,
    xml,
)


def test_printable_shows_lone_surrogates_as_escapes_so_utf8_output_can_be_written() -> None:
    shown = printable("a\ud800b\udfffc")
    assert shown == "a\\ud800b\\udfffc"
    shown.encode("utf-8")  # would raise with a lone surrogate left in


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("| a | b |", r"\| a \| b \|"),
        ("`code` ]]>", r"\`code\` \]\]\>"),
        ("[bold red]x[/]", r"\[bold red\]x\[/\]"),
    ],
)
def test_markdown_escapes_raw_html_table_breakers_and_code(raw: str, expected: str) -> None:
    assert markdown(raw) == expected


def test_markdown_defuses_mentions_and_keeps_one_line() -> None:
    assert markdown("ping @org/team\nnow") == "ping @\u2060org/team now"


def test_xml_text_holds_no_character_xml_forbids() -> None:
    raw = "a\x00b\x1b[31mc\x0bd\ud800e\ufffef\uffff"
    text = xml(raw)
    assert text == "a\\x00b\\x1b[31mc\\x0bd\\ud800e\\ufffef\\uffff"
    element = ET.Element("t", attribute=text)
    element.text = text
    assert ET.fromstring(ET.tostring(element, encoding="unicode")).text == text


def test_json_text_writes_lone_surrogates_as_escapes_that_mean_the_same() -> None:
    dumped = json_text(json.dumps({"k": "x\ud800y"}, ensure_ascii=False))
    dumped.encode("utf-8")
    assert json.loads(dumped) == {"k": "x\ud800y"}


def test_workflow_command_escaping_is_githubs() -> None:
    assert workflow_data("100% done\r\n::error::x") == "100%25 done%0D%0A::error::x"
    assert workflow_property("C:\\a,b%") == "C%3A\\a%2Cb%25"
    # `%` first: a value that already looks escaped stays literal
    assert workflow_data("%0A") == "%250A"
