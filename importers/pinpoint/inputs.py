"""Recognising the input documents: which Pinpoint shape each JSON value is (pure).

Journey exports: ``get-journey`` output (``{"JourneyResponse": …}``), ``list-journeys``
output (``{"JourneysResponse": {"Item": […]}}``), a bare ``JourneyResponse`` or
``WriteJourneyRequest``, and the ``--cli-input-json`` of ``create-journey`` /
``update-journey`` (``{"ApplicationId", ["JourneyId",] "WriteJourneyRequest"}``).

Templates: the ``get-*-template`` outputs (email, SMS, push, in-app), their bare inner
objects (told apart by ``TemplateType``), and *request bodies*, what
``create-*-template`` takes and infrastructure-as-code repositories keep: a bare
``EmailTemplateRequest`` (told apart by its members: ``Subject``/``HtmlPart``/
``TextPart`` for email, ``Body`` for SMS, ``Default``/``APNS``/``GCM``/... for push,
``Content``/``Layout`` for in-app; its name is the file's) or the ``--cli-input-json``
wrapper ``{"TemplateName", "EmailTemplateRequest"}``. A request body carries no version
or dates: it is imported as version 1, with a warning that says where its name came
from. Segments: ``get-segment`` / ``get-segments`` outputs or a bare ``SegmentResponse``.

Every document may be a ``json.dumps`` of a boto3 answer: the ``ResponseMetadata`` boto3
adds is ignored (an info entry). Each document is checked against botocore's service
model; one that does not match is not guessed at: every problem is reported at its
JSON pointer (problems inside an activity name it), and a journey export that does not
match translates nothing, which one ``journey_not_translated`` entry per journey says,
naming its activities, rather than an error for every activity that was fine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ValidationError

from importers.pinpoint.communications import TemplateSource
from importers.pinpoint.documents import (
    EmailTemplateResponse,
    GetEmailTemplateResponse,
    GetInAppTemplateResponse,
    GetPushTemplateResponse,
    GetSegmentResponse,
    GetSegmentsResponse,
    GetSmsTemplateResponse,
    InAppTemplateResponse,
    PushNotificationTemplateResponse,
    SegmentResponse,
    SMSTemplateResponse,
)
from importers.pinpoint.models import (
    CreateJourneyRequest,
    GetJourneyResponse,
    JourneyResponse,
    ListJourneysResponse,
    UpdateJourneyRequest,
    WriteJourneyRequest,
)
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import (
    check,
    export_shape,
    pointer,
    without_response_metadata,
)
from simulator.codes import MALFORMED_INPUT_CODES, ImportCode

__all__ = ["JourneySource", "read_journeys", "read_segments", "read_templates"]


@dataclass(frozen=True, slots=True)
class JourneySource:
    """One journey of the export, where it sits, and the ids the export gives it."""

    journey: WriteJourneyRequest
    at: str
    """JSON pointer to the journey object in the export."""
    application_id: str | None = None
    pinpoint_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Kind:
    """One template kind: its export wrapper and model, and its request body."""

    type: str
    wrapper: str
    get_shape: str
    get_model: type[BaseModel]
    model: type[BaseModel]
    request: str
    request_wrapper: str
    command: str
    members: frozenset[str]
    """Request members only this kind has, to tell a bare request body's kind."""


_KINDS = (
    _Kind(
        "EMAIL",
        "EmailTemplateResponse",
        "GetEmailTemplateResponse",
        GetEmailTemplateResponse,
        EmailTemplateResponse,
        "EmailTemplateRequest",
        "UpdateEmailTemplateRequest",
        "create-email-template",
        frozenset({"Subject", "HtmlPart", "TextPart", "Headers"}),
    ),
    _Kind(
        "SMS",
        "SMSTemplateResponse",
        "GetSmsTemplateResponse",
        GetSmsTemplateResponse,
        SMSTemplateResponse,
        "SMSTemplateRequest",
        "UpdateSmsTemplateRequest",
        "create-sms-template",
        frozenset({"Body"}),
    ),
    _Kind(
        "PUSH",
        "PushNotificationTemplateResponse",
        "GetPushTemplateResponse",
        GetPushTemplateResponse,
        PushNotificationTemplateResponse,
        "PushNotificationTemplateRequest",
        "UpdatePushTemplateRequest",
        "create-push-template",
        frozenset({"Default", "APNS", "GCM", "ADM", "Baidu"}),
    ),
    _Kind(
        "INAPP",
        "InAppTemplateResponse",
        "GetInAppTemplateResponse",
        GetInAppTemplateResponse,
        InAppTemplateResponse,
        "InAppTemplateRequest",
        "UpdateInAppTemplateRequest",
        "create-in-app-template",
        frozenset({"Content", "Layout", "CustomConfig"}),
    ),
)
_BY_TYPE = {kind.type: kind for kind in _KINDS}
_JOURNEY_MODELS: dict[str, type[BaseModel]] = {
    "GetJourneyResponse": GetJourneyResponse,
    "ListJourneysResponse": ListJourneysResponse,
    "JourneyResponse": JourneyResponse,
    "WriteJourneyRequest": WriteJourneyRequest,
    "CreateJourneyRequest": CreateJourneyRequest,
    "UpdateJourneyRequest": UpdateJourneyRequest,
}
_SEGMENT_WRAPPERS = {
    "segmentresponse": ("GetSegmentResponse", GetSegmentResponse),
    "segmentsresponse": ("GetSegmentsResponse", GetSegmentsResponse),
}


