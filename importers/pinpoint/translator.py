"""``translate``: Pinpoint exports → an import bundle and its report (pure; SPEC §4).

Inputs are JSON values (the loader reads the files): the journey export
(``get-journey``, ``list-journeys`` or a bare ``WriteJourneyRequest``), templates
(``get-email-template``/``get-sms-template``/``get-push-template`` outputs) and
segments (``get-segment``/``get-segments`` outputs), the last two keyed by where they
came from. Everything is first checked against botocore's Pinpoint service model: an
export that does not match is not guessed at; the bundle then has no journeys and
the report lists every problem at its JSON pointer, plus each activity found as not
translated. A template or segment file that does not match is left out (its
problems reported) and the journeys use placeholders instead.

Translation is total: every activity id is a key of ``idMap`` or the
``activityId`` of a report entry, and ``translate`` never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from importers.pinpoint.bundle import BundleSource, ImportBundle, ReportEntry
from importers.pinpoint.checks import validation_entries
from importers.pinpoint.communications import Catalog, TemplateSource
from importers.pinpoint.documents import (
    EmailTemplateResponse,
    GetEmailTemplateResponse,
    GetPushTemplateResponse,
    GetSegmentResponse,
    GetSegmentsResponse,
    GetSmsTemplateResponse,
    PushNotificationTemplateResponse,
    SegmentResponse,
    SMSTemplateResponse,
)
from importers.pinpoint.journeys import translate_journey
from importers.pinpoint.models import (
    GetJourneyResponse,
    JourneyResponse,
    ListJourneysResponse,
    WriteJourneyRequest,
)
from importers.pinpoint.names import journey_id
from importers.pinpoint.report import Reporter
from importers.pinpoint.segments import translate_segments
from importers.pinpoint.servicemodel import check, export_shape, pointer
from simulator.codes import ImportCode

__all__ = ["translate"]

_EXPORTS: dict[str, type[BaseModel]] = {
    "GetJourneyResponse": GetJourneyResponse,
    "ListJourneysResponse": ListJourneysResponse,
    "JourneyResponse": JourneyResponse,
    "WriteJourneyRequest": WriteJourneyRequest,
}
# wrapper key (lowercase) -> (shape, model); bare templates are told apart by TemplateType
_TEMPLATE_WRAPPERS = {
    "emailtemplateresponse": ("GetEmailTemplateResponse", GetEmailTemplateResponse),
    "smstemplateresponse": ("GetSmsTemplateResponse", GetSmsTemplateResponse),
    "pushnotificationtemplateresponse": ("GetPushTemplateResponse", GetPushTemplateResponse),
}
_BARE_TEMPLATES = {
    "EMAIL": ("EmailTemplateResponse", EmailTemplateResponse),
    "SMS": ("SMSTemplateResponse", SMSTemplateResponse),
    "PUSH": ("PushNotificationTemplateResponse", PushNotificationTemplateResponse),
}
_SEGMENT_WRAPPERS = {
    "segmentresponse": ("GetSegmentResponse", GetSegmentResponse),
    "segmentsresponse": ("GetSegmentsResponse", GetSegmentsResponse),
}


def translate(
    export: Any,
    templates: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
) -> tuple[ImportBundle, list[ReportEntry]]:
    """Translate a Pinpoint journey export; the report is also ``bundle.report``.

    >>> bundle, report = translate({"Name": "Hello", "StartActivity": "w",
    ...     "Activities": {"w": {"Wait": {"WaitTime": {"WaitFor": "P1D"}}}}})
    >>> [(s.id, s.type) for s in bundle.journeys[0].steps], bundle.id_map
    ([('w', 'wait'), ('exit', 'exit')], {'w': 'w'})
    """
    report = Reporter()
    journeys = _journeys(export, report)
    catalog = Catalog(_templates(templates or {}, report), report)
    supplied = _segments(segments or {}, report)
    bundle = ImportBundle(source=_source(journeys))
    attributes: dict[str, str] = {}
    referenced: list[str] = []
    step_activities: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for source, at in journeys:
        jid = journey_id(getattr(source, "id", None), source.name, taken)
        taken.add(jid)
        try:
            result = translate_journey(source, at, jid, report.for_journey(jid), catalog)
        except Exception as exc:  # a journey that cannot be translated is reported, not raised
            _not_translated(source, at, f"{type(exc).__name__}: {exc}", report.for_journey(jid))
            continue
        bundle.journeys.append(result.journey)
        bundle.trigger_contracts += [result.trigger] if result.trigger else []
        prefix = f"{jid}/" if len(journeys) > 1 else ""
        for activity_id, step_id in result.id_map.items():
            bundle.id_map[prefix + activity_id] = step_id
            step_activities[(jid, step_id)] = activity_id
        attributes.update(result.predicates.attributes)
        referenced += [s for s in result.predicates.segments if s not in referenced]
    bundle.communications = catalog.communications()
    bundle.segments, segment_attributes = translate_segments(supplied, referenced, report)
    attributes.update(segment_attributes)
    attributes.update(catalog.variables)
    _report_attributes(attributes, report)
    entries = [*report.entries, *validation_entries(bundle, step_activities)]
    bundle.report = entries
    return bundle, entries


def _journeys(export: Any, report: Reporter) -> list[tuple[WriteJourneyRequest, str]]:
    shape = export_shape(export)
    if shape is None:
        message = (
            "the export is not a JSON object: expected `aws pinpoint get-journey` or "
            "`list-journeys` output, or a WriteJourneyRequest"
        )
        report.add(ImportCode.UNRECOGNISED_EXPORT, message, location="")
        return []
    problems = check(export, shape)
    for problem in problems:
        report.add(problem.code, problem.message, location=problem.pointer)
    if problems:
        _raw_activities_not_translated(export, report)
        return []
    model = _parse(_EXPORTS[shape], export, "export", report)
    if isinstance(model, GetJourneyResponse):
        return [(model.journey_response, "/JourneyResponse")]
    if isinstance(model, ListJourneysResponse):
        items = model.journeys_response.item
        return [(item, f"/JourneysResponse/Item/{k}") for k, item in enumerate(items)]
    return [(model, "")] if isinstance(model, WriteJourneyRequest) else []


def _templates(templates: Mapping[str, Any], report: Reporter) -> list[TemplateSource]:
    found: list[TemplateSource] = []
    for name, document in templates.items():
        wrapper = _wrapper_key(document, _TEMPLATE_WRAPPERS)
        kind = document.get("TemplateType") if isinstance(document, Mapping) else None
        shape, model = (
            _TEMPLATE_WRAPPERS[wrapper] if wrapper else _BARE_TEMPLATES.get(kind, (None, None))
        )
        if shape is None or model is None:
            message = (
                f"{name}: not a template export (get-email-template, get-sms-template or "
                "get-push-template output)"
            )
            report.add(ImportCode.UNRECOGNISED_EXPORT, message, location="", document=name)
            continue
        parsed = _checked(document, shape, model, name, report)
        if isinstance(parsed, GetEmailTemplateResponse):
            found.append(
                TemplateSource(parsed.email_template_response, name, "/EmailTemplateResponse")
            )
        elif isinstance(parsed, GetSmsTemplateResponse):
            found.append(TemplateSource(parsed.sms_template_response, name, "/SMSTemplateResponse"))
        elif isinstance(parsed, GetPushTemplateResponse):
            push = parsed.push_notification_template_response
            found.append(TemplateSource(push, name, "/PushNotificationTemplateResponse"))
        elif parsed is not None:
            found.append(TemplateSource(parsed, name))
    return found


def _segments(
    segments: Mapping[str, Any], report: Reporter
) -> list[tuple[SegmentResponse, str, str]]:
    found: list[tuple[SegmentResponse, str, str]] = []
    for name, document in segments.items():
        wrapper = _wrapper_key(document, _SEGMENT_WRAPPERS)
        bare = isinstance(document, Mapping) and "SegmentType" in document
        shape, model = (
            _SEGMENT_WRAPPERS[wrapper]
            if wrapper
            else (("SegmentResponse", SegmentResponse) if bare else (None, None))
        )
        if shape is None or model is None:
            message = f"{name}: not a segment export (get-segment or get-segments output)"
            report.add(ImportCode.UNRECOGNISED_EXPORT, message, location="", document=name)
            continue
        parsed = _checked(document, shape, model, name, report)
        if isinstance(parsed, GetSegmentResponse):
            found.append((parsed.segment_response, "/SegmentResponse", name))
        elif isinstance(parsed, GetSegmentsResponse):
            items = parsed.segments_response.item
            found += [(item, f"/SegmentsResponse/Item/{k}", name) for k, item in enumerate(items)]
        elif isinstance(parsed, SegmentResponse):
            found.append((parsed, "", name))
    return found


def _wrapper_key(document: Any, wrappers: Mapping[str, Any]) -> str | None:
    if not isinstance(document, Mapping):
        return None
    return next((str(k).lower() for k in document if str(k).lower() in wrappers), None)


def _checked(document: Any, shape: str, model: type[BaseModel], name: str, report: Reporter) -> Any:
    problems = check(document, shape)
    for problem in problems:
        message = f"{name}: {problem.message}"
        report.add(problem.code, message, location=problem.pointer, document=name)
    return None if problems else _parse(model, document, name, report)


def _parse(model: type[BaseModel], document: Any, name: str, report: Reporter) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as exc:  # the mirror models follow the service model; report a gap
        for error in exc.errors():
            at = pointer("", *error["loc"])
            message = f"{name}: {error['msg']}"
            report.add(ImportCode.WRONG_TYPE, message, location=at, document=name)
        return None


def _raw_activities_not_translated(export: Any, report: Reporter) -> None:
    """Totality for a malformed export: name every activity it seems to hold."""
    for journey, at in _raw_journeys(export):
        key = next((k for k in journey if str(k).lower() == "activities"), None)
        activities = journey.get(key) if key is not None else None
        if not isinstance(activities, Mapping):
            continue
        for activity_id in activities:
            message = "not translated: the export does not match Pinpoint's service model"
            location = pointer(at, key, activity_id)
            report.add(
                ImportCode.ACTIVITY_NOT_TRANSLATED,
                message,
                activity_id=str(activity_id),
                location=location,
            )


def _raw_journeys(export: Any) -> list[tuple[Mapping, str]]:
    if not isinstance(export, Mapping):
        return []
    for key, value in export.items():
        if str(key).lower() == "journeyresponse" and isinstance(value, Mapping):
            return [(value, pointer("", key))]
        if str(key).lower() == "journeysresponse" and isinstance(value, Mapping):
            items = next((v for k, v in value.items() if str(k).lower() == "item"), [])
            item_key = next((k for k in value if str(k).lower() == "item"), "Item")
            return [
                (item, pointer("", key, item_key, k))
                for k, item in enumerate(items if isinstance(items, list) else [])
                if isinstance(item, Mapping)
            ]
    return [(export, "")]


def _not_translated(source: WriteJourneyRequest, at: str, reason: str, report: Reporter) -> None:
    report.add(
        ImportCode.ACTIVITY_NOT_TRANSLATED,
        f"the journey could not be translated ({reason})",
        location=at,
    )
    for activity_id in source.activities or {}:
        message = "not translated: its journey could not be translated"
        location = pointer(at, "Activities", activity_id)
        report.add(
            ImportCode.ACTIVITY_NOT_TRANSLATED, message, activity_id=activity_id, location=location
        )


def _source(journeys: list[tuple[WriteJourneyRequest, str]]) -> BundleSource:
    apps = {getattr(source, "application_id", None) for source, _ in journeys}
    application = next(iter(apps)) if len(apps) == 1 else None
    if len(journeys) != 1:
        return BundleSource(application_id=application)
    source = journeys[0][0]
    return BundleSource(
        application_id=application, journey_id=getattr(source, "id", None), name=source.name
    )


def _report_attributes(attributes: Mapping[str, str], report: Reporter) -> None:
    by_name: dict[str, list[str]] = {}
    for pinpoint, name in sorted(attributes.items()):
        by_name.setdefault(name, []).append(pinpoint)
        report.add(
            ImportCode.ATTRIBUTE_MAPPING, f"Pinpoint {pinpoint} is the subject attribute {name}"
        )
    for name, sources in by_name.items():
        if len(sources) > 1:
            message = f"{' and '.join(sources)} all became the subject attribute {name}"
            report.add(ImportCode.ATTRIBUTE_NAME_COLLISION, message)
