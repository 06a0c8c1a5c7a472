"""Collecting findings: one per problem, in document order."""

from __future__ import annotations

from simulator.codes import FindingCode
from simulator.findings import Finding, make_finding
from simulator.validation.pointers import path_key

__all__ = ["Report"]


class Report:
    """An ordered, de-duplicated bag of findings for one document.

    The same problem reached by two routes (say, a pydantic error and a graph check
    reading the same field) is reported once: findings are keyed by code, pointer
    and message.
    """

    def __init__(self) -> None:
        self._findings: dict[tuple[str, str, str], Finding] = {}

    def add(
        self, code: FindingCode, message: str, path: str = "", step_id: str | None = None
    ) -> None:
        key = (code.value, path, message)
        if key not in self._findings:
            self._findings[key] = make_finding(code, message, path, step_id)

    def extend(self, findings: list[Finding]) -> None:
        for finding in findings:
            self._findings.setdefault((finding.code.value, finding.path, finding.message), finding)

    def has(self, code: FindingCode, prefix: str = "") -> bool:
        """Whether a finding with ``code`` was reported at or under the pointer ``prefix``
        (``/steps`` covers ``/steps/3/next``, not ``/stepsNote``)."""
        under = prefix + "/"
        return any(
            finding.code is code
            and (not prefix or finding.path == prefix or finding.path.startswith(under))
            for finding in self._findings.values()
        )

    def findings(self) -> list[Finding]:
        """The findings sorted by pointer (document order), then code."""
        return sorted(
            self._findings.values(), key=lambda f: (path_key(f.path), f.code.value, f.message)
        )
