"""What a scenario file refers to, checked against its project before anything runs.

Pure: a validated :class:`~simulator.journeytests.model.ScenarioFile`, its raw data and
the project's journeys and world in, :class:`~simulator.journeytests.problems.Problem`
values (with JSON pointers) out. Every id an expectation names must exist (journey,
step, arm, communication, subject), each expectation must fit the step it is about
(``rule`` on a conditional branch, ``arm`` on an adaptive one, ``resumedBy`` on a
wait, ``gates`` on a send), rule indices must exist, regular expressions compile,
durations and timestamps parse. A typo in a test must not pass for a behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from simulator.codes import JourneyTestCode as C
from simulator.durations import parse_duration, parse_timestamp
from simulator.journeytests.model import Case, Expectations, ScenarioFile, StepExpectation
from simulator.journeytests.problems import Problem
from simulator.models import AdaptiveBranchStep, ConditionalBranchStep, Journey, WaitStep
from simulator.project.positions import child_pointer
from simulator.suggestions import did_you_mean
from simulator.world import World

__all__ = ["case_journey_id", "check_scenarios", "step_expectation_pointer"]


def case_journey_id(scenario: ScenarioFile, case: Case) -> str | None:
    """The journey a case runs: its own ``journey`` or the file's."""
    return case.journey or scenario.journey


def step_expectation_pointer(data: Any, case_index: int, step_id: str, index: int) -> str:
    """The pointer of one step expectation: ``.../steps/<id>`` when it was written as
    one object, ``.../steps/<id>/<index>`` when it was a list."""
    base = child_pointer(f"/cases/{case_index}/expect/steps", step_id)
    written = _at(data, ["cases", case_index, "expect", "steps", step_id])
    return base if isinstance(written, dict) else child_pointer(base, index)


