"""One Pinpoint journey → one journeysim journey (plus its trigger contract).

Activities are planned (:mod:`importers.pinpoint.activities`), then every next
pointer is resolved: through removed activities to their successors, and to one
shared ``exit`` step where a pointer is missing (the normal end of a Pinpoint path),
names no activity, or loops through removed activities. ``StartActivity`` becomes
``steps[0]``; without one, the first activity nothing points to is the entry. Steps
are ordered depth-first from the entry, then any unreachable ones, then ``exit``.

Start conditions: an ``EventStartCondition`` becomes a trigger contract (its first
event type; attribute and metric filters become required properties) and its
``SegmentId`` the audience; a ``SegmentStartCondition`` becomes the audience of a
manual-trigger journey. A per-activity failure becomes an ``exit`` step and an error
entry, never an exception.

Activity ``Description``s have no place on a step: they are kept in the journey's
``description`` (one line per activity, ``<activity id>: <text>``), reported once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from importers.pinpoint.activities import Context, Plan, plan_activity
from importers.pinpoint.communications import Catalog
from importers.pinpoint.inputs import JourneySource
from importers.pinpoint.models import Activity, EventStartCondition, WriteJourneyRequest
from importers.pinpoint.names import StepIds
from importers.pinpoint.predicates import PredicateBuilder
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from importers.pinpoint.settings import report_settings
from simulator.codes import ImportCode
from simulator.models import (
    AdaptiveBranchStep,
    ConditionalBranchStep,
    ExitStep,
    Journey,
    Step,
    TriggerContract,
    WaitStep,
)

__all__ = ["EPOCH", "JourneyResult", "translate_journey"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""``versionAt`` of a trigger contract whose journey carries no date (the translator
never reads the clock)."""


@dataclass(frozen=True, slots=True)
class JourneyResult:
    journey: Journey
    id_map: dict[str, str]
    """Activity id → the step that stands for it."""
    trigger: TriggerContract | None
    predicates: PredicateBuilder


def translate_journey(
    found: JourneySource,
    journey_id: str,
    report: Reporter,
    catalog: Catalog,
    goal_event: str | None = None,
) -> JourneyResult:
    """Translate one journey of the export (``goal_event``: the goal the caller gives it,
    which only the report's wording depends on; the translator sets it on the journey)."""
    source, at = found.journey, found.at
    base = pointer(at, "Activities")

    def note(code: ImportCode, message: str, location: str) -> None:
        report.add(code, message, activity_id=_activity_of(location, base), location=location)

    predicates = PredicateBuilder(note)
    name = source.name or journey_id
    report_settings(source, at, report)
    audience, trigger = _start(source, at, journey_id, name, report, predicates)
    graph = _Graph(source, at, base, report, catalog, predicates, goal_event)
    steps, id_map = graph.steps()
    journey = Journey(
        id=journey_id,
        name=name,
        description=_description(found, name, base, report),
        audience_id=audience,
        trigger_contract_id=trigger.id if trigger else None,
        steps=steps,
    )
    return JourneyResult(journey, id_map, trigger, predicates)


def _description(found: JourneySource, name: str, base: str, report: Reporter) -> str:
    text = f"Imported from Amazon Pinpoint journey {found.pinpoint_id or name!r}."
    described = {
        activity_id: activity.description.strip()
        for activity_id, activity in (found.journey.activities or {}).items()
        if activity.description and activity.description.strip()
    }
    if not described:
        return text
    ids = ", ".join(described)
    message = f"activity descriptions ({ids}) were kept in the journey's description"
    first = next(iter(described))
    report.add(
        ImportCode.ACTIVITY_DESCRIPTION, message, location=pointer(base, first, "Description")
    )
    notes = "\n".join(f"{activity_id}: {text}" for activity_id, text in described.items())
    return f"{text}\nActivity descriptions:\n{notes}"


def _activity_of(location: str, base: str) -> str | None:
    if not location.startswith(base + "/"):
        return None
    token = location[len(base) + 1 :].split("/", 1)[0]
    return token.replace("~1", "/").replace("~0", "~")


