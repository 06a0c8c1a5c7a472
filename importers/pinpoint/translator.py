"""``translate``: Pinpoint exports → an import bundle and its report (pure; SPEC §4).

Inputs are JSON values (the loader reads the files): the journey export, templates
and segments, the last two keyed by where they came from and read in that order (of
a template or segment id given twice, the first is used and the other reported as
``duplicate_template`` / ``duplicate_segment``); which shapes are accepted is
:mod:`importers.pinpoint.inputs`' business. Everything is first checked against
botocore's Pinpoint service model: an export that does not match is not guessed at;
the bundle then has no journeys and the report lists every problem at its JSON
pointer, plus one entry per journey naming the activities that were not read. A
template or segment file that does not match is left out (its problems reported) and
the journeys use placeholders instead.

``goal_event`` (and ``goal_window_days``) set every translated journey's goal: a
Pinpoint journey has none, but a ``RandomSplit`` becomes an adaptive branch, which
needs one to validate; its ``random_split_adaptive`` entry then names the goal rather
than asking for one.

Translation is total: every activity id is a key of ``idMap`` or the ``activityId``
of a report entry (or, for a journey not translated at all, named by its
``journey_not_translated`` entry), and ``translate`` never raises on its input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from importers.pinpoint.bundle import BUNDLE_FORMAT, BundleSource, ImportBundle, ReportEntry
from importers.pinpoint.checks import validation_entries
from importers.pinpoint.communications import Catalog
from importers.pinpoint.inputs import JourneySource, read_journeys, read_segments, read_templates
from importers.pinpoint.journeys import JourneyResult, translate_journey
from importers.pinpoint.names import journey_id
from importers.pinpoint.report import Reporter
from importers.pinpoint.segments import translate_segments
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode

__all__ = ["translate"]


def translate(
    export: Any,
    templates: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    *,
    goal_event: str | None = None,
    goal_window_days: int | None = None,
) -> tuple[ImportBundle, list[ReportEntry]]:
    """Translate a Pinpoint journey export; the report is also ``bundle.report``.

    ``ValueError`` (the only exception) when ``goal_window_days`` is given without
    ``goal_event`` or outside 1..365: those are the caller's arguments, not input.

    >>> bundle, report = translate({"Name": "Hello", "StartActivity": "w",
    ...     "Activities": {"w": {"Wait": {"WaitTime": {"WaitFor": "P1D"}}}}})
    >>> [(s.id, s.type) for s in bundle.journeys[0].steps], bundle.id_map
    ([('w', 'wait'), ('exit', 'exit')], {'w': 'w'})
    """
    _check_goal(goal_event, goal_window_days)
    report = Reporter()
    journeys = read_journeys(export, report)
    catalog = Catalog(read_templates(templates or {}, report), report)
    supplied = read_segments(segments or {}, report)
    bundle = ImportBundle(format=BUNDLE_FORMAT, source=_source(journeys))
    attributes: dict[str, str] = {}
    referenced: list[str] = []
    step_activities: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for found in journeys:
        jid = journey_id(found.pinpoint_id, found.journey.name, taken)
        taken.add(jid)
        reporter = report.for_journey(jid)
        _note_renamed(found, jid, reporter)
        try:
            result = translate_journey(found, jid, reporter, catalog, goal_event)
        except Exception as exc:  # a journey that cannot be translated is reported, not raised
            _not_translated(found, f"{type(exc).__name__}: {exc}", reporter)
            continue
        if goal_event:
            result = _with_goal(result, goal_event, goal_window_days, found.at, reporter)
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


def _check_goal(goal_event: str | None, goal_window_days: int | None) -> None:
    if goal_window_days is not None and not goal_event:
        raise ValueError("goal_window_days needs goal_event")
    if goal_window_days is not None and not 1 <= goal_window_days <= 365:
        raise ValueError(f"goal_window_days must be 1..365, not {goal_window_days}")


def _with_goal(
    result: JourneyResult, event: str, days: int | None, at: str, report: Reporter
) -> JourneyResult:
    journey = result.journey.model_copy(
        update={"goal_event_name": event, "goal_event_window_days": days}
    )
    window = f"{days} days" if days else "the workspace's defaultGoalEventWindowDays"
    message = f"the journey's goal is the event {event!r} within {window} of entry"
    report.add(ImportCode.GOAL_EVENT_SET, message, location=at)
    return JourneyResult(journey, result.id_map, result.trigger, result.predicates)


def _note_renamed(found: JourneySource, jid: str, report: Reporter) -> None:
    """Two journeys of a ``list-journeys`` export with one ``Id`` (or, without ids, one
    name) are both kept, the later renamed ``<id>-2``: said, since its id is then not
    the Pinpoint one and its ``idMap`` keys carry the new id."""
    wanted = journey_id(found.pinpoint_id, found.journey.name, ())
    if jid == wanted:
        return
    message = (
        f"an earlier journey of the export already has the id {wanted!r}: this one "
        f"({found.journey.name!r}) is imported as {jid!r} (its idMap keys are {jid}/<activity>)"
    )
    at = pointer(found.at, "Id") if found.pinpoint_id else found.at
    report.add(ImportCode.DUPLICATE_JOURNEY_ID, message, location=at)


def _not_translated(found: JourneySource, reason: str, report: Reporter) -> None:
    report.add(
        ImportCode.ACTIVITY_NOT_TRANSLATED,
        f"the journey could not be translated ({reason})",
        location=found.at,
    )
    for activity_id in found.journey.activities or {}:
        message = "not translated: its journey could not be translated"
        location = pointer(found.at, "Activities", activity_id)
        report.add(
            ImportCode.ACTIVITY_NOT_TRANSLATED, message, activity_id=activity_id, location=location
        )


def _source(journeys: list[JourneySource]) -> BundleSource:
    apps = {found.application_id for found in journeys}
    application = next(iter(apps)) if len(apps) == 1 else None
    if len(journeys) != 1:
        return BundleSource(application_id=application)
    found = journeys[0]
    return BundleSource(
        application_id=application, journey_id=found.pinpoint_id, name=found.journey.name
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
