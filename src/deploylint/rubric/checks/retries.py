"""Checks for the retries area."""

from __future__ import annotations

from deploylint.rubric.checks.base import Check

CHECKS: dict[str, Check] = {}