class _Graph:
    def __init__(
        self,
        source: WriteJourneyRequest,
        at: str,
        base: str,
        report: Reporter,
        catalog: Catalog,
        predicates: PredicateBuilder,
        goal_event: str | None,
    ) -> None:
        self.source, self.at, self.report = source, at, report
        self.activities = source.activities or {}
        self.ids = StepIds()
        self.context = Context(base, self.ids, report, catalog, predicates, goal_event)
        self.plans: dict[str, Plan] = {}
        self.exit_id = ""
        self.exit_used = False
        self.noted: set[tuple[str | None, str]] = set()

    def steps(self) -> tuple[list[Step], dict[str, str]]:
        for activity_id, activity in self.activities.items():
            self.plans[activity_id] = self._plan(activity_id, activity)
        self.exit_id = self.ids.take("exit")
        entry = self._entry()
        built: list[Step] = []
        id_map: dict[str, str] = {}
        for activity_id, plan in self.plans.items():
            if plan.step_id is not None:
                built.extend(self._build(activity_id, plan))
                id_map[activity_id] = plan.step_id
        if self.exit_used:
            built.append(ExitStep(id=self.exit_id))
        return _ordered(entry, built), id_map

    def _plan(self, activity_id: str, activity: Activity) -> Plan:
        try:
            return plan_activity(activity_id, activity, self.context)
        except Exception as exc:  # one bad activity must not sink the journey
            step_id = self.ids.take(activity_id)
            self._failed(activity_id, exc)
            return Plan(step_id, lambda resolve: [ExitStep(id=step_id)])

    def _build(self, activity_id: str, plan: Plan) -> list[Step]:
        try:
            return plan.build(self.resolve) if plan.build else []
        except Exception as exc:  # as in _plan
            self._failed(activity_id, exc)
            return [ExitStep(id=plan.step_id or self.ids.take(activity_id))]

    def _failed(self, activity_id: str, exc: Exception) -> None:
        message = (
            f"the activity could not be translated ({type(exc).__name__}: {exc}); it became an exit"
        )
        location = pointer(self.context.base, activity_id)
        self.report.add(
            ImportCode.ACTIVITY_NOT_TRANSLATED, message, activity_id=activity_id, location=location
        )

    def resolve(self, target: str | None, where: str, origin: str | None) -> str:
        """The step a next pointer leads to (through removed activities)."""
        seen: list[str] = []
        while True:
            if not target:
                return self._exit(
                    ImportCode.JOURNEY_END_EXIT, "the path ends here (exit step)", origin, where
                )
            plan = self.plans.get(target)
            if plan is None:
                message = f"next activity {target!r} does not exist: the path ends (exit step)"
                return self._exit(ImportCode.UNKNOWN_NEXT_ACTIVITY, message, origin, where)
            if plan.passthrough is None:
                return plan.step_id or self.exit_id
            if target in seen:
                message = f"removed activities lead back to {target!r}: the path ends (exit step)"
                return self._exit(ImportCode.REFERENCE_LOOP, message, origin, where)
            seen.append(target)
            origin, (target, where) = target, plan.passthrough

    def _exit(self, code: ImportCode, message: str, origin: str | None, where: str) -> str:
        self.exit_used = True
        if (origin, where) not in self.noted:
            self.noted.add((origin, where))
            self.report.add(code, message, activity_id=origin, location=where)
        return self.exit_id

    def _entry(self) -> str:
        where = pointer(self.at, "StartActivity")
        if self.source.start_activity:
            return self.resolve(self.source.start_activity, where, None)
        if not self.activities:
            self.report.add(
                ImportCode.EMPTY_JOURNEY, "the journey has no activities", location=self.at
            )
            return self.resolve(None, where, None)
        targets = {t for activity in self.activities.values() for t in _targets(activity)}
        first = next((a for a in self.activities if a not in targets), next(iter(self.activities)))
        message = f"no StartActivity: {first!r}, which no activity leads to, is the entry"
        self.report.add(ImportCode.NO_START_ACTIVITY, message, location=self.at)
        return self.resolve(first, where, None)


def _targets(activity: Activity) -> list[str | None]:
    found: list[str | None] = []
    for part in activity.model_dump(exclude_none=True).values():
        if not isinstance(part, dict):
            continue
        found += [part.get(k) for k in ("next_activity", "true_activity", "false_activity")]
        found.append(part.get("default_activity"))
        found += [b.get("next_activity") for b in part.get("branches") or []]
    return found


