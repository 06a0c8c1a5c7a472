"""``POST /api/journeys/{id}/simulate``: the API's shell around the dry-run engine.

The trace comes from :func:`simulator.engine.simulate`, the same call the CLI makes,
so one journey, subject and start give the same trace on both. Rules of the seed and
SPEC §3.3, checked in this order:

1. ``overrides`` must name known gates (``400 unknown_override``);
2. exactly one of ``subjectId`` and ``subjectAttributes`` (``400 invalid_subject``;
   ``futureEvents`` only with ``subjectAttributes``);
3. overrides are for workspace owners (``403 overrides_require_owner``);
4. the journey, version and subject must exist (``404``).

Viewers may dry-run (a preview changes nothing), without overrides. The document run
is the draft when there is one, else the latest version (``version`` picks another);
a published version runs with the journey's status, so a paused journey shows
``journey_paused``. ``at`` defaults to the engine's fixed start, as in the CLI.

A published version runs in the world its executions run in: its send steps render
the communications it pinned at publish (SPEC §1.2,
:func:`~simulator.backend.lifecycle.pinned_world`, as the runtime does), whatever the
workspace's copies became since, so the dry-run shows what the runtime sends. A draft
has pinned nothing: it runs with the workspace's current documents, which are what
publishing it now would pin.

Audit: a dry-run of a real subject writes ``simulate-with-real-user``; each override
writes ``dry-run-override-applied``. Their metadata names a real subject as the
runtime's entries do, by its audit pseudonym (``"subject": "sub_…"``, from
:meth:`~simulator.runtime.runtime.Runtime.pseudonym`), never by its id or attributes:
the log is append-only, and an id, even masked as traces show it (``usr_plain_A•••``),
would still point to one person after GDPR erasure, which deletes the pseudonym's only
link to them. A synthetic subject is named by its ``syn_…`` id (no person to erase).
Errors never echo PII: an unknown ``subjectId`` is shown masked as an id
(e-mail addresses and phone numbers), and an error the engine raises for a known
subject is masked with that subject's masker (:func:`masked_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.backend.auth import Actor, require_owner_for_overrides
from simulator.backend.errors import (
    DraftNotFound,
    InvalidRequest,
    InvalidSubject,
    SubjectNotFound,
    problem,
)
from simulator.backend.lifecycle import pinned_world
from simulator.backend.mutations import RequestPlace, placed
from simulator.backend.records import JourneyRecord, VersionRecord
from simulator.backend.wire import SimulateRequest
from simulator.durations import parse_duration
from simulator.engine.masking import Masker, scrub, scrub_id, subject_masker
from simulator.errors import JourneySimError
from simulator.models import Journey, Subject
from simulator.world import World

__all__ = [
    "audit_entries",
    "check_request",
    "document_to_run",
    "masked_error",
    "subject_for",
    "subject_masker_in",
]


def check_request(actor: Actor, body: SimulateRequest) -> None:
    """Steps 1–3 above: everything that needs no store."""
    from simulator.engine.dryrun import parse_overrides

    parse_overrides(body.overrides)
    given = [name for name in ("subjectId", "subjectAttributes") if _given(body, name)]
    if len(given) != 1:
        message = (
            "give exactly one of subjectId (a real subject) and subjectAttributes "
            f"(a synthetic profile); got {' and '.join(given) or 'neither'}"
        )
        # Both given: the second is the one to drop; neither: the body lacks one.
        where = f"/{given[-1]}" if given else ""
        raise InvalidSubject(
            message, details=[problem(where, message, "invalid_subject", given=given)]
        )
    if body.future_events is not None and body.subject_attributes is None:
        message = "futureEvents script a synthetic subject: send them with subjectAttributes"
        raise InvalidSubject(
            message,
            details=[
                problem(
                    "/futureEvents", message, "invalid_subject", given=["subjectId", "futureEvents"]
                )
            ],
        )
    require_owner_for_overrides(actor, body.overrides)


def _given(body: SimulateRequest, name: str) -> bool:
    return (body.subject_id if name == "subjectId" else body.subject_attributes) is not None


def document_to_run(
    record: JourneyRecord,
    body: SimulateRequest,
    load_version: Callable[[JourneyRecord, Any, RequestPlace | None], VersionRecord],
    world: World,
) -> tuple[Journey, World, int | None, str | None]:
    """``(journey, world, version, status)`` for the engine: a draft runs in ``world``
    with no version and no status; a published version in ``world`` with its pinned
    communications (see the module docstring), with its number and the journey's
    status."""
    selector: Any = body.version
    at = ("body", "/version") if selector is not None else None  # else the default
    if selector is None:
        selector = "draft" if record.has_draft else "latest"
    if selector == "draft" and record.draft is not None:
        return record.draft, world, None, None
    if selector == "draft":
        message = f"journey {record.journey_id!r} has no draft"
        raise DraftNotFound(message, details=placed(at, message, DraftNotFound))
    version = load_version(record, selector, at)
    pinned = pinned_world(world, version.communications)
    return version.journey, pinned, version.version, record.status.value


def subject_for(body: SimulateRequest, lookup: Callable[[str], Subject | None]) -> Subject:
    """The real subject (``lookup(endUserId)``) or a synthetic one from attributes."""
    if body.subject_id is not None:
        subject = lookup(body.subject_id)
        if subject is None:
            shown = _unknown_id(body.subject_id)
            message = f"no subject {shown!r} in this workspace"
            raise SubjectNotFound(
                message,
                details=[problem("/subjectId", message, "subject_not_found", subjectId=shown)],
            )
        return subject
    from simulator.engine import synthetic_subject

    for index, event in enumerate(body.future_events or ()):
        try:
            parse_duration(event.after)
        except ValueError as exc:
            message = f"futureEvents[{index}].after: {exc}"
            raise InvalidRequest(
                message,
                details=[problem(f"/futureEvents/{index}/after", message, "invalid_duration")],
            ) from None
    return synthetic_subject(body.subject_attributes or {}, future_events=body.future_events or ())


def _unknown_id(subject_id: str) -> str:
    """An id no subject has: there is no masker, so the detectors alone (whole-id
    phone numbers, e-mail addresses, and long digit runs inside it)."""
    return scrub(scrub_id(subject_id))


def subject_masker_in(subject: Subject, world: Any) -> Masker:
    """The masker of ``subject`` in ``world``'s workspace."""
    return subject_masker(subject, world.workspace.pii_attributes)


def masked_error(error: JourneySimError, masker: Masker) -> JourneySimError:
    """``error`` with its message and details masked by ``masker`` (in place)."""
    error.message = masker.text(error.message)
    error.args = (error.message,)
    error.details = [masker.data(detail) for detail in error.details]
    return error


def audit_entries(
    body: SimulateRequest, subject: Subject, version: int | None, name: str
) -> list[tuple[str, dict[str, Any]]]:
    """The audit actions this dry-run records (none for a synthetic run without
    overrides); ``name`` is how they name the subject (see the module docstring)."""
    reference = {
        "subject": name,
        "synthetic": subject.synthetic,
        "version": "draft" if version is None else version,
    }
    entries: list[tuple[str, dict[str, Any]]] = []
    if body.subject_id is not None:
        entries.append(("simulate-with-real-user", {**reference, "overrides": body.overrides}))
    entries.extend(
        ("dry-run-override-applied", {**reference, "override": name})
        for name in dict.fromkeys(body.overrides)
    )
    return entries
