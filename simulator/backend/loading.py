"""Loading a project folder (SPEC §1.7) into the API's store.

The workspace document and its members (their tokens included) replace the store's
copy of that workspace; each communication, segment, trigger contract and subject of
the project replaces the store's document of its id, except one the API wrote
(``import-bundle``), which the store keeps as it is, and the documents of an earlier
load that the project no longer has are deleted
(:meth:`~simulator.backend.directory.WorkspaceDirectory.put_world`). Journeys are
created as drafts by ``system``, unless the store already has a journey with that id:
those are kept as they are, so restarting a server on a shared store never overwrites
what people edited. With ``publish=True`` each newly created journey that passes
validation is published (version 1), which gives a dashboard active journeys to show;
the others stay drafts and are reported.

A subject of the project whose end user was erased (GDPR,
:meth:`~simulator.runtime.runtime.Runtime.forget_end_user`) is left out, and a copy
of their profile the store still holds is deleted: erasure keeps a tombstone in the
store (and so in ``serve --state``'s file), and the project folder, which is never
written, still holds their file. So a restart on a kept state answers as if the
project had no such subject (:attr:`LoadReport.forgotten` counts them); a fresh store
has no tombstone and loads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pydantic import ValidationError

from simulator.backend.auth import Actor
from simulator.backend.wire import CreateJourney
from simulator.codes import ApiErrorCode
from simulator.errors import InputError, JourneySimError
from simulator.findings import Finding
from simulator.models import Member
from simulator.project import DocumentKind, LoadedProject
from simulator.project import load_project as read_project

if TYPE_CHECKING:
    from simulator.backend.service import Backend
    from simulator.world import World

__all__ = ["LoadReport", "load_project"]


@dataclass(frozen=True)
class LoadReport:
    workspace_id: str
    workspace_name: str
    members: tuple[Member, ...]
    created: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Journeys already in the store, left untouched."""
    published: tuple[str, ...] = ()
    refused: dict[str, str] = field(default_factory=dict)
    """Journeys not created or not published, with the error code that stopped them."""
    findings: tuple[Finding, ...] = ()
    """The project loader's findings for files that did not load."""
    sync_api_key: str | None = None
    """The workspace's secret for the internal routes (``None``: they answer 401)."""
    forgotten: int = 0
    """Subjects of the project left out because their end user was erased."""


def load_project(
    backend: Backend, project: LoadedProject | str | os.PathLike[str], *, publish: bool = False
) -> LoadReport:
    if not isinstance(project, LoadedProject):
        project = read_project(project)
    world = project.world
    if world is None:
        # Say why, as `journeysim validate` would (a pointer and a message, no secret
        # values: a repeated token is named by where it is, never shown).
        workspace = next((d for d in project.documents if d.kind is DocumentKind.WORKSPACE), None)
        shown = project.findings_of(workspace) if workspace is not None else project.findings
        reasons = [finding.message for finding in shown if finding.severity == "error"]
        reason = f" ({'; '.join(reasons)})" if reasons else ""
        raise InputError(
            f"{project.root}: the workspace document cannot be used{reason}",
            details=[finding.to_wire() for finding in project.findings],
        )
    world, forgotten = _without_erased(backend, world)
    backend.directory.put_world(world)
    system = Actor.system(world.workspace.id)
    created, kept, published, refused = [], [], [], {}
    for journey_id in sorted(project.journeys):
        if backend.store.journey(world.workspace.id, journey_id, with_draft=False) is not None:
            kept.append(journey_id)
            continue
        journey = project.journeys[journey_id]
        wire = {key: value for key, value in journey.to_wire().items() if key != "$schema"}
        try:
            # The API's create body is stricter than a project file (a name over 200
            # characters, say): such a journey is refused alone, like an invalid one.
            body = CreateJourney.model_validate(wire)
        except ValidationError:
            refused[journey_id] = ApiErrorCode.INVALID_REQUEST.value
            continue
        try:
            backend.create_journey(system, body)
            created.append(journey_id)
            if publish:
                backend.publish(system, journey_id)
                published.append(journey_id)
        except JourneySimError as exc:
            refused[journey_id] = str(exc.code)
    return LoadReport(
        workspace_id=world.workspace.id,
        workspace_name=world.workspace.name,
        members=tuple(world.workspace.members),
        created=tuple(created),
        kept=tuple(kept),
        published=tuple(published),
        refused=refused,
        findings=project.findings,
        sync_api_key=world.workspace.sync_api_key,
        forgotten=forgotten,
    )


def _without_erased(backend: Backend, world: World) -> tuple[World, int]:
    """``world`` without the subjects whose end user was erased, and how many those were."""
    runtime, ws = backend.runtime, world.workspace.id
    kept = {key: s for key, s in world.subjects.items() if not runtime.forgotten(ws, key)}
    if len(kept) == len(world.subjects):
        return world, 0
    return replace(world, subjects=kept), len(world.subjects) - len(kept)
