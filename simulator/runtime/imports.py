"""The two import routes (SPEC §4, §5): translate a Pinpoint export, apply a bundle.

:func:`translate_pinpoint` is the importer as it is (the CLI's ``import-pinpoint``)
behind the internal API. :func:`import_bundle` applies an import bundle to a
workspace as **drafts**, never publishing:

* the bundle is schema-checked (``400 invalid_request``, one detail of type
  ``invalid_document`` per problem, each at its pointer under ``/bundle``, worded as
  ``journeysim validate`` words a bad document); ``format`` is required, so a journey
  or an export posted by mistake is not read as an empty bundle;
* a journey id, or a document id of one kind, twice in the bundle is
  ``400 invalid_request`` (type ``duplicate_id``) at the second: the later one would
  silently win, or the second create would fail half-way;
* a journey of the bundle that names an archived journey is ``409 journey_archived``
  at its entry, with or without ``replace`` (an archived journey takes no draft);
* its communications, segments and trigger contracts join the workspace documents;
  with ``replace``, a document of an existing id is replaced whole (nothing of the old
  one is kept), but for a communication's ``version``: one whose content changed gets
  the next version (the old one's + 1, or the bundle's number when higher), so one
  version never names two contents in the outbox or in a version pinned at publish. A
  document of the same content (a communication's version aside) is left as it is,
  the project's if it came from the project, so importing a bundle again changes
  nothing. Those it creates or replaces are the API's from then on
  (:meth:`~simulator.backend.directory.WorkspaceDirectory.put_documents`): loading the
  project again (a restart of ``serve --state``) keeps them as imported, over the
  project's file of that id, if any;
* its journeys are created as drafts, or, with ``replace``, become the draft of the
  journey of the same id (a draft is opened from the latest version if there is none,
  so ``basedOnVersion`` says what it replaced; published versions stay as history). The
  draft is then exactly the bundle's journey: a field the bundle's journey leaves out
  takes its default (no audience, no trigger contract, no goal), as it would on a
  create, rather than keep the old draft's value. The replace is a ``PATCH`` that
  names every field, so it stays conditional on the draft it read and is audited as
  one ``edited`` entry;
* a journey id or a document id that already exists (a document with different
  content) is a conflict: ``409 import_conflict`` lists them all, nothing is written,
  unless ``replace`` is true;
* a journey id that would shadow a route is ``400 reserved_journey_id``, one with too
  many steps ``400 too_many_steps`` and one too large to store ``413 journey_too_large``,
  each located at its entry (``/bundle/journeys/3/steps``); the size is measured on the
  item the store would write (list entry and compressed draft) with its metadata at its
  longest, so a journey within a few bytes of the limit may be refused here though a
  create would just fit;
* every refusal above is decided for the whole bundle before the first write (the dry
  run answers them too), so a refused bundle is never half applied. Only a failure of
  the store itself, or another client writing the same ids while the import runs, can
  still stop it part-way: DynamoDB's transactions hold at most 100 items, fewer than a
  bundle may need;
* the answer says what the bundle did of every kind (SPEC §5.1's ``created`` and
  ``replaced`` are the journeys' ids, as documented, so clients that read them keep
  working; ids of different kinds may coincide, so they are not mixed in)::

      {"created": [journey ids], "replaced": [journey ids], "dryRun": bool,
       "communications": {"created": [ids], "replaced": [ids], "unchanged": [ids]},
       "segments": {...}, "triggerContracts": {...}}

  each list sorted; ``unchanged`` holds the documents that exist with the same content;
* ``dryRun`` answers what would change and writes nothing;
* each created or replaced journey's audit log gets ``bundle-imported``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from simulator.backend.auth import Actor
from simulator.backend.errors import (
    ImportConflict,
    InvalidRequest,
    JourneyArchived,
    problem,
    refuse_unknown,
)
from simulator.backend.mutations import too_large_as_journey_error
from simulator.backend.records import JourneyRecord, JourneyStatus
from simulator.backend.service import refuse_reserved_id
from simulator.backend.tables import MAX_ITEM_BYTES, ItemTooLarge, item_size
from simulator.backend.wire import CreateJourney, PatchJourney
from simulator.errors import JourneySimError
from simulator.models import Communication, Role
from simulator.models.trigger import json_type_of
from simulator.validation.document import pydantic_findings

__all__ = ["import_bundle", "translate_pinpoint"]

_STAMP = "2026-01-01T00:00:00.000000Z"  # the store's timestamps have this length


def translate_pinpoint(body: Any) -> dict[str, Any]:
    from importers.pinpoint.translator import translate

    if not isinstance(body, dict) or "export" not in body:
        raise InvalidRequest(
            'the body needs "export": a Pinpoint journey export', location="export"
        )
    refuse_unknown(body, ("export", "templates", "segments", "goalEvent", "goalWindowDays"))
    templates = body.get("templates") or {}
    if isinstance(templates, list):
        templates = {_template_name(t, i): t for i, t in enumerate(templates)}
    if not isinstance(templates, dict):
        raise InvalidRequest("templates: a list or a name → template object", location="templates")
    segments = body.get("segments") or {}
    if not isinstance(segments, dict):
        raise InvalidRequest("segments: a name → segment object", location="segments")
    goal_event, window = body.get("goalEvent"), body.get("goalWindowDays")
    if goal_event is not None and (not isinstance(goal_event, str) or not goal_event.strip()):
        raise InvalidRequest("goalEvent: an event name is required", location="goalEvent")
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 365:
            raise InvalidRequest(
                f"goalWindowDays: a whole number of days from 1 to 365, not {window!r}",
                location="goalWindowDays",
            )
        if goal_event is None:
            raise InvalidRequest("goalWindowDays needs goalEvent", location="goalWindowDays")
    bundle, _ = translate(
        body["export"], templates, segments, goal_event=goal_event, goal_window_days=window
    )
    return bundle.to_wire()


def _template_name(template: Any, index: int) -> str:
    if isinstance(template, dict):
        name = template.get("TemplateName") or template.get("name")
        if isinstance(name, str) and name:
            return name
    return f"template-{index + 1}"


def import_bundle(backend: Any, workspace_id: str, body: Any) -> dict[str, Any]:
    from importers.pinpoint.bundle import ImportBundle

    if not isinstance(body, dict) or "bundle" not in body:
        raise InvalidRequest('the body needs "bundle": an import bundle', location="bundle")
    refuse_unknown(body, ("bundle", "dryRun", "replace"))
    dry_run, replace = body.get("dryRun", False), body.get("replace", False)
    if not isinstance(dry_run, bool) or not isinstance(replace, bool):
        field = "dryRun" if not isinstance(dry_run, bool) else "replace"
        raise InvalidRequest(f"{field}: true or false", location=field)
    document = body["bundle"]
    journeys = document.get("journeys") if isinstance(document, dict) else None
    for index, journey in enumerate(journeys if isinstance(journeys, list) else ()):
        if isinstance(journey, dict) and isinstance(journey.get("id"), str):
            # "_x" too, before the id pattern refuses it
            refuse_reserved_id(journey["id"], path=f"/bundle/journeys/{index}/id")
    try:
        bundle = ImportBundle.model_validate(document)
    except ValidationError as exc:
        raise _invalid(exc, document) from None
    _refuse_repeated_ids(bundle)
    plans = [_plan(backend, workspace_id, index, j) for index, j in enumerate(bundle.journeys)]

    world = backend.directory.world(workspace_id)
    existing = {j["id"]: j for j in backend.store.journeys(workspace_id)}
    _refuse_archived(bundle, existing)
    conflicts = [
        problem(
            f"/bundle/journeys/{index}/id", f"journey {j.id!r} already exists", _CONFLICT, id=j.id
        )
        for index, j in enumerate(bundle.journeys)
        if j.id in existing
    ]
    kinds = (
        ("communications", world.communications),
        ("segments", world.segments),
        ("trigger_contracts", world.trigger_contracts),
    )
    changes = {kind: _changes(getattr(bundle, kind), current) for kind, current in kinds}
    for kind, change in changes.items():
        for index, document in enumerate(getattr(bundle, kind)):
            if document.id in change["replaced"]:
                message = f"{_KIND_NAMES[kind]} {document.id!r} exists with other content"
                path = f"/bundle/{to_camel(kind)}/{index}/id"
                conflicts.append(problem(path, message, _CONFLICT, id=document.id))
    if conflicts and not replace:
        ids = ", ".join(detail["id"] for detail in conflicts)
        raise ImportConflict(
            f"the bundle would overwrite {len(conflicts)} existing id(s): {ids}; "
            "send replace: true to replace them",
            details=conflicts,
        )
    created = sorted(j.id for j in bundle.journeys if j.id not in existing)
    replaced = sorted(j.id for j in bundle.journeys if j.id in existing)
    answer: dict[str, Any] = {"created": created, "replaced": replaced, "dryRun": dry_run}
    answer |= {to_camel(kind): {k: sorted(v) for k, v in c.items()} for kind, c in changes.items()}
    if dry_run:
        return answer
    written = {
        kind: [
            _versioned(d, current.get(d.id))
            for d in getattr(bundle, kind)
            if d.id not in changes[kind]["unchanged"]
        ]
        for kind, current in kinds
    }
    backend.directory.put_documents(workspace_id, **written)
    system = Actor(workspace_id=workspace_id, user_id="system", role=Role.OWNER)
    for journey, (create, patch) in zip(bundle.journeys, plans, strict=True):
        if journey.id in existing:
            record = backend.store.journey(workspace_id, journey.id)
            draft = backend.get_journey(system, journey.id) if record.has_draft else None
            if draft is None or draft.version != "draft":
                draft = backend.bump_draft(system, journey.id)
            backend.patch_draft(
                system, journey.id, patch.model_copy(update={"updated_at": draft.updated_at})
            )
        else:
            backend.create_journey(system, create)
        backend._append_now(
            system,
            journey.id,
            [("bundle-imported", {"format": bundle.format, "replaced": journey.id in existing})],
        )
    return answer


_CONFLICT = str(ImportConflict.code)
_KIND_NAMES = {
    "journeys": "journey",
    "communications": "communication",
    "segments": "segment",
    "trigger_contracts": "trigger contract",
}


def _changes(documents: list[Any], current: dict[str, Any]) -> dict[str, set[str]]:
    """What the bundle's ``documents`` of one kind do to the workspace's ``current``
    ones: the ids they ``created``, ``replaced`` (an id that exists with other content:
    a conflict unless ``replace``) and left ``unchanged`` (the same content)."""
    changes: dict[str, set[str]] = {"created": set(), "replaced": set(), "unchanged": set()}
    for document in documents:
        known = current.get(document.id)
        if known is None:
            changes["created"].add(document.id)
        elif _content(known) == _content(document):
            changes["unchanged"].add(document.id)
        else:
            changes["replaced"].add(document.id)
    return changes


def _content(document: Any) -> dict[str, Any]:
    """A document as the import compares it: a communication's ``version`` is not its
    content but the workspace's count of its contents (see :func:`_versioned`), so a
    bundle that numbers the same content otherwise changes nothing."""
    wire = document.to_wire()
    if isinstance(document, Communication):
        wire.pop("version", None)
    return wire


def _versioned(document: Any, known: Any) -> Any:
    """``document`` as it replaces ``known`` (``None``: it is new): a communication
    whose content changed gets the next version, ``known``'s + 1, or the bundle's own
    number when that is higher, so one version number never names two contents (the
    outbox's ``communicationVersion``, the versions pinned at publish)."""
    if not isinstance(document, Communication) or known is None:
        return document
    return document.model_copy(update={"version": max(known.version + 1, document.version)})


def _invalid(exc: ValidationError, document: Any, at: str = "/bundle") -> InvalidRequest:
    """Every way ``document`` (the bundle, or the part of it at pointer ``at``) is not
    valid, one detail each at its pointer, worded as ``validate`` words a bad document
    (the type is its code, ``invalid_document``)."""
    from importers.pinpoint.bundle import ImportBundle

    if not isinstance(document, dict):
        message = (
            "bundle: an import bundle is a JSON object (journeysim import-pinpoint -o FILE "
            f"writes one), not {json_type_of(document)}"
        )
        return InvalidRequest(message, details=[problem("/bundle", message, "invalid_document")])
    root = ImportBundle if at == "/bundle" else None
    findings = pydantic_findings(exc, document, kind="import bundle", root=root)
    details = [problem(at + f.path, f.message, str(f.code)) for f in findings]
    shown = "; ".join(f"{d['path']}: {d['message']}" for d in details[:3])
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return InvalidRequest(f"not a valid import bundle: {shown}{more}", details=details)


def _refuse_repeated_ids(bundle: Any) -> None:
    """Two journeys, or two documents of one kind, with one id: the second would
    silently replace the first (or fail half-way through the writes)."""
    details = []
    for kind, name in _KIND_NAMES.items():
        first: dict[str, int] = {}
        for index, document in enumerate(getattr(bundle, kind)):
            path = f"/bundle/{to_camel(kind)}/{index}/id"
            if document.id in first:
                earlier = f"/bundle/{to_camel(kind)}/{first[document.id]}"
                message = (
                    f"{name} id {document.id!r} appears twice in the bundle (first at {earlier})"
                )
                details.append(problem(path, message, "duplicate_id", id=document.id))
            first.setdefault(document.id, index)
    if details:
        message = "; ".join(detail["message"] for detail in details[:3])
        more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
        raise InvalidRequest(f"{message}{more}: ids must be unique", details=details)


def _refuse_archived(bundle: Any, existing: dict[str, dict[str, Any]]) -> None:
    """A journey of the bundle that names an archived journey can neither be created
    nor replaced (an archived journey takes no new draft): refused before any write."""
    archived = [
        problem(
            f"/bundle/journeys/{index}/id",
            f"journey {journey.id!r} is archived and cannot take a draft; "
            "import it under another id",
            str(JourneyArchived.code),
            id=journey.id,
        )
        for index, journey in enumerate(bundle.journeys)
        if existing.get(journey.id, {}).get("status") == JourneyStatus.ARCHIVED
    ]
    if archived:
        ids = ", ".join(detail["id"] for detail in archived)
        raise JourneyArchived(
            f"the bundle names {len(archived)} archived journey(s): {ids}", details=archived
        )


def _plan(backend: Any, workspace_id: str, index: int, journey: Any) -> tuple[Any, Any]:
    """The create and the patch body of one journey of the bundle, built (and the
    journey checked storable) before anything is written: a refusal names the
    journey's place in the bundle, and nothing has been applied yet."""
    prefix = f"/bundle/journeys/{index}"
    fields = journey.to_wire()
    fields.pop("$schema", None)
    # Every field, the absent ones at their defaults (None clears): a replace that only
    # named the bundle's fields would keep the old draft's audience, trigger and goal.
    patch = journey.model_dump(mode="json", by_alias=True, exclude={"id"})
    with _within(prefix):
        _refuse_unstorable(backend, workspace_id, journey)
    try:
        create = CreateJourney.model_validate(fields)
        patched = PatchJourney.model_validate({**patch, "updatedAt": _STAMP})
    except ValidationError as exc:
        raise _invalid(exc, fields, prefix) from None
    return create, patched


@contextmanager
def _within(prefix: str) -> Iterator[None]:
    """Errors about a journey's body point into the bundle: ``/steps`` becomes
    ``/bundle/journeys/3/steps``."""
    try:
        yield
    except JourneySimError as error:
        for detail in error.details:
            if isinstance(detail, dict) and detail.get("in") == "body":
                detail["path"] = prefix + detail.get("path", "")
        raise


def _refuse_unstorable(backend: Any, workspace_id: str, journey: Any) -> None:
    """``journey`` would be refused when written: a reserved id, or an item over
    DynamoDB's limit (measured on the item the store would write)."""
    refuse_reserved_id(journey.id)
    stamp = _STAMP
    record = JourneyRecord(
        workspace_id=workspace_id,
        journey_id=journey.id,
        name=journey.name,
        description=journey.description,
        status=JourneyStatus.ARCHIVED,  # the longest status
        updated_at=stamp,
        created_at=stamp,
        created_by="system",
        draft_based_on=10**9,
        latest_version=10**9,
        draft=journey,
        audit_seq=10**9,
    )
    size = item_size(backend.store._journey_item(record, backend._encode(journey)))
    if size > MAX_ITEM_BYTES:
        with too_large_as_journey_error():
            raise ItemTooLarge(backend.store.journeys_table, size)
