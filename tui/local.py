"""The :class:`~tui.backend.Backend` in-process, over a project folder.

It reads the project once (:func:`simulator.project.load_project`), validates it
once (:func:`simulator.project.validate_project`) and runs dry-runs with
:func:`simulator.engine.simulate`, resolving the subject exactly as ``journeysim
simulate`` does, so the command line the dry-run screen shows prints the same trace.

Decisions where the spec is silent:

* A project folder's journeys are files that were never published: their status is
  ``draft`` and they have no version (the trace says ``"version": "draft"``).
* A journey's errors and warnings are those ``journeysim validate`` reports for its
  file: its own, the workspace's and those of the documents it uses (audience and
  the segments it composes, trigger contract, communications).
* A journey file that does not parse as a journey is still listed (by its id, or its
  file name when it has none) so its findings can be read; it cannot be dry-run.
* The person at the terminal wrote the project, so they may use every override (the
  in-process backend acts as a workspace owner).
* Files have no audit log and no lifecycle (publish, pause...): those need a served
  workspace, and asking for them says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.codes import Severity
from simulator.errors import InputError, NotFoundError, UsageError
from simulator.findings import Finding
from simulator.models import Journey, Subject
from simulator.project import (
    Document,
    DocumentKind,
    LoadedProject,
    load_project,
    referenced_documents,
    validate_project,
)
from simulator.world import World
from tui.backend import (
    AuditEntry,
    BackendInfo,
    DryRunRequest,
    JourneyDetail,
    JourneySummary,
    RuntimeView,
    SubjectSummary,
)

if TYPE_CHECKING:
    from simulator.engine.trace import Trace

__all__ = ["LocalBackend"]

_NO_RUNTIME = (
    "a project folder runs no executions: serve it (journeysim serve) and attach with "
    "--url to see executions, the outbox and stats"
)
_NO_LIFECYCLE = (
    "a project folder's journeys are files: they have no audit log and no lifecycle; "
    "serve the project (journeysim serve) and attach with --url to publish or pause"
)


@dataclass(frozen=True)
class _Entry:
    summary: JourneySummary
    document: Document
    findings: tuple[Finding, ...]


class LocalBackend:
    """A project folder, loaded and validated once, as the UI's workspace."""

    def __init__(self, root: str | os.PathLike[str], *, relative_to: Path | None = None) -> None:
        self._project = load_project(root)
        self._root = Path(self._project.root)
        self._relative_to = relative_to
        findings = validate_project(self._project)
        self._entries = _entries(self._project, findings, self._file_label)

    @property
    def project(self) -> LoadedProject:
        return self._project

    def info(self) -> BackendInfo:
        world = self._project.world
        name = world.workspace.name if world else "(workspace unusable)"
        workspace_id = world.workspace.id if world else "?"
        source = f"project {self._file_label(self._root)}"
        if world is None:
            return BackendInfo(workspace_id, name, source)
        return BackendInfo(
            workspace_id,
            name,
            source,
            pii_attributes=tuple(world.workspace.pii_attributes),
            default_goal_event_window_days=world.workspace.default_goal_event_window_days,
        )

    def journeys(self) -> list[JourneySummary]:
        return [entry.summary for entry in self._entries.values()]

    def journey(self, journey_id: str) -> JourneyDetail:
        entry = self._entry(journey_id)
        model = entry.document.model
        journey = model if isinstance(model, Journey) else None
        world = self._project.world
        channels = {
            c.id: tuple(channel.value for channel in c.channels)
            for c in (world.communications.values() if world else ())
        }
        return JourneyDetail(entry.summary, journey, entry.findings, channels)

    def subjects(self) -> list[SubjectSummary]:
        from simulator.engine.masking import subject_masker

        world = self._project.world
        subjects = world.subjects.values() if world else ()
        pii = world.workspace.pii_attributes if world else ()
        summaries = [
            SubjectSummary(
                s.end_user_id, s.timezone, subject_masker(s, pii).identifier(s.end_user_id)
            )
            for s in subjects
        ]
        return sorted(summaries, key=lambda s: s.id)

    def simulate(self, request: DryRunRequest) -> Trace:
        journey = self.journey(request.journey_id).journey
        if journey is None:
            raise InputError(
                f"journey {request.journey_id!r} does not parse as a journey; "
                "its findings say why, fix them to dry-run it"
            )
        from simulator.engine import simulate

        world = self._world()
        subject = _subject(journey, world, request)
        seed = request.seed
        if request.synthetic and seed is None:
            seed = 0  # as simulate --synthetic: the subject's seed seeds the draws too
        return simulate(
            journey, subject, world=world, overrides=request.overrides, at=request.at, seed=seed
        )

    def audit(self, journey_id: str) -> list[AuditEntry]:
        raise UsageError(_NO_LIFECYCLE)

    def transition(self, journey_id: str, action: str) -> str:
        raise UsageError(_NO_LIFECYCLE)

    def runtime(self, journey_id: str) -> RuntimeView:
        raise UsageError(_NO_RUNTIME)

    def advance(self, by: str) -> tuple[str, int]:
        raise UsageError(_NO_RUNTIME)

    def _entry(self, journey_id: str) -> _Entry:
        entry = self._entries.get(journey_id)
        if entry is None:
            from simulator.suggestions import did_you_mean

            hint = did_you_mean(journey_id, self._entries)
            raise NotFoundError(
                f"no journey {journey_id!r} in {self._file_label(self._root)}{hint}"
            )
        return entry

    def _world(self) -> World:
        if self._project.world is None:
            raise InputError("the project's workspace is not usable: see its findings")
        return self._project.world

    def _file_label(self, path: Path) -> str:
        """A path as the user would type it: relative to the working folder when inside it."""
        base = self._relative_to or Path.cwd()
        try:
            return str(Path(os.path.abspath(path)).relative_to(base))
        except ValueError:
            return str(path)


