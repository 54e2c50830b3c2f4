"""Checks for the permissions area."""

from __future__ import annotations

from deploylint.rubric.checks.base import Check

CHECKS: dict[str, Check] = {}
