"""Checks for the review area."""

from __future__ import annotations

from deploylint.rubric.checks.base import Check

CHECKS: dict[str, Check] = {}