def _entries(project: LoadedProject, findings: list[Finding], label) -> dict[str, _Entry]:
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.source is not None:
            by_file.setdefault(finding.source.file, []).append(finding)
    entries: dict[str, _Entry] = {}
    for document in project.of_kind(DocumentKind.JOURNEY):
        journey_id = document.id or Path(document.name).stem
        if journey_id in entries:
            continue  # the first file wins, as in the loader; the duplicate is a finding
        related = referenced_documents(project, document)
        found = tuple(f for d in related for f in by_file.get(d.name, ()))
        entries[journey_id] = _Entry(_summary(journey_id, document, found, label), document, found)
    return dict(sorted(entries.items()))


def _summary(journey_id: str, document: Document, findings, label) -> JourneySummary:
    model = document.model if isinstance(document.model, Journey) else None
    data = document.data if isinstance(document.data, dict) else {}
    name = model.name if model else str(data.get("name") or "(unreadable)")
    steps = len(model.steps) if model else len(data.get("steps") or [])
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return JourneySummary(
        id=journey_id,
        name=name,
        status="draft",
        version=None,
        steps=steps,
        errors=errors,
        warnings=len(findings) - errors,
        file=label(document.path),
    )


def _subject(journey: Journey, world: World, request: DryRunRequest) -> Subject:
    """The subject ``journeysim simulate`` would use for the same options."""
    from simulator.engine import DEFAULT_START, synthetic_subject, with_attributes
    from simulator.engine.fitting import fitted_subject
    from simulator.engine.masking import scrub_id

    overlay = dict(request.attributes)
    if request.subject_id is not None:
        base = world.subjects.get(request.subject_id)
        if base is None:
            raise NotFoundError(f"no subject {scrub_id(request.subject_id)!r} in the project")
    elif request.synthetic:
        base = fitted_subject(journey, world, request.seed or 0, request.at or DEFAULT_START)
    else:
        return synthetic_subject(overlay)
    return with_attributes(base, overlay)
