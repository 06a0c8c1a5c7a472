"""Population runs: "what will this journey do to 2,000 people over 30 days?"

A scenario file (YAML or JSON) names a project, a journey, a seeded population, how
trigger events arrive over time and how likely the goal event is per adaptive arm
(and for the holdout and for subjects no arm reached). :func:`run_scenario` loads the
project into a fresh runtime (moto in-process), publishes it, and plays the scenario
on the shared virtual clock: triggers at their arrival times through
``start-execution``, the clock advanced through every due dispatch, goal events posted
``goal.after`` the decisive moment (the arm's send, or the trigger for the others)
with the configured probability. The dispatcher's Thompson draws read the same
counters the goal events feed, so the bandit learns as in production.

Example (``fixtures/scenarios/expansion-nudge.scenario.yaml``)::

    project: ../acme
    journey: expansion-nudge-2026
    seed: 7
    population: 1000
    arrivals: {over: P20D, properties: {signal: seats, usagePct: 92}}
    goal: {after: P2D, default: 0.02, holdout: 0.02,
           arms: {branch-2: {discount: 0.12, education: 0.04}}}
    runFor: P30D

Subjects are generated from the seed and fitted to the journey's audience
(:func:`~simulator.engine.fitting.fitted_subject`), so the population is the
journey's; their ids are ``pop_<n>``. Arrivals the trigger contract skips for want
of the properties ``arrivals.properties`` gives do not fail the run: the report's
``advice`` says what to give (the CLI prints it as a warning). A journey file or a
journey test file is a usage error naming the command that runs it. Bad files are
:class:`~simulator.errors.InputError` with the field's location: ``unreadable_input``
for a file that cannot be read, ``invalid_document`` for one whose content is wrong (as
``validate`` says of a project's documents), ``unknown_journey`` for a journey the
project lacks.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from simulator.durations import parse_duration
from simulator.errors import InputError, UsageError
from simulator.models.base import Integer, Number

__all__ = ["MAX_POPULATION", "Scenario", "ScenarioReport", "load_scenario", "run_scenario"]

MAX_POPULATION = 100_000
"""The most subjects a scenario (or ``run --population``) may trigger. Every one is a
Step Functions execution on moto (about 20 ms of CPU: 1,000 take some 22 s), so the
bound is about half an hour of work; without it a mistyped ``-n`` ran for hours and
grew without limit before anything was refused."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Arrivals(_Model):
    over: str = "P20D"
    """Trigger times are spread uniformly over this period from the start."""
    properties: dict[str, Any] = Field(default_factory=dict)
    """The trigger event's properties (the contract's required ones)."""


Probability = Annotated[Number, Field(ge=0, le=1)]
"""A probability: a JSON number from 0 to 1 (``true`` or ``"0.1"`` are refused)."""


class Goal(_Model):
    after: str = "P2D"
    default: Probability = 0.0
    holdout: Probability = 0.0
    arms: dict[str, dict[str, Probability]] = Field(default_factory=dict)
    """``{stepId: {armId: probability}}``."""


class Scenario(_Model):
    project: str
    journey: str
    seed: Integer = 0
    population: Annotated[Integer, Field(ge=1, le=MAX_POPULATION)] = 1000
    start: AwareDatetime = datetime.fromisoformat("2026-06-01T14:00:00+00:00")
    """With an offset (``Z``, ``+02:00``): a local time would mean another instant on
    every machine."""
    arrivals: Arrivals = Field(default_factory=Arrivals)
    goal: Goal = Field(default_factory=Goal)
    run_for: str = Field("P30D", alias="runFor")
    _journey_at: str | None = PrivateAttr(default=None)
    """Where the file names the journey (``file:line:col``), for the run's error when
    the project has no such journey."""
    _arms_at: dict[tuple[str, ...], str] = PrivateAttr(default_factory=dict)
    """Where the file gives each ``goal.arms`` branch ``(stepId,)`` and arm
    ``(stepId, armId)``, for the run's error when the journey has no such one."""


