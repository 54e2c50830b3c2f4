"""The GitHub Action and the CI examples: well formed, injection-safe, using real formats."""

from __future__ import annotations

import re

from deploylint.loader import load_text
from deploylint.reporters import REPORTERS
from tests.conftest import REPO


def _yaml(text: str):
    # GitHub's reader keeps `on:` as text: the readers' check (DL014) is for deploylint docs
    [doc] = load_text(text, readings=False)
    assert not doc.problems, doc.problems
    return doc.data


def test_the_action_is_a_composite_action_that_never_interpolates_inputs_into_shell() -> None:
    action = _yaml((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        script = step.get("run", "")
        assert "${{" not in script, f"inputs reach the shell only through env: {step.get('name')}"
    formats = set(re.findall(r"--format (\w+)", (REPO / "action.yml").read_text()))
    assert formats and formats <= set(REPORTERS) | {"sarif", "github"}  # both arrive with issue 5


def test_every_yaml_example_in_the_ci_docs_parses() -> None:
    text = (REPO / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        if block.lstrip().startswith("- run:"):
            block = "steps:\n" + block
        _yaml(block)
