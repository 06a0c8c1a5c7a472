"""Choosing an output format for a validation report."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from simulator.reporting.github import render_github
from simulator.reporting.junit import render_junit
from simulator.reporting.model import ValidationReport
from simulator.reporting.text import render_text

__all__ = ["ReportFormat", "render", "render_json"]


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"


def render_json(report: ValidationReport) -> str:
    """The report as stable JSON (fields in schema order, two-space indent)."""
    return json.dumps(report.to_wire(), indent=2, ensure_ascii=False) + "\n"


_RENDERERS: dict[ReportFormat, Callable[[ValidationReport], str]] = {
    ReportFormat.TEXT: render_text,
    ReportFormat.JSON: render_json,
    ReportFormat.JUNIT: render_junit,
    ReportFormat.GITHUB: render_github,
}


def render(report: ValidationReport, fmt: ReportFormat | str) -> str:
    """``report`` in the format ``fmt`` (``ValueError`` for an unknown format)."""
    return _RENDERERS[ReportFormat(fmt)](report)