@dataclass
class ScenarioReport:
    journey_id: str
    population: int
    executions: dict[str, int]
    held_out: int
    skipped: dict[str, int]
    dispatches: int
    assignments: list[str] = field(default_factory=list)
    """Arms chosen at the adaptive branch, in time order."""
    step_stats: list[dict[str, Any]] = field(default_factory=list)
    branch_performance: list[dict[str, Any]] = field(default_factory=list)
    calibrated_impact: dict[str, Any] = field(default_factory=dict)
    advice: list[str] = field(default_factory=list)
    """How to fix the scenario when arrivals were skipped for a reason it causes (for
    people: not part of :meth:`to_wire`)."""

    def to_wire(self) -> dict[str, Any]:
        return {
            "journeyId": self.journey_id,
            "population": self.population,
            "executions": self.executions,
            "heldOut": self.held_out,
            "skipped": self.skipped,
            "dispatches": self.dispatches,
            "assignments": dict(_count(self.assignments)),
            "lastAssignments": dict(_count(self.assignments[-500:])),
            "stepStats": self.step_stats,
            "branchPerformance": self.branch_performance,
            "calibratedImpact": {
                k: v for k, v in self.calibrated_impact.items() if k != "dailyTrend"
            },
        }


_OTHER_FILES = (
    ("steps", "a journey file", "to dry-run this journey for one subject, use journeysim "
     "simulate {path} --subject-id ID (or --synthetic)"),
    ("cases", "a journey test file", "to run this journey test, use journeysim test {path}"),
)  # fmt: skip
"""The files ``run`` is given by mistake, by the key that tells them (and no
``project``): what each is, and the command that runs it."""


def _other_file(value: Any, path: Path) -> str | None:
    """Why ``value`` (a file's content) is not a scenario but another kind of file, with
    the command that runs it; ``None`` for anything else.

    >>> _other_file({"id": "j", "steps": []}, Path("j.json"))  # doctest: +ELLIPSIS
    'j.json is a journey file, not a scenario: ... journeysim simulate j.json ...'
    >>> _other_file({"project": ".", "journey": "j"}, Path("s.yaml")) is None
    True
    """
    if not isinstance(value, dict) or "project" in value:
        return None
    for key, what, how in _OTHER_FILES:
        if key in value:
            return (
                f"{path} is {what}, not a scenario: run plays a scenario file (project, "
                f"journey, arrivals, runFor); {how.format(path=path)}"
            )
    return None


def load_scenario(path: Path) -> tuple[Scenario, Path]:
    """The scenario and its project folder (relative paths from the file's folder)."""
    from simulator.project.positions import SourceSyntaxError, child_pointer
    from simulator.project.yaml_source import parse_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{path}: cannot read the scenario: {why}", location=str(path)) from exc
    try:
        parsed = parse_yaml(text)
    except SourceSyntaxError as exc:
        raise InputError(
            f"{path}:{exc.line}:{exc.column}: {exc.message}",
            code="invalid_document",
            location=str(path),
        ) from exc

    def where(pointer: str, *, at_key: bool = False) -> str:
        line, column = parsed.where(pointer, at_key=at_key)
        return f"{path}:{line}:{column}"

    def invalid(pointer: str, message: object, *, at_key: bool = False) -> InputError:
        return InputError(
            f"{where(pointer, at_key=at_key)}: {pointer[1:]}: {message}",
            code="invalid_document",
            location=pointer,
        )

    other = _other_file(parsed.value, path)
    if other is not None:
        raise UsageError(other)
    try:
        scenario = Scenario.model_validate(parsed.value)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"]
        unknown = first["type"] == "extra_forbidden"
        if unknown:
            from simulator.validation.fields import unknown_field_hint

            message = f"unknown field{unknown_field_hint(Scenario, first['loc'])}"
        pointer = "".join(f"/{part}" for part in first["loc"])
        raise invalid(pointer, message, at_key=unknown) from exc
    written = {
        "/arrivals/over": scenario.arrivals.over,
        "/goal/after": scenario.goal.after,
        "/runFor": scenario.run_for,
    }
    durations = {}
    for pointer, duration in written.items():
        try:
            durations[pointer] = parse_duration(duration)
        except ValueError as exc:
            raise invalid(pointer, exc) from exc
    # Every moment the run reaches stays in the calendar: the last arrival's goal
    # event (start + over + after) and the end (start + runFor).
    for pointer, then in (
        ("/arrivals/over", ("/arrivals/over", "/goal/after")),
        ("/runFor", ("/runFor",)),
    ):
        try:
            moment = scenario.start
            for part in then:
                moment = durations[part].add_to(moment)
        except (OverflowError, ValueError):
            added = " + ".join(f"{part[1:]} {written[part]}" for part in then)
            start = scenario.start.isoformat()
            message = f"start {start} + {added} is past the end of the calendar (9999-12-31)"
            raise invalid(pointer, message) from None
    scenario._journey_at = where("/journey")
    for step_id, arms in scenario.goal.arms.items():
        step_at = child_pointer("/goal/arms", step_id)
        scenario._arms_at[(step_id,)] = where(step_at)
        for arm_id in arms:
            scenario._arms_at[(step_id, arm_id)] = where(child_pointer(step_at, arm_id))
    return scenario, (path.parent / scenario.project).resolve()