def _successors(step: Step) -> list[str]:
    if isinstance(step, ConditionalBranchStep):
        return [rule.next for rule in step.rules] + [step.default_next]
    if isinstance(step, AdaptiveBranchStep):
        return [arm.next for arm in step.arms]
    if isinstance(step, WaitStep) and step.until_event is not None:
        return [step.next, step.until_event.timeout_next]
    return [step.next] if hasattr(step, "next") else []


def _ordered(entry: str, steps: list[Step]) -> list[Step]:
    """Depth-first from the entry, then unreachable steps, then the exit."""
    by_id = {step.id: step for step in steps}
    order: list[Step] = []
    stack, seen = [entry], set()
    while stack:
        step_id = stack.pop()
        if step_id in seen or step_id not in by_id:
            continue
        seen.add(step_id)
        order.append(by_id[step_id])
        stack.extend(reversed(_successors(by_id[step_id])))
    order += [step for step in steps if step.id not in seen]
    return order or [ExitStep(id="exit")]


def _start(
    source: WriteJourneyRequest,
    at: str,
    journey_id: str,
    name: str,
    report: Reporter,
    predicates: PredicateBuilder,
) -> tuple[str | None, TriggerContract | None]:
    where = pointer(at, "StartCondition")
    start = source.start_condition
    event = start.event_start_condition if start else None
    segment = start.segment_start_condition if start else None
    audience, trigger = None, None
    if event is not None:
        if event.segment_id:
            predicates.segment(event.segment_id, pointer(where, "EventStartCondition", "SegmentId"))
            audience = event.segment_id
        trigger = _trigger(
            event, pointer(where, "EventStartCondition"), journey_id, name, source, report
        )
    if segment is not None and segment.segment_id:
        predicates.segment(segment.segment_id, pointer(where, "SegmentStartCondition", "SegmentId"))
        audience = audience or segment.segment_id
        if trigger is None:
            message = (
                f"SegmentStartCondition: segment {segment.segment_id!r} is the audience; Pinpoint "
                "entered the whole segment at once, journeysim starts a journey without a trigger "
                "contract manually, per subject (API or dry-run)"
            )
            report.add(
                ImportCode.MANUAL_TRIGGER, message, location=pointer(where, "SegmentStartCondition")
            )
    elif trigger is None:
        message = "no usable start condition: the journey starts only manually (API or dry-run)"
        report.add(ImportCode.MANUAL_TRIGGER, message, location=where)
    return audience, trigger


def _trigger(
    event: EventStartCondition,
    at: str,
    journey_id: str,
    name: str,
    source: WriteJourneyRequest,
    report: Reporter,
) -> TriggerContract | None:
    dims = event.event_filter.dimensions if event.event_filter else None
    types = dims.event_type if dims else None
    names = [v for v in (types.values if types else []) if v]
    where = pointer(at, "EventFilter", "Dimensions")
    if dims is None or not names or (types and types.dimension_type == "EXCLUSIVE"):
        reason = "names no event type" if not names else "excludes event types (any event but...)"
        message = f"the event start condition {reason}: no trigger contract, manual trigger only"
        report.add(ImportCode.MANUAL_TRIGGER, message, location=where)
        return None
    if len(names) > 1:
        message = (
            f"a trigger contract listens to one event: {names[0]!r} was kept, "
            f"{', '.join(map(repr, names[1:]))} dropped (make a journey per event)"
        )
        report.add(
            ImportCode.EVENT_FILTER_NOT_ENFORCED, message, location=pointer(where, "EventType")
        )
    required = dict.fromkeys(dims.attributes or {}, "string")
    required.update(dict.fromkeys(dims.metrics or {}, "number"))
    if required:
        message = (
            f"event filters on {', '.join(sorted(required))} became required properties; their "
            "values are not checked when the journey is triggered"
        )
        report.add(ImportCode.EVENT_FILTER_NOT_ENFORCED, message, location=where)
    contract = TriggerContract(
        id=f"{journey_id}-trigger",
        name=f"{name} trigger",
        event_name=names[0],
        version_at=_version_at(source),
        required_properties=required or None,  # type: ignore[arg-type]
    )
    message = f"EventStartCondition became trigger contract {contract.id!r} (event {names[0]!r})"
    report.add(ImportCode.EVENT_TRIGGER, message, location=at)
    return contract


def _version_at(source: WriteJourneyRequest) -> datetime:
    for text in (source.last_modified_date, source.creation_date):
        try:
            moment = datetime.fromisoformat(text or "")
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return EPOCH
