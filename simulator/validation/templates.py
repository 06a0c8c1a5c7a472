"""Template checks: ``template_syntax_error`` and ``template_unknown_variable``.

Templates are compiled in the same sandbox the renderer uses
(:mod:`simulator.templating`), never rendered. Compilation is cached per template
source, so a communication sent by a thousand steps is compiled once.

``template_syntax_error`` is SPEC §2's one error code for a template, and it covers
every template the check knows cannot render, not only text that does not parse: an
unknown filter or test, a tag that needs other templates, and an attribute the sandbox
always blocks (``{{ firstName.__class__ }}``, which fails its send at render). A new
code would split one kind of finding, a template that blocks publish, across codes
clients already rely on; the message says which problem it is.
"""

from __future__ import annotations

from typing import Any

from simulator.codes import FindingCode
from simulator.suggestions import closest
from simulator.templating import check_template
from simulator.validation.report import Report

__all__ = ["check_template_field"]


def check_template_field(
    source: Any,
    pointer: str,
    report: Report,
    *,
    where: str,
    known: frozenset[str] | None,
    step_id: str | None = None,
) -> None:
    """Report a template's syntax error, or each top-level variable outside ``known``.

    ``known=None`` (no world to say which attributes exist) skips the variable check.
    Non-string values are left to the document check.
    """
    if not isinstance(source, str):
        return
    check = check_template(source)
    if check.error is not None:
        message = (
            f"{where}: template syntax error on line {check.error.line}: {check.error.message}"
        )
        report.add(FindingCode.TEMPLATE_SYNTAX_ERROR, message, pointer, step_id)
        return
    if known is None:
        return
    for name in sorted(check.variables - known):
        line = check.lines.get(name, 1)
        close = closest(name, known)
        hint = f"did you mean {close!r}? " if close else ""
        message = (
            f"{where}: template reads unknown variable {name!r} on line {line} (not a known "
            f"subject attribute, nor one of event, endUserId, journey, workspace); {hint}"
            "it will render empty"
        )
        report.add(FindingCode.TEMPLATE_UNKNOWN_VARIABLE, message, pointer, step_id)
