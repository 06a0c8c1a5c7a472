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

A call of a variable from the context (``{{ nickname() }}``) is a
``template_syntax_error`` too, for the same reason and because it is the unknown-filter
case again, with call syntax: the name is not a function the sandbox provides, so the
render fails for every subject. It is not ``template_unknown_variable``, whose warning
promises the name renders empty: a call of a missing name fails, and so does a call of a
known attribute (data is never callable), which the message says.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from simulator.codes import FindingCode
from simulator.suggestions import closest
from simulator.templating import TemplateCheck, check_template, environment
from simulator.validation.context import CONTEXT_VARIABLES
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
    """Report a template's syntax error, or each call of a context variable and each
    top-level variable outside ``known``.

    ``known=None`` (no world to say which attributes exist) skips the variable check;
    calls are errors either way. Non-string values are left to the document check.
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
    for name, line in sorted(check.calls.items()):
        message = f"{where}: template calls {name!r} on line {line}{_why_not(name, known)}"
        report.add(FindingCode.TEMPLATE_SYNTAX_ERROR, message, pointer, step_id)
    if known is None:
        return
    _report_unknown(check, pointer, report, where=where, known=known, step_id=step_id)


def _why_not(name: str, known: frozenset[str] | None) -> str:
    """Why calling ``name`` fails at render (the rest of the message)."""
    if name in CONTEXT_VARIABLES:
        return ", which is template data, not a function: the call fails at render"
    if known is not None and name in known:
        return (
            ", a subject attribute: calls of attributes fail at render (attributes are "
            "data, not functions)"
        )
    functions = _functions()
    close = closest(name, functions)
    hint = f"; did you mean {close!r}?" if close else ""
    return (
        f", which is not a function the sandbox provides ({', '.join(functions)}) nor a "
        f"macro of the template: calls of attributes and of missing names fail at render{hint}"
    )


@lru_cache(maxsize=1)
def _functions() -> tuple[str, ...]:
    return tuple(sorted(environment(False).globals))


def _report_unknown(
    check: TemplateCheck,
    pointer: str,
    report: Report,
    *,
    where: str,
    known: frozenset[str],
    step_id: str | None,
) -> None:
    # A called name is reported above: its call fails, it does not render empty.
    for name in sorted(check.variables - known - set(check.calls)):
        line = check.lines.get(name, 1)
        close = closest(name, known)
        hint = f"did you mean {close!r}? " if close else ""
        message = (
            f"{where}: template reads unknown variable {name!r} on line {line} (not a known "
            f"subject attribute, nor one of event, endUserId, journey, workspace); {hint}"
            "it will render empty"
        )
        report.add(FindingCode.TEMPLATE_UNKNOWN_VARIABLE, message, pointer, step_id)
