"""SARIF 2.1.0: valid against the official schema, a rule table built from the rubric, and
results whose fingerprints survive line shifts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from deploylint.rubric.load import load_default
from tests.conftest import (
    EXAMPLES,
    FAILING,
    PASSING,
    REPO,
    SHARED,
    TODAY,
    check_json,
    deploylint,
)

SCHEMA = Path("schemas", "sarif-schema-2.1.0.json")
# RFC 3986, as far as a schema's "format" needs: no spaces or characters URIs never hold.
_URI_CHARS = r"[^\s<>\"{}|\\^`]*"
_URI = re.compile(rf"^[A-Za-z][A-Za-z0-9+.-]*:{_URI_CHARS}$")
_URI_REFERENCE = re.compile(rf"^{_URI_CHARS}$")
RUBRIC = load_default()


def shared_folder() -> Path | None:
    """../shared beside the checkout, else $DEPLOYLINT_SHARED (a worktree elsewhere)."""
    for candidate in (str(SHARED), os.environ.get("DEPLOYLINT_SHARED")):
        if candidate and (Path(candidate) / SCHEMA).is_file():
            return Path(candidate)
    return None


def sarif_validator() -> Any:
    """The official SARIF 2.1.0 schema (draft-04) with its uri formats checked; or a skip."""
    import jsonschema

    shared = shared_folder()
    if shared is None:
        pytest.skip(
            f"the official SARIF 2.1.0 schema is read from ../shared/{SCHEMA}: not found at "
            f"{SHARED} nor under $DEPLOYLINT_SHARED"
        )
    schema = json.loads((shared / SCHEMA).read_text(encoding="utf-8"))
    formats = jsonschema.FormatChecker()
    formats.checks("uri")(lambda value: not isinstance(value, str) or bool(_URI.match(value)))
    formats.checks("uri-reference")(
        lambda value: not isinstance(value, str) or bool(_URI_REFERENCE.match(value))
    )
    return jsonschema.Draft4Validator(schema, format_checker=formats)


def sarif(*paths: str | Path) -> dict[str, Any]:
    run = deploylint("check", *map(str, paths), "--format", "sarif", "--today", TODAY)
    assert run.code in (0, 1), run.stderr
    log: dict[str, Any] = json.loads(run.stdout)
    return log


def assert_valid(log: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert not errors, "\n".join(errors[:10])


def test_the_examples_validate_against_the_official_schema() -> None:
    assert_valid(sarif(EXAMPLES))


def test_the_schema_check_can_fail() -> None:
    log = sarif(FAILING)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri"
    errors = list(sarif_validator().iter_errors(log))
    assert len(errors) == 2


def test_the_rule_table_is_the_rubric() -> None:
    [run] = sarif(PASSING)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RUBRIC.rules)
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for descriptor in rules:
        rule = RUBRIC.rules[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == rule.why
        assert descriptor["help"]["text"] == rule.remediation
        level = levels.get(rule.severity.label, "note")
        assert descriptor["defaultConfiguration"]["level"] == level
        assert descriptor["properties"]["area"] == rule.area
        urls = [ref.url for ref in rule.references if ref.url]
        assert descriptor.get("helpUri") == (urls[0] if urls else None)


def test_results_carry_the_location_the_three_columns_and_the_rule_index(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    relative = FAILING.relative_to(REPO)
    _, report = check_json(relative)
    [run] = sarif(relative)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(report["findings"])
    for result, finding in zip(run["results"], report["findings"], strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": finding["file"], "uriBaseId": "%SRCROOT%"}
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        assert result["message"]["text"].startswith(finding["gap"])
        properties = result["properties"]
        assert properties["area"] == finding["area"]
        assert properties["blast_radius"] == finding["blast_radius"]
        assert properties["rollback_unit"] == finding["rollback_unit"]
        suppressed = [s["status"] for s in result.get("suppressions", [])]
        assert suppressed == (["accepted"] if finding["waived"] else [])


def _fingerprints(log: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return {
        next(iter(r["partialFingerprints"].values())): (
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in log["runs"][0]["results"]
    }


def test_fingerprints_survive_line_shifts_and_tell_findings_apart(write) -> None:
    text = FAILING.read_text()
    before = _fingerprints(sarif(write("doc.yaml", text)))
    assert len(before) == len(sarif(write("doc.yaml", text))["runs"][0]["results"])  # unique
    shifted = text.replace("kind: AgentDeployment\n", "kind: AgentDeployment\n# a\n# b\n# c\n")
    after = _fingerprints(sarif(write("doc.yaml", shifted)))
    assert after.keys() == before.keys()
    moved = [fp for fp, (line, _) in after.items() if line != before[fp][0]]
    assert len(moved) > len(after) // 2  # most findings moved down; every one kept its print
    elsewhere = _fingerprints(sarif(write("other.yaml", text)))
    assert not elsewhere.keys() & before.keys()  # the file is part of the print


def test_an_absolute_path_is_a_file_uri_and_an_unreadable_path_a_notification(tmp_path) -> None:
    log = sarif(FAILING.resolve())
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": FAILING.resolve().as_uri()}
    missing = deploylint("check", str(tmp_path / "nope.yaml"), "-f", "sarif", "--today", TODAY)
    assert missing.code == 2
    [invocation] = json.loads(missing.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert_valid(json.loads(missing.stdout))
