"""Choosing an output format for a validation report.

Each renderer is imported when its format is asked for: ``validate`` prints text by
default, and the JUnit writer alone (``xml.etree``) costs a plain run some 5 ms of its
start-up.
"""

from __future__ import annotations

import importlib
import json
from enum import StrEnum

from simulator.reporting.model import ValidationReport

__all__ = ["ReportFormat", "render", "render_json"]


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"


def render_json(report: ValidationReport) -> str:
    """The report as stable JSON (fields in schema order, two-space indent)."""
    return json.dumps(report.to_wire(), indent=2, ensure_ascii=False) + "\n"


_RENDERERS: dict[ReportFormat, tuple[str, str]] = {
    ReportFormat.TEXT: ("simulator.reporting.text", "render_text"),
    ReportFormat.JSON: (__name__, "render_json"),
    ReportFormat.JUNIT: ("simulator.reporting.junit", "render_junit"),
    ReportFormat.GITHUB: ("simulator.reporting.github", "render_github"),
}
"""Where each format's renderer lives, as ``(module, function)``."""


def render(report: ValidationReport, fmt: ReportFormat | str) -> str:
    """``report`` in the format ``fmt`` (``ValueError`` for an unknown format)."""
    module, function = _RENDERERS[ReportFormat(fmt)]
    return getattr(importlib.import_module(module), function)(report)
