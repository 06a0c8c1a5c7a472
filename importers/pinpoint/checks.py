"""Validate a translated bundle with journeysim's own validator (SPEC §2).

Every journey, communication, segment and trigger contract of the bundle is checked
against a world made of the bundle plus a default workspace, so the report says
exactly why a journey would not publish. The workspace knows the default PII
attributes and every attribute the bundle's templates read (each one comes from a
Pinpoint variable, and the report lists the mapping), so ``template_unknown_variable``
does not flag the whole import. Findings keep
their codes and severities; their ``location`` points into the bundle
(``/journeys/0/steps/3/next``) and, for steps, ``activityId`` names the Pinpoint
activity behind the step.
"""

from __future__ import annotations

from collections.abc import Mapping

from importers.pinpoint.bundle import ImportBundle, ReportEntry
from simulator.codes import ReportSeverity
from simulator.findings import Finding
from simulator.models import DEFAULT_PII_ATTRIBUTES, WebhookStep, Workspace
from simulator.templating import check_template
from simulator.world import World

__all__ = ["IMPORT_WORKSPACE", "template_attributes", "validation_entries"]

IMPORT_WORKSPACE = Workspace(
    id="pinpoint-import", project_key="pinpoint-import", name="Pinpoint import"
)
"""The workspace a bundle is validated in (and written with, by ``--project``)."""


def template_attributes(bundle: ImportBundle) -> set[str]:
    """The subject attributes the bundle's templates read (context names excluded)."""
    from simulator.validation import CONTEXT_VARIABLES

    texts = [t for c in bundle.communications for t in (c.subject_line, c.body) if t]
    texts += [
        step.body_template
        for journey in bundle.journeys
        for step in journey.steps
        if isinstance(step, WebhookStep) and step.body_template
    ]
    names = {name for text in texts for name in check_template(text).variables}
    return names - CONTEXT_VARIABLES


def validation_entries(
    bundle: ImportBundle, steps: Mapping[tuple[str, str], str]
) -> list[ReportEntry]:
    """Report entries for every validation finding on the bundle's documents.

    ``steps`` maps ``(journey id, step id)`` back to the Pinpoint activity id.
    """
    from simulator.validation import (
        ValidationContext,
        validate,
        validate_communication,
        validate_segment,
        validate_trigger_contract,
    )

    attributes = sorted({*DEFAULT_PII_ATTRIBUTES, *template_attributes(bundle)})
    workspace = IMPORT_WORKSPACE.model_copy(update={"known_attributes": attributes})
    world = World.of(
        workspace,
        communications=bundle.communications,
        segments=bundle.segments,
        trigger_contracts=bundle.trigger_contracts,
    )
    context = ValidationContext(world=world)
    entries: list[ReportEntry] = []
    for index, journey in enumerate(bundle.journeys):
        for finding in validate(journey, context):
            activity = steps.get((journey.id, finding.step_id or ""))
            entries.append(_entry(finding, f"/journeys/{index}", journey.id, activity))
    documents = (
        ("communications", bundle.communications, validate_communication),
        ("segments", bundle.segments, validate_segment),
        ("triggerContracts", bundle.trigger_contracts, validate_trigger_contract),
    )
    for member, items, check in documents:
        for index, item in enumerate(items):
            entries += [_entry(f, f"/{member}/{index}", None, None) for f in check(item, context)]
    return entries


def _entry(
    finding: Finding, base: str, journey_id: str | None, activity: str | None
) -> ReportEntry:
    return ReportEntry(
        severity=ReportSeverity(finding.severity.value),
        code=finding.code.value,
        message=finding.message,
        journey_id=journey_id,
        activity_id=activity,
        location=base + finding.path,
        document="bundle",
    )