def _check_goal_arms(scenario: Scenario, journey: Any) -> None:
    """Refuse ``goal.arms`` naming a step that is no adaptive branch of the journey, or
    an arm the branch does not have: a typo there would quietly run that arm at
    ``goal.default``, and change the answer to "which arm wins?" without a word."""
    from simulator.codes import JourneyTestCode
    from simulator.models.journey import AdaptiveBranchStep
    from simulator.suggestions import did_you_mean

    branches = {s.id: s for s in journey.steps if isinstance(s, AdaptiveBranchStep)}
    for step_id, arms in scenario.goal.arms.items():
        at = scenario._arms_at.get((step_id,), "goal.arms")
        step = branches.get(step_id)
        if step is None:
            known = ", ".join(sorted(branches)) or "none"
            raise InputError(
                f"{at}: goal.arms: journey {journey.id} has no adaptive branch {step_id!r} "
                f"(adaptive branches: {known}){did_you_mean(step_id, branches)}",
                code=JourneyTestCode.UNKNOWN_STEP,
                location=f"goal.arms.{step_id}",
            )
        known_arms = [arm.arm_id for arm in step.arms]
        for arm_id in arms:
            if arm_id not in known_arms:
                here = scenario._arms_at.get((step_id, arm_id), at)
                raise InputError(
                    f"{here}: goal.arms.{step_id}: branch {step_id!r} has no arm {arm_id!r} "
                    f"(arms: {', '.join(known_arms)}){did_you_mean(arm_id, known_arms)}",
                    code=JourneyTestCode.UNKNOWN_ARM,
                    location=f"goal.arms.{step_id}.{arm_id}",
                )