def check_scenarios(
    scenario: ScenarioFile,
    data: Any,
    *,
    journeys: Mapping[str, Journey],
    invalid_journeys: Mapping[str, str] | None = None,
    world: World | None,
    indices: Sequence[int] | None = None,
) -> list[Problem]:
    """Every problem of ``scenario`` (``data`` is its raw value, for pointers).
    ``invalid_journeys`` says, by id, why a journey cannot be tested. ``indices`` are
    the places of ``scenario.cases`` in the file's ``cases`` when they are not all of
    them (the cases whose shape is valid, checked beside the others' shape problems)."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    places = range(len(scenario.cases)) if indices is None else indices
    for index, case in zip(places, scenario.cases, strict=True):
        base = f"/cases/{index}"
        if case.name in seen:
            message = f"case name {case.name!r} is used twice (first by case {seen[case.name]})"
            problems.append(Problem(C.DUPLICATE_CASE_NAME, message, f"{base}/name"))
        seen.setdefault(case.name, index)
        if "::" in case.name:
            message = (
                f"case name {case.name!r} holds '::', which separates the parts of a case "
                f"id (file::name): pytest could not select it by its node id"
            )
            problems.append(Problem(C.INVALID_CASE_NAME, message, f"{base}/name"))
        invalid = invalid_journeys or {}
        problems.extend(_case(scenario, case, index, data, journeys, invalid, world))
    return list(dict.fromkeys(problems))  # a file-level journey's problem once, not per case


def _case(
    scenario: ScenarioFile,
    case: Case,
    index: int,
    data: Any,
    journeys: Mapping[str, Journey],
    invalid: Mapping[str, str],
    world: World | None,
) -> Iterator[Problem]:
    base = f"/cases/{index}"
    yield from _subject(case, base, world)
    yield from _timing(case, base)
    yield from _snapshot(case, base)
    journey_id = case_journey_id(scenario, case)
    where = f"{base}/journey" if case.journey else "/journey"
    if journey_id is None:
        yield Problem(C.UNKNOWN_JOURNEY, "no journey: give the case (or the file) a journey", base)
        return
    journey = journeys.get(journey_id)
    if journey_id in invalid:
        yield Problem(C.INVALID_JOURNEY, invalid[journey_id], where)
        return
    if journey is None:
        known = ", ".join(sorted(journeys)) or "none"
        message = f"no journey {journey_id!r} in the project"
        message += f"{did_you_mean(journey_id, journeys)} (journeys: {known})"
        yield Problem(C.UNKNOWN_JOURNEY, message, where)
        return
    steps = {step.id: step for step in journey.steps}
    context = _Context(journey, steps, world, base)
    yield from context.arm_stats(case)
    yield from context.expectations(case.expect, index, data)


def _subject(case: Case, base: str, world: World | None) -> Iterator[Problem]:
    spec, where = case.subject, f"{base}/subject"
    sources = [name for name, given in (("id", spec.id), ("file", spec.file)) if given is not None]
    if spec.synthetic:
        sources.append("synthetic")
    if len(sources) > 1:
        message = f"a subject has one source; this one has {' and '.join(sources)}"
        yield Problem(C.INVALID_SUBJECT, message, where)
    elif not sources and spec.attributes is None:
        message = "no subject: give id, file, synthetic: true, or attributes"
        yield Problem(C.INVALID_SUBJECT, message, where)
    if spec.seed is not None and not spec.synthetic:
        message = "seed is for synthetic subjects (synthetic: true or any)"
        yield Problem(C.INVALID_SUBJECT, message, f"{where}/seed")
    if spec.id is not None and world is not None and spec.id not in world.subjects:
        message = f"no subject {spec.id!r} in the project's subjects/"
        message += did_you_mean(spec.id, world.subjects)
        yield Problem(C.UNKNOWN_SUBJECT, message, f"{where}/id")


def _timing(case: Case, base: str) -> Iterator[Problem]:
    if case.at is not None:
        try:
            parse_timestamp(case.at)
        except ValueError as exc:
            yield Problem(C.INVALID_TIMESTAMP, f"at: {exc}", f"{base}/at")
    for i, event in enumerate(case.future_events):
        try:
            parse_duration(event.after)
        except ValueError as exc:
            where = f"{base}/futureEvents/{i}/after"
            yield Problem(C.INVALID_DURATION, f"futureEvents/{i}/after: {exc}", where)


def _snapshot(case: Case, base: str) -> Iterator[Problem]:
    """A written ``snapshot`` path names a file, relative to the scenario file: a test
    suite runs on other machines (CI), where an absolute path means nothing."""
    if not isinstance(case.snapshot, str):
        return
    written, where = case.snapshot, f"{base}/snapshot"
    path = PurePosixPath(written.replace("\\", "/"))
    if not written.strip():
        what = "is empty"
    elif path.is_absolute() or PureWindowsPath(written).drive:  # a drive or share
        what = f"{written!r} is absolute"
    elif written.endswith(("/", "\\")) or path.name in ("", ".", ".."):
        what = f"{written!r} names a folder"
    else:
        return
    message = (
        f"snapshot {what}: give a file path relative to the scenario file "
        "(e.g. __snapshots__/welcome.json), or true for the default"
    )
    yield Problem(C.INVALID_SCENARIO, message, where)


class _Context:
    """One case's journey, for checking what its expectations name."""

    def __init__(self, journey: Journey, steps: dict, world: World | None, base: str) -> None:
        self.journey = journey
        self.steps = steps
        self.world = world
        self.base = base

    def unknown_step(self, step_id: str, where: str) -> Problem | None:
        if step_id in self.steps:
            return None
        message = f"journey {self.journey.id!r} has no step {step_id!r}"
        return Problem(C.UNKNOWN_STEP, message + did_you_mean(step_id, self.steps), where)

    def arm_stats(self, case: Case) -> Iterator[Problem]:
        for branch_id, arms in case.arm_stats.items():
            where = child_pointer(f"{self.base}/armStats", branch_id)
            step = self.steps.get(branch_id)
            if step is None:
                yield self.unknown_step(branch_id, where)  # type: ignore[misc]
                continue
            if not isinstance(step, AdaptiveBranchStep):
                message = f"armStats: step {branch_id!r} is not an adaptive branch"
                yield Problem(C.EXPECTATION_NOT_APPLICABLE, message, where)
                continue
            known = {arm.arm_id for arm in step.arms}
            for arm_id, stats in arms.items():
                here = child_pointer(where, arm_id)
                if arm_id not in known:
                    arms_list = ", ".join(sorted(known))
                    message = f"branch {branch_id!r} has no arm {arm_id!r} (arms: {arms_list})"
                    yield Problem(C.UNKNOWN_ARM, message, here)
                elif stats.goal_events > stats.subjects_reached:
                    message = "goalEvents cannot exceed subjectsReached"
                    yield Problem(C.INVALID_SCENARIO, message, f"{here}/goalEvents")

    def expectations(self, expect: Expectations, index: int, data: Any) -> Iterator[Problem]:
        where = f"{self.base}/expect"
        for key in ("path", "path_contains"):
            wire = "path" if key == "path" else "pathContains"
            for i, step_id in enumerate(getattr(expect, key) or []):
                problem = self.unknown_step(step_id, f"{where}/{wire}/{i}")
                if problem:
                    yield problem
        for step_id, items in (expect.steps or {}).items():
            if problem := self.unknown_step(step_id, child_pointer(f"{where}/steps", step_id)):
                yield problem
                continue
            for i, item in enumerate(items):
                pointer = step_expectation_pointer(data, index, step_id, i)
                yield from self.step(step_id, item, pointer)
        for i, send in enumerate(expect.sends or []):
            yield from self.send(send, f"{where}/sends/{i}")
        if expect.outcome and expect.outcome.exit_step is not None:
            exit_id, here = expect.outcome.exit_step, f"{where}/outcome/exitStep"
            problem = self.unknown_step(exit_id, here)
            if problem:
                yield problem
            elif self.steps[exit_id].type != "exit":
                message = f"step {exit_id!r} is a {self.steps[exit_id].type} step, not an exit"
                yield Problem(C.EXPECTATION_NOT_APPLICABLE, message, here)

    def step(self, step_id: str, item: StepExpectation, where: str) -> Iterator[Problem]:
        step = self.steps[step_id]

        def wrong(field: str, what: str) -> Problem:
            message = f"{field} is for {what}; step {step_id!r} is a {_kind(step)}"
            return Problem(C.EXPECTATION_NOT_APPLICABLE, message, f"{where}/{field}")

        if item.gates is not None and step.type != "send":
            yield wrong("gates", "send steps")
        if item.rule is not None:
            if not isinstance(step, ConditionalBranchStep):
                yield wrong("rule", "conditional branches")
            elif item.rule != "default" and not 0 <= item.rule < len(step.rules):
                message = (
                    f"branch {step_id!r} has rules 0 to {len(step.rules) - 1}; "
                    f"there is no rule {item.rule}"
                )
                yield Problem(C.UNKNOWN_RULE, message, f"{where}/rule")
        if item.arm is not None:
            if not isinstance(step, AdaptiveBranchStep):
                yield wrong("arm", "adaptive branches")
            elif item.arm not in {arm.arm_id for arm in step.arms}:
                arms = ", ".join(arm.arm_id for arm in step.arms)
                message = f"branch {step_id!r} has no arm {item.arm!r} (arms: {arms})"
                yield Problem(C.UNKNOWN_ARM, message, f"{where}/arm")
        if item.resumed_by is not None:
            if not isinstance(step, WaitStep):
                yield wrong("resumedBy", "wait steps")
            elif (item.resumed_by == "elapsed") == (step.until_event is not None):
                expected = "event or timeout" if step.until_event else "elapsed"
                message = f"wait {step_id!r} resumes by {expected}, never {item.resumed_by}"
                yield Problem(C.EXPECTATION_NOT_APPLICABLE, message, f"{where}/resumedBy")
        if item.next is not None and (problem := self.unknown_step(item.next, f"{where}/next")):
            yield problem

    def send(self, send: Any, where: str) -> Iterator[Problem]:
        if send.step is not None:
            problem = self.unknown_step(send.step, f"{where}/step")
            if problem:
                yield problem
            elif self.steps[send.step].type != "send":
                message = f"step {send.step!r} is a {_kind(self.steps[send.step])}, not a send"
                yield Problem(C.EXPECTATION_NOT_APPLICABLE, message, f"{where}/step")
        # Without a usable workspace there is no world to look in (that problem is
        # reported once, as for subjects): every communication would read as unknown.
        communications = self.world.communications if self.world else None
        known = communications is None or send.communication in communications
        if send.communication is not None and not known:
            message = f"no communication {send.communication!r} in the project"
            message += did_you_mean(send.communication, communications or {})
            yield Problem(C.UNKNOWN_COMMUNICATION, message, f"{where}/communication")
        for field, wire in (("subject_matches", "subjectMatches"), ("body_matches", "bodyMatches")):
            pattern = getattr(send, field)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                message = f"{wire} is not a regular expression: {exc}"
                yield Problem(C.INVALID_PATTERN, message, f"{where}/{wire}")


def _kind(step: Any) -> str:
    if step.type == "branch":
        return f"{step.mode} branch"
    return f"{step.type} step"


def _at(data: Any, keys: list[Any]) -> Any:
    for key in keys:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data