# --- journeys -------------------------------------------------------------------------


def read_journeys(export: Any, report: Reporter) -> list[JourneySource]:
    """The journeys of an export (none when it does not match the service model)."""
    export = _strip_metadata(export, "export", report)
    shape = export_shape(export)
    if shape is None:
        message = (
            "the export is not a JSON object: expected `aws pinpoint get-journey` or "
            "`list-journeys` output, or a WriteJourneyRequest"
        )
        report.add(ImportCode.UNRECOGNISED_EXPORT, message, location="")
        return []
    raw = _raw_journeys(export)
    problems = check(export, shape)
    for problem in problems:
        activity = _activity_at(problem.pointer, raw)
        report.add(problem.code, problem.message, activity_id=activity, location=problem.pointer)
    malformed = sum(problem.code in MALFORMED_INPUT_CODES for problem in problems)
    if malformed:
        _journeys_not_translated(raw, malformed, report)
        return []
    model = _parse(_JOURNEY_MODELS[shape], export, "export", report)
    if isinstance(model, GetJourneyResponse):
        journey = model.journey_response
        return [JourneySource(journey, "/JourneyResponse", journey.application_id, journey.id)]
    if isinstance(model, ListJourneysResponse):
        items = model.journeys_response.item
        return [
            JourneySource(item, f"/JourneysResponse/Item/{k}", item.application_id, item.id)
            for k, item in enumerate(items)
        ]
    if isinstance(model, CreateJourneyRequest):
        journey_id = getattr(model, "journey_id", None)
        request = model.write_journey_request
        return [JourneySource(request, "/WriteJourneyRequest", model.application_id, journey_id)]
    if isinstance(model, JourneyResponse):
        return [JourneySource(model, "", model.application_id, model.id)]
    return [JourneySource(model, "")] if isinstance(model, WriteJourneyRequest) else []


def _raw_journeys(export: Any) -> list[tuple[Mapping, str]]:
    """Every object of the export that looks like a journey, and its pointer."""
    if not isinstance(export, Mapping):
        return []
    for key, value in export.items():
        lowered = str(key).lower()
        if lowered in ("journeyresponse", "writejourneyrequest") and isinstance(value, Mapping):
            return [(value, pointer("", key))]
        if lowered == "journeysresponse" and isinstance(value, Mapping):
            item_key = next((k for k in value if str(k).lower() == "item"), "Item")
            items = value.get(item_key, [])
            return [
                (item, pointer("", key, item_key, k))
                for k, item in enumerate(items if isinstance(items, list) else [])
                if isinstance(item, Mapping)
            ]
    return [(export, "")]


def _activities(journey: Mapping, at: str) -> tuple[str, Mapping] | None:
    key = next((k for k in journey if str(k).lower() == "activities"), None)
    activities = journey.get(key) if key is not None else None
    return (pointer(at, key), activities) if isinstance(activities, Mapping) else None


def _activity_at(location: str, raw: list[tuple[Mapping, str]]) -> str | None:
    """The activity a problem's pointer lies in, if any."""
    for journey, at in raw:
        found = _activities(journey, at)
        if found is None or not location.startswith(found[0] + "/"):
            continue
        token = location[len(found[0]) + 1 :].split("/", 1)[0]
        return token.replace("~1", "/").replace("~0", "~")
    return None


def _journeys_not_translated(raw: list[tuple[Mapping, str]], problems: int, report: Reporter):
    """Totality for a malformed export: one entry per journey names all its activities."""
    for journey, at in raw:
        found = _activities(journey, at)
        names = [str(a) for a in found[1]] if found is not None else []
        listed = f": its activities {', '.join(names)} were not read" if names else ""
        message = (
            f"not translated: the export does not match Pinpoint's service model "
            f"({problems} problem{'s' if problems != 1 else ''}, the errors above); fix "
            f"them and import again{listed}"
        )
        report.add(ImportCode.JOURNEY_NOT_TRANSLATED, message, location=at)


# --- templates ------------------------------------------------------------------------


def read_templates(templates: Mapping[str, Any], report: Reporter) -> list[TemplateSource]:
    """The supplied templates, keyed by file name in ``templates``."""
    found: list[TemplateSource] = []
    for name, document in templates.items():
        document = _strip_metadata(document, name, report)
        source = _template(name, document, report)
        if source is not None:
            found.append(source)
    return found