def run_scenario(
    scenario: Scenario, project_dir: Path, progress: Callable[[int, int], None] | None = None
) -> ScenarioReport:
    """Play ``scenario`` on a fresh in-process runtime; the report of what happened."""
    from simulator.backend.service import Backend
    from simulator.engine.fitting import fitted_subject
    from simulator.project import load_project
    from simulator.runtime.runtime import InboundEvent

    project = load_project(project_dir, relative_to=Path.cwd())  # files named as validate does
    world = project.world
    if world is None:
        raise _unusable_workspace(project, project_dir)
    _refuse_invalid_journey(scenario, project)
    if scenario.journey not in project.journeys:
        from simulator.suggestions import did_you_mean

        at = f"{scenario._journey_at}: " if scenario._journey_at else ""
        hint = did_you_mean(scenario.journey, project.journeys)
        raise InputError(
            f"{at}journey: no journey {scenario.journey!r} in {project_dir}{hint}",
            code="unknown_journey",
            location="journey",
        )
    journey = project.journeys[scenario.journey]
    _check_goal_arms(scenario, journey)
    contract = world.trigger_contracts.get(journey.trigger_contract_id or "")
    if contract is None:
        raise InputError(f"journey {journey.id} has no trigger contract", location="journey")
    rng = random.Random(scenario.seed)
    span = parse_duration(scenario.arrivals.over).add_to(scenario.start) - scenario.start
    people = []
    for n in range(scenario.population):
        subject = fitted_subject(journey, world, scenario.seed * 1_000_003 + n, scenario.start)
        people.append(subject.model_copy(update={"end_user_id": f"pop_{n:06d}"}))
    population_world = replace(
        world, subjects={**world.subjects, **{p.end_user_id: p for p in people}}
    )
    project = replace(project, world=population_world)

    backend = Backend.start()
    try:
        runtime = backend.runtime
        runtime.ensure()
        backend.load_project(project, publish=True)
        ws = world.workspace.id
        queue: list[tuple[datetime, int, str, str]] = []
        for n, person in enumerate(people):
            at = scenario.start + span * rng.random()
            heapq.heappush(queue, (at, n, "trigger", person.end_user_id))
        report = ScenarioReport(journey.id, scenario.population, {}, 0, {}, 0)
        after = parse_duration(scenario.goal.after)
        goal_name = journey.goal_event_name
        end = parse_duration(scenario.run_for).add_to(scenario.start)
        order = len(people)

        def schedule_goal(at: datetime, end_user_id: str, probability: float) -> None:
            nonlocal order
            if goal_name and rng.random() < probability:
                order += 1
                heapq.heappush(queue, (after.add_to(at), order, "goal", end_user_id))

        def absorb(results: list[Any]) -> None:
            report.dispatches += len(results)
            for result in results:
                if result.arm is not None and result.at is not None:
                    report.assignments.append(result.arm)
                    arms = scenario.goal.arms.get(result.step_id or "", {})
                    schedule_goal(
                        result.at, result.end_user_id, arms.get(result.arm, scenario.goal.default)
                    )

        triggered = 0
        while queue and queue[0][0] <= end:
            at, seq, kind, end_user_id = heapq.heappop(queue)
            absorb(runtime.advance_clock(max(at, runtime.now())))
            # one id per scheduled event: two goals of one person in the same second are
            # two events (a reused id with another time is refused: event_id_conflict)
            event_id = f"{kind}-{end_user_id}-{at.timestamp():.0f}-{seq}"
            if kind == "trigger":
                properties = {**scenario.arrivals.properties, "endUserId": end_user_id}
                event = InboundEvent(event_id, contract.event_name, at, properties)
                answer = runtime.start_execution(ws, event)
                triggered += 1
                for _ in answer.held_out:
                    report.held_out += 1
                    schedule_goal(at, end_user_id, scenario.goal.holdout)
                for skipped in answer.skipped:
                    report.skipped[skipped["reason"]] = report.skipped.get(skipped["reason"], 0) + 1
                if progress:
                    progress(triggered, scenario.population)
            elif goal_name:
                event = InboundEvent(event_id, goal_name, at, {})
                runtime.post_event(ws, event, end_user_id)
        absorb(runtime.advance_clock(max(end, runtime.now())))
        rows = runtime.executions(ws, journey.id, limit=10**9)
        report.executions = dict(_count(r["status"] for r in rows))
        published = backend.store.version(ws, journey.id, 1).journey
        report.step_stats = runtime.step_stats(ws, published)
        report.branch_performance = runtime.branch_performance(ws, published)
        report.calibrated_impact = runtime.calibrated_impact(ws, journey.id)
        report.advice = _skip_advice(scenario, contract, report.skipped, triggered)
        return report
    finally:
        backend.close()


_SCENARIO_SKIPS = ("missing_required_property", "invalid_required_property")
"""Skip reasons the scenario causes: the properties its arrivals give the trigger."""


