"""The few values other stages read as the doc writes them, not as the model interprets them.

What a doc claims to be (its apiVersion and kind), its name as reports show it, its
waivers' entries (gate.waivers judges each as written), the agents as written (templates
render them), and three values whose checks read them verbatim. Reading them here keeps the
doc's raw mappings in one package: a test holds every module outside it to that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deploylint.load.keypath import KeyPath
from deploylint.model.doc_values import listed, mapping


def is_deploylint_doc(data: Any) -> bool:
    """Whether a loaded document claims to be a deploylint doc (by apiVersion or kind)."""
    if not isinstance(data, dict):
        return False
    api_version = data.get("apiVersion")
    return (isinstance(api_version, str) and api_version.startswith("deploylint/")) or (
        data.get("kind") == "AgentDeployment"
    )


def api_version(data: Mapping[str, Any]) -> Any:
    """The doc's apiVersion as written (None: absent)."""
    return data.get("apiVersion")


def doc_name(data: Any) -> str | None:
    """The doc's `metadata.name` when it is text: how reports and the fleet name the doc."""
    name = mapping(mapping(data).get("metadata")).get("name")
    return name if isinstance(name, str) else None


def declares_waivers(data: Mapping[str, Any]) -> bool:
    """Whether the doc's `waivers:` holds anything at all (the waiver rules then apply)."""
    return bool(data.get("waivers"))


def waiver_entries(data: Any) -> list[tuple[KeyPath, Mapping[str, Any]]]:
    """Each waiver that names a rule as text, with its path, as written."""
    found: list[tuple[KeyPath, Mapping[str, Any]]] = []
    written = mapping(data).get("waivers")
    for index, waiver in enumerate(written if isinstance(written, list) else []):
        if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str):
            found.append((("waivers", index), waiver))
    return found


def waived_rules(data: Any) -> set[Any]:
    """The `rule:` of every waiver entry that is a mapping, whatever its type."""
    written = mapping(data).get("waivers")
    if not isinstance(written, list):
        return set()
    return {w.get("rule") for w in written if isinstance(w, dict)}


def agents(data: Any) -> list[Any]:
    """The `agents:` list as written (empty when it isn't a list)."""
    return listed(mapping(data).get("agents"))


def audit_columns(data: Any) -> Any:
    """`audit.columns` as written (None when `audit` isn't a mapping)."""
    audit = mapping(data).get("audit")
    return audit.get("columns") if isinstance(audit, dict) else None


def monthly_budget(data: Any) -> Any:
    """`budget.monthly_usd` as written."""
    return mapping(mapping(data).get("budget")).get("monthly_usd")


def max_attempts(data: Any) -> Any:
    """`retries.max_attempts` as written."""
    return mapping(mapping(data).get("retries")).get("max_attempts")
