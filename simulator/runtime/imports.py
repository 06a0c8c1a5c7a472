"""The two import routes (SPEC §4, §5): translate a Pinpoint export, apply a bundle.

:func:`translate_pinpoint` is the importer as it is (the CLI's ``import-pinpoint``)
behind the internal API. :func:`import_bundle` applies an import bundle to a
workspace as **drafts**, never publishing:

* the bundle is schema-checked (``400 invalid_request`` with the field's location);
* its communications, segments and trigger contracts join the workspace documents;
  its journeys are created as drafts, or, with ``replace``, become the draft of the
  journey of the same id (a draft is opened from the latest version if there is none);
* a journey id or a document id that already exists (a document with different
  content) is a conflict: ``409 import_conflict`` lists them all, nothing is written,
  unless ``replace`` is true;
* a journey id that would shadow a route is ``400 reserved_journey_id``, and a
  journey too large to store ``413 journey_too_large``, both checked for every journey
  of the bundle before anything is written (the dry run answers them too), so a bundle
  is never half applied; the size is measured on the item the store would write (list
  entry and compressed draft) with its metadata at its longest, so a journey within a
  few bytes of the limit may be refused here though a create would just fit;
* ``dryRun`` answers what would change and writes nothing;
* each created or replaced journey's audit log gets ``bundle-imported``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from simulator.backend.auth import Actor
from simulator.backend.errors import ImportConflict, InvalidRequest, refuse_unknown
from simulator.backend.mutations import too_large_as_journey_error
from simulator.backend.records import JourneyRecord, JourneyStatus
from simulator.backend.service import refuse_reserved_id
from simulator.backend.tables import MAX_ITEM_BYTES, ItemTooLarge, item_size
from simulator.backend.wire import CreateJourney, PatchJourney
from simulator.models import Role

__all__ = ["import_bundle", "translate_pinpoint"]


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
    journeys = body["bundle"].get("journeys") if isinstance(body["bundle"], dict) else None
    for index, journey in enumerate(journeys if isinstance(journeys, list) else ()):
        if isinstance(journey, dict) and isinstance(journey.get("id"), str):
            # "_x" too, before the id pattern refuses it
            refuse_reserved_id(journey["id"], path=f"/bundle/journeys/{index}/id")
    try:
        bundle = ImportBundle.model_validate(body["bundle"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "bundle/" + "/".join(str(p) for p in first["loc"])
        raise InvalidRequest(f"{where}: {first['msg']}", location=where) from exc

    for journey in bundle.journeys:
        _refuse_unstorable(backend, workspace_id, journey)
    world = backend.directory.world(workspace_id)
    existing = {j["id"] for j in backend.store.journeys(workspace_id)}
    conflicts = sorted(j.id for j in bundle.journeys if j.id in existing)
    kinds = (
        ("communications", world.communications),
        ("segments", world.segments),
        ("trigger_contracts", world.trigger_contracts),
    )
    for kind, current in kinds:
        for document in getattr(bundle, kind):
            known = current.get(document.id)
            if known is not None and known.to_wire() != document.to_wire():
                conflicts.append(document.id)
    if conflicts and not replace:
        raise ImportConflict(
            f"the bundle would overwrite {len(conflicts)} existing id(s): "
            f"{', '.join(conflicts)}; send replace: true to replace them",
            details=[{"id": conflict} for conflict in conflicts],
        )
    created = sorted(j.id for j in bundle.journeys if j.id not in existing)
    replaced = sorted(j.id for j in bundle.journeys if j.id in existing)
    answer = {"created": created, "replaced": replaced, "dryRun": dry_run}
    if dry_run:
        return answer
    merged = world
    for kind, current in kinds:
        documents = {**current, **{d.id: d for d in getattr(bundle, kind)}}
        merged = _with(merged, kind, documents)
    if merged is not world:
        backend.directory.put_world(merged)
    system = Actor(workspace_id=workspace_id, user_id="system", role=Role.OWNER)
    for journey in bundle.journeys:
        fields = journey.to_wire()
        fields.pop("$schema", None)
        if journey.id in existing:
            record = backend.store.journey(workspace_id, journey.id)
            draft = backend.get_journey(system, journey.id) if record.has_draft else None
            if draft is None or draft.version != "draft":
                draft = backend.bump_draft(system, journey.id)
            patch = {key: value for key, value in fields.items() if key != "id"}
            backend.patch_draft(
                system,
                journey.id,
                PatchJourney.model_validate({**patch, "updatedAt": draft.updated_at}),
            )
        else:
            backend.create_journey(system, CreateJourney.model_validate(fields))
        backend._append_now(
            system,
            journey.id,
            [("bundle-imported", {"format": bundle.format, "replaced": journey.id in existing})],
        )
    return answer


def _refuse_unstorable(backend: Any, workspace_id: str, journey: Any) -> None:
    """``journey`` would be refused when written: a reserved id, or an item over
    DynamoDB's limit (measured on the item the store would write)."""
    refuse_reserved_id(journey.id)
    stamp = "2026-01-01T00:00:00.000000Z"  # the store's timestamps have this length
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


def _with(world: Any, kind: str, documents: dict[str, Any]) -> Any:
    from dataclasses import replace

    return replace(world, **{kind: documents})