def _template(name: str, document: Any, report: Reporter) -> TemplateSource | None:
    if not isinstance(document, Mapping):
        return _unrecognised_template(name, report)
    keys = {str(key).lower(): key for key in document}
    for kind in _KINDS:
        if kind.wrapper.lower() in keys:
            parsed = _checked(document, kind.get_shape, kind.get_model, name, report)
            if parsed is None:
                return None
            key = keys[kind.wrapper.lower()]
            return TemplateSource(getattr(parsed, _field(kind.get_model)), name, f"/{key}")
        if kind.request.lower() in keys:
            return _request_wrapper(name, document, kind, keys[kind.request.lower()], report)
    kind = _BY_TYPE.get(document.get("TemplateType"))  # type: ignore[arg-type]
    if kind is not None:
        parsed = _checked(document, kind.wrapper, kind.model, name, report)
        return TemplateSource(parsed, name) if parsed is not None else None
    kinds = [kind for kind in _KINDS if kind.members & set(document)]
    if len(kinds) == 1:
        return _bare_request(name, document, kinds[0], report)
    return _unrecognised_template(name, report)


def _request_wrapper(
    name: str, document: Mapping, kind: _Kind, key: str, report: Reporter
) -> TemplateSource | None:
    """``{"TemplateName": …, "EmailTemplateRequest": {…}}`` (``--cli-input-json``)."""
    if not _checked_only(document, kind.request_wrapper, name, report):
        return None
    template_name = document["TemplateName"]
    message = (
        f"{name}: a `{kind.command}` request, not a `get-` export: the template is "
        f"{template_name!r} (its TemplateName), imported as version 1"
    )
    report.add(ImportCode.TEMPLATE_REQUEST_BODY, message, location="/TemplateName", document=name)
    return _as_response(name, document[key], kind, template_name, f"/{key}", report)


def _bare_request(
    name: str, document: Mapping, kind: _Kind, report: Reporter
) -> TemplateSource | None:
    """A bare ``EmailTemplateRequest`` (the file ``--email-template-request`` reads)."""
    if not _checked_only(document, kind.request, name, report):
        return None
    template_name = PurePath(name).stem
    message = (
        f"{name}: a `{kind.command}` request body, not a `get-` export: it names no "
        f"template, so it is {template_name!r} after the file name (rename the file if "
        "the activities' TemplateName differs), imported as version 1"
    )
    report.add(ImportCode.TEMPLATE_REQUEST_BODY, message, location="", document=name)
    return _as_response(name, document, kind, template_name, "", report)


def _as_response(
    name: str, request: Mapping, kind: _Kind, template_name: str, base: str, report: Reporter
) -> TemplateSource | None:
    """A request body as the response model (a request's members are a subset)."""
    body = {**request, "TemplateName": template_name, "TemplateType": kind.type}
    parsed = _parse(kind.model, body, name, report)
    return TemplateSource(parsed, name, base) if parsed is not None else None


def _unrecognised_template(name: str, report: Reporter) -> None:
    message = (
        f"{name}: not a template: expected `get-email-template`, `get-sms-template`, "
        "`get-push-template` or `get-in-app-template` output, or a `create-*-template` "
        "request body"
    )
    report.add(ImportCode.UNRECOGNISED_EXPORT, message, location="", document=name)


def _field(model: type[BaseModel]) -> str:
    return next(iter(model.model_fields))


# --- segments -------------------------------------------------------------------------


def read_segments(
    segments: Mapping[str, Any], report: Reporter
) -> list[tuple[SegmentResponse, str, str]]:
    """(segment, pointer, file name) for every supplied segment."""
    found: list[tuple[SegmentResponse, str, str]] = []
    for name, document in segments.items():
        document = _strip_metadata(document, name, report)
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


# --- shared ---------------------------------------------------------------------------


def _strip_metadata(document: Any, name: str, report: Reporter) -> Any:
    document, stripped = without_response_metadata(document)
    if stripped:
        prefix = "" if name == "export" else f"{name}: "
        message = (
            f"{prefix}ResponseMetadata (boto3's HTTP request details) is not part of the "
            "export: ignored"
        )
        report.add(
            ImportCode.RESPONSE_METADATA_IGNORED,
            message,
            location="/ResponseMetadata",
            document=name,
        )
    return document


def _checked_only(document: Any, shape: str, name: str, report: Reporter) -> bool:
    """Report ``document``'s problems against ``shape``; true when it matches."""
    problems = check(document, shape)
    for problem in problems:
        message = f"{name}: {problem.message}"
        report.add(problem.code, message, location=problem.pointer, document=name)
    return not any(problem.code in MALFORMED_INPUT_CODES for problem in problems)


def _checked(document: Any, shape: str, model: type[BaseModel], name: str, report: Reporter) -> Any:
    if not _checked_only(document, shape, name, report):
        return None
    return _parse(model, document, name, report)


def _parse(model: type[BaseModel], document: Any, name: str, report: Reporter) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as exc:  # the mirror models follow the service model; report a gap
        for error in exc.errors():
            at = pointer("", *error["loc"])
            message = f"{name}: {error['msg']}"
            report.add(ImportCode.WRONG_TYPE, message, location=at, document=name)
        return None
