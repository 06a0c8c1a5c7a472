"""What the terminal UI asks of a workspace: a small, framework-free interface.

The screens call only :class:`Backend`; they never touch a project folder, the API or
the engine themselves. :class:`~tui.local.LocalBackend` implements it in-process over
a loaded project; a client of ``journeysim serve`` (``--url``/``--token``) and the
runtime screens (executions, stats) can implement the same methods (and add theirs)
without any screen changing. Every method returns plain values (dataclasses, the
engine's pydantic models) that serialise to the API's wire shapes, so an HTTP client
can build them from JSON; every failure is a :class:`~simulator.errors.JourneySimError`
with a message a user can read (the screens show it as a notification).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from simulator.backend.records import AuditEntry
from simulator.codes import Override
from simulator.findings import Finding
from simulator.models import DEFAULT_PII_ATTRIBUTES, Journey

if TYPE_CHECKING:
    from simulator.engine.trace import Trace

__all__ = [
    "LIFECYCLE_ACTIONS",
    "AuditEntry",
    "Backend",
    "BackendInfo",
    "DryRunRequest",
    "JourneyDetail",
    "JourneySummary",
    "RuntimeView",
    "SubjectSummary",
]


@dataclass(frozen=True)
class BackendInfo:
    """Who and what the UI is attached to (shown in the header)."""

    workspace_id: str
    workspace_name: str
    source: str
    """Where the journeys come from: a project folder, or a server's URL."""
    can_override: bool = True
    """Whether dry-runs may bypass gates (SPEC §3.3: workspace owners only)."""
    synthetic_subjects: bool = True
    """Whether dry-runs can use a synthetic subject fitted from a seed."""
    lifecycle: bool = False
    """Whether journeys have an audit log and lifecycle actions (a served workspace)."""
    can_write: bool = False
    """Whether this member may change journeys (editors and owners, SPEC §5)."""
    runtime: bool = False
    """Whether journeys have executions, an outbox, stats and a virtual clock."""
    subject_ids_masked: bool = False
    """Whether :meth:`Backend.subjects` lists ids as a server masks them (a served
    workspace): a raw id the user gives cannot be found among them, so whether it
    exists is the dry-run's to say (``subject_not_found``)."""
    pii_attributes: tuple[str, ...] = DEFAULT_PII_ATTRIBUTES
    """The attributes whose values are PII (the workspace's ``piiAttributes``): the UI
    shows their values masked, as traces do (SPEC §3.6)."""
    default_goal_event_window_days: int | None = None
    """The workspace's goal window for journeys that set none (``None``: unknown)."""


@dataclass(frozen=True)
class JourneySummary:
    """One row of the journeys table."""

    id: str
    name: str
    status: str
    """``draft``, ``active``, ``paused`` or ``archived`` (a project file is a draft)."""
    version: int | None
    """The latest published version; ``None`` for a journey never published."""
    steps: int
    errors: int
    warnings: int
    file: str | None = None
    """The journey's file (as ``journeysim simulate`` takes it), when it has one."""

    @property
    def version_label(self) -> str:
        return "draft" if self.version is None else f"v{self.version}"


