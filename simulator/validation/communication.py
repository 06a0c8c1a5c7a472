"""Communication and trigger-contract checks (templates, field paths)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from simulator.codes import FindingCode
from simulator.findings import Finding
from simulator.models import Communication, TriggerContract
from simulator.validation.context import DEFAULT_CONTEXT, ValidationContext, template_variables
from simulator.validation.document import load_document
from simulator.validation.report import Report
from simulator.validation.templates import check_template_field

__all__ = ["validate_communication", "validate_trigger_contract"]

_FIELD_PATH = re.compile(r"^[^.\s]+(?:\.[^.\s]+)*$")


def validate_communication(
    communication: Communication | Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[Finding]:
    """Findings for one communication: document shape and its templates.

    ``body`` and ``subjectLine`` are compiled in the rendering sandbox; with a world,
    every top-level variable they read must be a known subject attribute or a
    context name (``event``, ``endUserId``, ``journey``, ``workspace``).

    >>> [f.message for f in validate_communication({"id": "c", "name": "C",
    ...     "kind": "marketing", "channels": ["email"], "body": "Hi {{ firstName }"})]
    ["communication 'c' body: template syntax error on line 1: unexpected '}'"]
    """
    data, _, findings = load_document(communication, Communication, "communication")
    report = Report()
    report.extend(findings)
    if not isinstance(data, Mapping) or not context.check_templates:
        return report.findings()
    comm_id = data.get("id")
    name = f"communication {comm_id!r}" if isinstance(comm_id, str) else "the communication"
    known = template_variables(context.world)
    for field in ("subjectLine", "body"):
        where = f"{name} {field}"
        check_template_field(data.get(field), f"/{field}", report, where=where, known=known)
    return report.findings()


def validate_trigger_contract(
    contract: TriggerContract | Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[Finding]:
    """Findings for one trigger contract: document shape and its dotted field paths.

    ``context`` is accepted for symmetry; a contract refers to no other document.

    >>> [f.path for f in validate_trigger_contract({"id": "t", "name": "T",
    ...     "eventName": "signup", "subjectFieldPath": "user..id",
    ...     "versionAt": "2026-01-01T00:00:00Z"})]
    ['/subjectFieldPath']
    """
    data, _, findings = load_document(contract, TriggerContract, "trigger contract")
    report = Report()
    report.extend(findings)
    if not isinstance(data, Mapping):
        return report.findings()
    for field in ("subjectFieldPath", "recipientEmailFieldPath"):
        path = data.get(field)
        if isinstance(path, str) and not _FIELD_PATH.match(path):
            message = (
                f"trigger contract {field} {path!r} is not a dotted path into the event "
                "(e.g. endUserId or user.email)"
            )
            report.add(FindingCode.INVALID_DOCUMENT, message, f"/{field}")
    return report.findings()
