"""``validate``: every check of SPEC §2 on one journey.

The journey is read in its wire form (camelCase mapping), whether it arrives as a
``Journey`` model or as parsed JSON, so a document pydantic refused is still
checked wherever its parts are usable: a typo in one step does not hide a cycle in
the rest. Work is linear in the number of steps and references: the step graph is
built once, each step is visited once, templates are compiled once per source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from simulator.codes import FindingCode
from simulator.findings import Finding
from simulator.models import Journey, StepAdapter
from simulator.suggestions import absent
from simulator.validation.context import DEFAULT_CONTEXT, ValidationContext, template_variables
from simulator.validation.document import load_document, pydantic_findings
from simulator.validation.graph import build_graph, check_cycles, check_reachability
from simulator.validation.report import Report
from simulator.validation.steps import StepEnv, aware, check_step

__all__ = ["validate"]

_DEFAULT_STEPS = ({"id": "exit", "type": "exit"},)


def validate(
    journey: Journey | Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[Finding]:
    """All findings for one journey, in document order. Pure; never raises.

    >>> journey = {"id": "j", "name": "J", "triggerContractId": "t", "steps": [
    ...     {"id": "a", "type": "wait", "duration": "P1D", "next": "b"},
    ...     {"id": "b", "type": "wait", "duration": "P1D", "next": "a"}]}
    >>> [(f.code.value, f.path, f.message) for f in validate(journey)]
    [('cycle_detected', '/steps/1/next', 'steps form a cycle: a → b → a (a journey must be \
acyclic; every path ends in exit)')]
    """
    data, document_findings = _load(journey)
    report = Report()
    report.extend(document_findings)
    if not isinstance(data, Mapping):
        return report.findings()
    steps = data.get("steps", _DEFAULT_STEPS)
    steps = steps if isinstance(steps, list | tuple) else ()
    _check_references(data, context, report)
    graph = build_graph(steps, report)
    check_cycles(graph, report)
    env = _step_env(data, context)
    for position, step in enumerate(steps):
        check_step(step, position, env, report)
    check_reachability(graph, report)
    return report.findings()


def _load(journey: Any) -> tuple[Any, list[Finding]]:
    """The wire form and its ``invalid_document`` findings.

    Steps are validated one by one and their models dropped at once: the checks
    read the wire form, and ten thousand step models held alive at the same time
    cost more in garbage collection than the validation itself.
    """
    steps = journey.get("steps") if isinstance(journey, Mapping) else None
    if isinstance(journey, Journey) or not isinstance(steps, list) or not steps:
        # No steps: the model refuses an empty list itself (``StepList``), in the
        # words the loader uses, so the two findings are one.
        data, _, findings = load_document(journey, Journey, "journey")
        return data, findings
    findings = []
    try:
        # Everything but the steps (the default stands in), which are checked one by
        # one below, and an empty list in validate() with the model's own message.
        Journey.model_validate({k: v for k, v in journey.items() if k != "steps"})
    except ValidationError as exc:
        findings += pydantic_findings(exc, journey, kind="journey")
    validate_step = StepAdapter.validate_python
    for position, step in enumerate(steps):
        try:
            validate_step(step)
        except ValidationError as exc:
            findings += pydantic_findings(
                exc, journey, kind="journey", prefix=("steps", position), root=Journey
            )
    return journey, findings


def _check_references(data: Mapping, context: ValidationContext, report: Report) -> None:
    journey = data.get("id")
    name = f"journey {journey!r}" if isinstance(journey, str) else "the journey"
    trigger = data.get("triggerContractId")
    if trigger is None:
        message = f"{name} has no triggerContractId, so it can only be started manually"
        report.add(FindingCode.MANUAL_TRIGGER_ONLY, message, "")
    world = context.world
    if world is None:
        return
    if isinstance(trigger, str) and trigger not in world.trigger_contracts:
        message = f"{name} refers to trigger contract {trigger!r}"
        message += absent(trigger, world.trigger_contracts, context.invalid_of("trigger_contract"))
        report.add(FindingCode.UNKNOWN_TRIGGER_CONTRACT, message, "/triggerContractId")
    audience = data.get("audienceId")
    if isinstance(audience, str) and audience not in world.segments:
        message = f"{name} has audienceId {audience!r}"
        message += absent(audience, world.segments, context.invalid_of("segment"))
        report.add(FindingCode.UNKNOWN_SEGMENT, message, "/audienceId")


def _step_env(data: Mapping, context: ValidationContext) -> StepEnv:
    world = context.world
    goal = data.get("goalEventName")
    return StepEnv(
        communications=world.communications if world is not None else None,
        segments=world.segments if world is not None else None,
        invalid_communications=context.invalid_of("communication"),
        invalid_segments=context.invalid_of("segment"),
        now=aware(context.now),
        template_names=template_variables(world),
        check_templates=context.check_templates,
        has_goal=isinstance(goal, str) and bool(goal.strip()),
    )
