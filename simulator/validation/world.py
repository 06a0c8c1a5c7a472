"""``validate_world``: the checks on every non-journey document of a world at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from simulator.findings import Finding
from simulator.validation.communication import validate_communication, validate_trigger_contract
from simulator.validation.context import ValidationContext
from simulator.validation.report import Report
from simulator.validation.segments import check_segment, segment_cycles
from simulator.validation.subjects import validate_subject
from simulator.world import World

__all__ = ["DocumentKey", "validate_world"]

DocumentKey = tuple[str, str]
"""``(kind, id)`` with kind ``communication``, ``segment``, ``trigger_contract`` or
``subject``."""


def validate_world(
    world: World,
    now: datetime | None = None,
    *,
    check_templates: bool = True,
    invalid: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[DocumentKey, list[Finding]]:
    """Findings for each communication, segment, trigger contract and subject of ``world``.

    Every document gets an entry, empty when it is clean. The segment graph is built
    once for all segments. The workspace itself has no checks beyond its model.
    ``invalid``: documents that exist but did not validate (``ValidationContext.invalid``).
    """
    context = ValidationContext(
        world=world, now=now, check_templates=check_templates, invalid=invalid or {}
    )
    results: dict[DocumentKey, list[Finding]] = {}
    for comm_id, communication in world.communications.items():
        results[("communication", comm_id)] = validate_communication(communication, context)
    wire = {segment_id: segment.to_wire() for segment_id, segment in world.segments.items()}
    cycles = segment_cycles({sid: data.get("predicate") for sid, data in wire.items()})
    for segment_id, data in wire.items():
        report = Report()
        check_segment(data, report, context, cycles)
        results[("segment", segment_id)] = report.findings()
    for contract_id, contract in world.trigger_contracts.items():
        results[("trigger_contract", contract_id)] = validate_trigger_contract(contract, context)
    for subject_id, subject in world.subjects.items():
        results[("subject", subject_id)] = validate_subject(subject)
    return results