def _skip_advice(
    scenario: Scenario, contract: Any, skipped: dict[str, int], arrived: int
) -> list[str]:
    """What to change in the scenario when the trigger contract skipped its arrivals
    (every arrival has the same ``arrivals.properties``, so all of them were); ``arrived``
    is how many arrivals were sent before the run ended (``runFor`` may end it first).
    ``endUserId`` is never missing: the runner gives every arrival its own.

    >>> from simulator.models import TriggerContract
    >>> contract = TriggerContract(id="trig-order", name="Order", eventName="order.placed",
    ...     subjectFieldPath="endUserId", versionAt="2026-01-01T00:00:00Z",
    ...     requiredProperties={"orderId": "string"})
    >>> scenario = Scenario(project=".", journey="j", population=20)
    >>> print(*_skip_advice(scenario, contract, {"missing_required_property": 20}, 20))
    ... # doctest: +NORMALIZE_WHITESPACE
    20 of 20 arrivals skipped: the trigger contract trig-order requires the property
    orderId: give it under arrivals.properties in the scenario
    """
    from simulator.models.trigger import has_json_type, json_type_of

    count = sum(skipped.get(reason, 0) for reason in _SCENARIO_SKIPS)
    if not count:
        return []
    given = {**scenario.arrivals.properties, "endUserId": "pop_000000"}  # as the runner sends
    required = contract.required_properties or {}
    missing = sorted(name for name in required if name not in given)
    wrong = [
        f"wants {name} to be {_a(kind)}, not {json_type_of(given[name])}"
        for name, kind in sorted(required.items())
        if name in given and not has_json_type(given[name], kind)
    ]
    if missing:
        names = "the property" if len(missing) == 1 else "the properties"
        them = "it" if len(missing) == 1 else "them"
        how = f"requires {names} {', '.join(missing)}: give {them}"
    elif wrong:
        how = f"{'; '.join(wrong)}: fix {'it' if len(wrong) == 1 else 'them'}"
    else:
        return []
    return [
        f"{count} of {arrived} arrivals skipped: the trigger contract "
        f"{contract.id} {how} under arrivals.properties in the scenario"
    ]


def _a(kind: str) -> str:
    """A contract's type with its article: ``a string``, ``an integer``."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _refuse_invalid_journey(scenario: Scenario, project: Any) -> None:
    """``InputError`` (``invalid_journey``) when ``journeysim validate`` reports errors
    for the scenario's journey file (its own, or in the documents it uses: a template
    that does not parse), the first one located: the run would publish nothing
    (publishing refuses it) or fail every send of a broken communication."""
    from simulator.codes import JourneyTestCode, Severity
    from simulator.findings import Finding
    from simulator.project import DocumentKind, first_error, load_project, validate_project

    document = next(
        (d for d in project.of_kind(DocumentKind.JOURNEY) if d.id == scenario.journey), None
    )
    if document is None:
        return  # no such journey: said next, with the ids there are
    used = load_project(project.root, relative_to=Path.cwd(), files=[document.path])
    findings = validate_project(used)
    errors = sorted((f for f in findings if f.severity is Severity.ERROR), key=Finding.sort_key)
    if errors:
        at = f"{scenario._journey_at}: " if scenario._journey_at else ""
        raise InputError(
            f"{at}journey: {scenario.journey!r} does not validate: {first_error(errors)}; "
            f"fix it to run it (journeysim validate {document.name})",
            code=JourneyTestCode.INVALID_JOURNEY.value,
            location="journey",
        )


def _unusable_workspace(project: Any, project_dir: Path) -> InputError:
    """The error for a project whose workspace did not load: its first problem, located
    (it once read as "no journey" for a journey the project has)."""
    found = [f for f in project.findings if f.source and "workspace" in f.source.file]
    if not found:
        why = f"it could not be read (journeysim validate {project_dir} says why)"
        return InputError(f"the project's workspace is not usable: {why}", code="invalid_document")
    first = found[0]
    where = f"{first.source.file}:{first.source.line}:{first.source.column}"
    message = f"the project's workspace is not usable: {where}: {first.code.value}: {first.message}"
    return InputError(message, code=first.code.value, location=first.source.file)


def _count(values: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items())