@dataclass(frozen=True)
class JourneyDetail:
    """A journey and the validation findings about it and the documents it uses."""

    summary: JourneySummary
    journey: Journey | None
    """``None`` when the document does not parse as a journey (the findings say why)."""
    findings: tuple[Finding, ...] = ()
    channels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The channels of each communication the journey sends, by communication id (a
    send step without ``channel`` uses the first)."""


@dataclass(frozen=True)
class SubjectSummary:
    """A subject a dry-run can use, without its attributes (they may be PII)."""

    id: str
    """The id a :class:`DryRunRequest` names (show :attr:`label` instead)."""
    timezone: str | None = None
    masked_id: str | None = None
    """The id as the subject's traces show it (masked by value); ``None``: the id
    with e-mail addresses and phone numbers masked."""

    @property
    def label(self) -> str:
        from simulator.engine.masking import scrub_id

        return self.masked_id if self.masked_id is not None else scrub_id(self.id)


LIFECYCLE_ACTIONS = ("publish", "pause", "resume", "archive", "bump")
"""What the journey screen can ask of a served journey (``bump``: a new draft)."""


@dataclass(frozen=True)
class RuntimeView:
    """A journey's runtime at the virtual clock's ``now``, in the API's shapes (SPEC
    §5.1, camelCase dicts): the last executions, the journey's outbox (masked), the
    step stats, the branch performance per adaptive branch and the calibrated impact."""

    now: str
    executions: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    step_stats: list[dict[str, Any]]
    branches: list[dict[str, Any]]
    impact: dict[str, Any]


SubjectKind = Literal["project", "synthetic", "attributes"]


@dataclass(frozen=True)
class DryRunRequest:
    """One dry-run, with exactly the meaning of ``journeysim simulate``'s options.

    ``subject_id`` (``--subject-id``) or ``synthetic`` (``--synthetic``) picks the
    subject; with neither, ``attributes`` alone make a synthetic subject (``--attr``);
    with either, ``attributes`` are laid over the subject's. ``seed`` is ``--seed``:
    the draw seed of the dry-run and the seed of a synthetic subject.
    """

    journey_id: str
    subject_id: str | None = None
    synthetic: bool = False
    seed: int | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    overrides: frozenset[Override] = frozenset()
    at: datetime | None = None

    @property
    def subject_kind(self) -> SubjectKind:
        if self.subject_id is not None:
            return "project"
        return "synthetic" if self.synthetic else "attributes"

    def flipped(self, override: Override) -> DryRunRequest:
        """The same request with ``override`` toggled."""
        return self.with_(overrides=self.overrides ^ {override})

    def masked(self, pii: Iterable[str]) -> DryRunRequest:
        """The same request with the values of the ``pii`` attributes masked, as traces
        show them.

        >>> DryRunRequest("j", attributes={"email": "ana@example.com", "seats": 12}).masked(
        ...     ["email"]).attributes
        {'email': 'a•••@e•••.com', 'seats': 12}
        """
        from simulator.engine.masking import mask_attributes

        return self.with_(attributes=mask_attributes(self.attributes, pii))

    def with_(self, **changes: Any) -> DryRunRequest:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return DryRunRequest(**{**values, **changes})

    def command_line(self, journey_file: str | None = None, *, allow_invalid: bool = False) -> str:
        """The ``journeysim simulate`` command that prints this dry-run's trace.

        ``allow_invalid`` adds ``--allow-invalid``: ``simulate`` refuses a journey with
        validation errors without it, where the UI dry-runs it anyway.

        >>> DryRunRequest("j", subject_id="usr_a", overrides=frozenset({Override.HOLDOUT}),
        ...     attributes={"seats": 12}).command_line("journeys/j.json")
        'journeysim simulate journeys/j.json --subject-id usr_a --attr seats=12 --override holdout'
        >>> DryRunRequest("j", synthetic=True).command_line(allow_invalid=True)
        'journeysim simulate journeys/j.json --synthetic --allow-invalid'
        """
        words = ["journeysim", "simulate", journey_file or f"journeys/{self.journey_id}.json"]
        if self.subject_id is not None:
            words += ["--subject-id", self.subject_id]
        elif self.synthetic:
            words.append("--synthetic")
        if self.seed is not None:
            words += ["--seed", str(self.seed)]
        for name, value in self.attributes.items():
            text = value if isinstance(value, str) and not _reads_as_json(value) else None
            words += ["--attr", f"{name}={text if text is not None else json.dumps(value)}"]
        for override in sorted(self.overrides):
            words += ["--override", override.value]
        if self.at is not None:
            from simulator.engine.trace import format_time

            words += ["--at", format_time(self.at)]
        if allow_invalid:
            words.append("--allow-invalid")
        return shlex.join(words)


def _reads_as_json(text: str) -> bool:
    """Whether ``--attr k=text`` would read ``text`` as JSON rather than as a string."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class Backend(Protocol):
    """The workspace as the UI sees it (in-process, or a server's API)."""

    def info(self) -> BackendInfo: ...

    def journeys(self) -> list[JourneySummary]:
        """Every journey of the workspace, sorted by id."""
        ...

    def journey(self, journey_id: str) -> JourneyDetail:
        """One journey; ``NotFoundError`` for an unknown id."""
        ...

    def subjects(self) -> list[SubjectSummary]:
        """The subjects a dry-run can name by id, sorted by id."""
        ...

    def simulate(self, request: DryRunRequest) -> Trace:
        """The dry-run's trace (masked); ``JourneySimError`` on bad input."""
        ...

    def audit(self, journey_id: str) -> list[AuditEntry]:
        """The journey's audit log, newest first (``UsageError`` without a lifecycle)."""
        ...

    def transition(self, journey_id: str, action: str) -> str:
        """Run one of :data:`LIFECYCLE_ACTIONS`; a sentence saying what happened."""
        ...

    def runtime(self, journey_id: str) -> RuntimeView:
        """The journey's runtime now (``UsageError`` without a runtime)."""
        ...

    def advance(self, by: str) -> tuple[str, int]:
        """Move the virtual clock by an ISO-8601 duration: ``(now, dispatched steps)``."""
        ...
