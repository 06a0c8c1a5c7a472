"""Journey lifecycle rules (SPEC §1.6) and what publish decides, as pure functions.

Status moves only along these arrows::

    draft ──publish──▶ active ──pause──▶ paused
                         │   ◀──resume───   │
                         └──────┬───────────┘
                             archive
                                ▼
                             archived

* ``pause`` is allowed from ``active`` only, ``resume`` from ``paused`` only.
* ``archive`` is allowed from ``active`` and ``paused``; ``archived`` is terminal.
  SPEC §1.6 draws ``active ⇄ paused → archived`` and the seed says only "archive
  permanently", without a precondition. Users of the hosted product retire a live
  journey in one step, so archiving an active journey is allowed too (it stops new
  executions as a pause would); making them pause first would add a step that
  protects nothing. A draft that was never published cannot be archived: it has no
  version and no execution to retire.
* ``publish`` needs a draft and moves ``draft`` to ``active``; publishing a new version
  of an ``active`` or ``paused`` journey keeps its status (publishing is not resuming).

Anything else is ``409 invalid_transition``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from simulator.backend.errors import InvalidTransition
from simulator.backend.records import JourneyStatus
from simulator.codes import ApiErrorCode, FindingCode, Severity
from simulator.findings import Finding
from simulator.models import Communication, Journey, SendStep
from simulator.world import World

__all__ = [
    "ACTIONS",
    "blocking_code",
    "pinned_communications",
    "pinned_world",
    "pins_for",
    "status_after",
    "status_after_publish",
]

_S = JourneyStatus
_TRANSITIONS: dict[tuple[str, JourneyStatus], JourneyStatus] = {
    ("pause", _S.ACTIVE): _S.PAUSED,
    ("resume", _S.PAUSED): _S.ACTIVE,
    ("archive", _S.ACTIVE): _S.ARCHIVED,
    ("archive", _S.PAUSED): _S.ARCHIVED,
}
ACTIONS: dict[str, str] = {"pause": "paused", "resume": "resumed", "archive": "archived"}
"""Lifecycle action → the audit action it records."""


def status_after(status: JourneyStatus, action: str) -> JourneyStatus:
    """The status after ``action`` (pause, resume, archive), or ``InvalidTransition``.

    >>> status_after(JourneyStatus.ACTIVE, "pause")
    <JourneyStatus.PAUSED: 'paused'>
    >>> status_after(JourneyStatus.ACTIVE, "archive")
    <JourneyStatus.ARCHIVED: 'archived'>
    >>> status_after(JourneyStatus.DRAFT, "archive")
    Traceback (most recent call last):
    ...
    simulator.backend.errors.InvalidTransition: cannot archive a journey that is draft \
(allowed from: active, paused) [invalid_transition]
    """
    target = _TRANSITIONS.get((action, status))
    if target is None:
        allowed = sorted(s.value for (a, s) in _TRANSITIONS if a == action)
        froms = ", ".join(allowed)
        raise InvalidTransition(
            f"cannot {action} a journey that is {status.value} (allowed from: {froms})",
            details=[{"status": status.value, "action": action, "allowedFrom": allowed}],
        )
    return target


def status_after_publish(status: JourneyStatus) -> JourneyStatus:
    """``draft`` becomes ``active``; ``active`` and ``paused`` keep their status.

    >>> status_after_publish(JourneyStatus.DRAFT)
    <JourneyStatus.ACTIVE: 'active'>
    >>> status_after_publish(JourneyStatus.PAUSED)
    <JourneyStatus.PAUSED: 'paused'>
    """
    if status is JourneyStatus.ARCHIVED:
        raise InvalidTransition(
            "an archived journey cannot be published",
            details=[{"status": status.value, "action": "publish"}],
        )
    return JourneyStatus.ACTIVE if status is JourneyStatus.DRAFT else status


def blocking_code(findings: Iterable[Finding]) -> str:
    """The envelope code of a refused publish: the seed's
    ``send_step_uses_transactional_comm`` when that is the only kind of error,
    else ``validation_failed``."""
    codes = {f.code for f in findings if f.severity is Severity.ERROR}
    if codes == {FindingCode.SEND_STEP_USES_TRANSACTIONAL_COMM}:
        return ApiErrorCode.SEND_STEP_USES_TRANSACTIONAL_COMM.value
    return ApiErrorCode.VALIDATION_FAILED.value


def pinned_communications(journey: Journey, world: World) -> dict[str, Any]:
    """The documents of the communications :func:`pins_for` pins, ``{id: document}``:
    kept with the version so that its executions render the pinned version."""
    return {
        step.communication_id: world.communications[step.communication_id].to_wire()
        for step in journey.steps
        if isinstance(step, SendStep) and step.communication_id in world.communications
    }


def pinned_world(world: World, communications: Mapping[str, Any]) -> World:
    """``world`` with a version's pinned communications (``{id: document}``, as
    :func:`pinned_communications` kept them) in place of the workspace's current ones:
    the world that version's executions and its dry-runs run in (SPEC §1.2). ``world``
    itself when nothing differs (a version stored without its documents included)."""
    pinned = {k: _pinned(doc) for k, doc in communications.items()}
    changed = {k: c for k, c in pinned.items() if world.communications.get(k) != c}
    if not changed:
        return world
    return replace(world, communications={**world.communications, **changed})


def _pinned(document: Mapping[str, Any]) -> Communication:
    """A pinned communication as it was published. One kept by an earlier journeysim
    may hold a ``from`` that is not an e-mail address (refused since): the version
    still runs, without it (nothing sends from it: the runtime sends from the
    workspace's sender); any other problem is a stored document gone bad, and raises."""
    try:
        return Communication.model_validate(document)
    except ValidationError as exc:
        if {error["loc"][:1] for error in exc.errors()} != {("from",)}:
            raise
        return Communication.model_validate({k: v for k, v in document.items() if k != "from"})


def pins_for(journey: Journey, world: World) -> dict[str, Any]:
    """What a published version pins: each send step's communication version and the
    trigger contract's ``versionAt`` (the journey validated, so references resolve)."""
    communications = [
        {
            "stepId": step.id,
            "communicationId": step.communication_id,
            "version": world.communications[step.communication_id].version,
        }
        for step in journey.steps
        if isinstance(step, SendStep) and step.communication_id in world.communications
    ]
    contract = world.trigger_contracts.get(journey.trigger_contract_id or "")
    trigger = None
    if contract is not None:
        trigger = {"id": contract.id, "versionAt": contract.to_wire()["versionAt"]}
    return {"communications": communications, "triggerContract": trigger}
