"""Checking a case's expectations on the trace ``simulate`` produced. Pure.

Each mismatch is a :class:`Failure` naming the expectation (``steps.wait-2d.resumedBy``),
the expected and the actual value, the step it concerns, the trace record to show
around it, and the pointer of the expectation in the scenario file. The rules for
``path``, ``sends`` and repeated step records are in :mod:`simulator.journeytests.model`.

:func:`check_stopped` is the check no case writes: a dry-run the engine stopped with a
warning (``step_limit``, ``cycle_detected``, ``unknown_step``, ``calendar_end``: the
stepper warns only when it stops an execution) fails its case, located at the case,
unless the case expects ``outcome: {exited: false}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from simulator.codes import Decision
from simulator.engine.trace import Trace, TraceStep
from simulator.journeytests.model import (
    EntryExpectation,
    Expectations,
    OutcomeExpectation,
    SendExpectation,
    StepExpectation,
)
from simulator.project.positions import child_pointer
from simulator.wording import counted

__all__ = [
    "Failure",
    "Prose",
    "StepPointer",
    "check_stopped",
    "check_trace",
    "delivered",
    "gate_result",
    "walked_path",
]


@dataclass(frozen=True)
class Failure:
    expectation: str
    """Dotted name of what was expected: ``path``, ``steps.branch-team-size.rule``."""
    expected: Any
    actual: Any
    pointer: str
    """Where the expectation is written in the scenario file."""
    step_id: str | None = None
    record: int | None = None
    """Index of the trace step record to show the excerpt around."""
    note: str = ""

    @property
    def message(self) -> str:
        at = f" at step {self.step_id!r}" if self.step_id else ""
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.expectation}{at}: expected {_show(self.expected)}, "
            f"got {_show(self.actual)}{note}"
        )


class Prose(str):
    """Words that describe what was expected or found (``a golden file``, ``2 sends``),
    shown as they are; any other string is a value from the file or the trace, quoted."""


def _show(value: Any) -> str:
    if isinstance(value, Prose):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def walked_path(trace: Trace) -> list[str]:
    """The step ids the subject went through; a retried (deferred) send counts once."""
    path: list[str] = []
    for record in trace.steps:
        if not path or path[-1] != record.step_id:
            path.append(record.step_id)
    return path


def delivered(trace: Trace) -> list[tuple[int, TraceStep]]:
    """``(record index, record)`` of every executed send, in order."""
    return [
        (i, r)
        for i, r in enumerate(trace.steps)
        if r.type == "send" and r.decision is Decision.EXECUTED and r.send is not None
    ]


def gate_result(record: TraceStep, gate: str) -> str:
    """``passed``, ``failed``, ``overridden`` or ``not_run`` for one gate of a send."""
    for check in record.gates or ():
        if check.gate.value == gate:
            if check.passed:
                return "passed"
            return "overridden" if check.overridden else "failed"
    return "not_run"


StepPointer = Callable[[str, int], str]
"""``(step id, n) → pointer`` of the ``n``-th expectation of a step in the scenario file."""


def check_trace(
    expect: Expectations, trace: Trace, base: str, step_pointer: StepPointer | None = None
) -> list[Failure]:
    """Every mismatch between ``expect`` (written at pointer ``base``) and ``trace``.

    The model holds each step's expectations as a list, whether the file wrote one
    object or a list, so only the file knows where one is written: ``step_pointer``
    says it (the runner gives
    :func:`~simulator.journeytests.checks.step_expectation_pointer` over the scenario
    file's data, the rule its checks locate problems by). Without it, expectations are
    located as the model holds them, at ``<base>/steps/<id>/<n>``."""
    failures: list[Failure] = []
    if expect.entry is not None:
        failures.extend(_entry(expect.entry, trace, f"{base}/entry"))
    if expect.path is not None:
        failures.extend(_path(expect.path, trace, f"{base}/path"))
    if expect.path_contains is not None:
        failures.extend(_contains(expect.path_contains, trace, f"{base}/pathContains"))
    for step_id, items in (expect.steps or {}).items():
        where = child_pointer(f"{base}/steps", step_id)
        at = partial(step_pointer, step_id) if step_pointer else partial(child_pointer, where)
        failures.extend(_steps(step_id, items, trace, at))
    if expect.sends is not None:
        failures.extend(_sends(expect.sends, trace, f"{base}/sends"))
    if expect.outcome is not None:
        failures.extend(_outcome(expect.outcome, trace, f"{base}/outcome"))
    return failures


def check_stopped(expect: Expectations, trace: Trace, where: str) -> list[Failure]:
    """A failure (at ``where``, the case's pointer) for each warning the engine stopped
    the dry-run with, unless the case expects the subject not to exit
    (``outcome: {exited: false}``): a case whose expectations all held on a trace cut
    short would otherwise pass for a journey that never ran to its end."""
    if expect.outcome is not None and expect.outcome.exited is False:
        return []
    last = len(trace.steps) - 1 if trace.steps else None
    accept = "a case that expects the stop says outcome: {exited: false}"
    return [
        Failure("warnings", None, w.code, where, w.step_id, last, f"{w.message}; {accept}")
        for w in trace.warnings
    ]


def _entry(expect: EntryExpectation, trace: Trace, where: str) -> Iterator[Failure]:
    entry = trace.entry
    if expect.decision is not None and entry.decision is not expect.decision:
        yield Failure(
            "entry.decision", expect.decision.value, entry.decision.value, f"{where}/decision"
        )
    actual = entry.reason.value if entry.reason else None
    if expect.reason is not None and actual != expect.reason.value:
        yield Failure("entry.reason", expect.reason.value, actual, f"{where}/reason")


def _path(expected: list[str], trace: Trace, where: str) -> Iterator[Failure]:
    actual = walked_path(trace)
    if actual == expected:
        return
    first = next(
        (i for i, (a, b) in enumerate(zip(actual, expected, strict=False)) if a != b),
        min(len(actual), len(expected)),
    )
    step = actual[first] if first < len(actual) else None
    if first < len(expected) and first < len(actual):
        note = f"they differ at position {first}"
    elif first < len(expected):
        note = f"the subject stopped after {counted(len(actual), 'step')}"
    else:
        note = f"the subject went on to {_show(step)}"
    yield Failure("path", expected, actual, where, step, _record_of(trace, step), note)


def _contains(expected: list[str], trace: Trace, where: str) -> Iterator[Failure]:
    actual = walked_path(trace)
    position = 0
    for i, step_id in enumerate(expected):
        try:
            position = actual.index(step_id, position) + 1
        except ValueError:
            after = f" after {_show(expected[i - 1])}" if i else ""
            note = f"{_show(step_id)} is not in the path{after}"
            yield Failure("pathContains", expected, actual, f"{where}/{i}", step_id, None, note)
            return


def _records(trace: Trace, step_id: str) -> list[tuple[int, TraceStep]]:
    return [(i, r) for i, r in enumerate(trace.steps) if r.step_id == step_id]


def _record_of(trace: Trace, step_id: str | None) -> int | None:
    found = _records(trace, step_id) if step_id else []
    return found[-1][0] if found else None


def _steps(
    step_id: str,
    items: Sequence[StepExpectation],
    trace: Trace,
    at: Callable[[int], str],
) -> Iterator[Failure]:
    """The mismatches of one step's expectations (the ``n``-th written at ``at(n)``)."""
    records = _records(trace, step_id)
    for n, item in enumerate(items):
        here = at(n)
        name = f"steps.{step_id}"
        if not records:
            yield Failure(name, "the step to be reached", "not reached", here, step_id)
            continue
        candidates = records
        if item.occurrence is not None:
            if item.occurrence > len(records):
                yield Failure(
                    f"{name}.occurrence", item.occurrence, len(records), f"{here}/occurrence",
                    step_id, records[-1][0], "the step has fewer records",
                )  # fmt: skip
                continue
            candidates = [records[item.occurrence - 1]]
        tried = [list(_step_fields(item, i, r, name, here)) for i, r in candidates]
        if any(not mismatches for mismatches in tried):
            continue
        yield from min(reversed(tried), key=len)  # the closest record (the latest on a tie)


def _step_fields(
    item: StepExpectation, index: int, record: TraceStep, name: str, where: str
) -> Iterator[Failure]:
    def differ(field: str, wire: str, expected: Any, actual: Any) -> Failure | None:
        if expected is None or expected == actual:
            return None
        return Failure(f"{name}.{wire}", expected, actual, f"{where}/{wire}", record.step_id, index)

    branch, wait = record.branch, record.wait
    rule = None
    if branch is not None and branch.mode == "conditional":
        rule = "default" if branch.rule_index is None else branch.rule_index
    checks = [
        differ("decision", "decision", _value(item.decision), record.decision.value),
        differ("reason", "reason", _value(item.reason), _value(record.reason)),
        differ("rule", "rule", item.rule, rule),
        differ("arm", "arm", item.arm, branch.chosen_arm_id if branch else None),
        differ("resumed_by", "resumedBy", item.resumed_by, wait.resumed_by if wait else None),
        differ("next", "next", item.next, record.next),
    ]
    yield from (c for c in checks if c is not None)
    for gate, expected in (item.gates or {}).items():
        actual = gate_result(record, gate.value)
        if actual != expected:
            yield Failure(
                f"{name}.gates.{gate.value}", expected, actual, f"{where}/gates/{gate.value}",
                record.step_id, index,
            )  # fmt: skip


def _value(code: Any) -> Any:
    return code.value if code is not None else None


def _sends(expected: list[SendExpectation], trace: Trace, where: str) -> Iterator[Failure]:
    sent = delivered(trace)
    if len(sent) != len(expected):
        ids = [record.send.communication_id for _, record in sent if record.send]
        record = sent[len(expected)][0] if len(sent) > len(expected) else None
        step = trace.steps[record].step_id if record is not None else None
        note = f"{counted(len(sent), 'message')} delivered, {len(expected)} expected"
        wanted = Prose(counted(len(expected), "send"))
        yield Failure("sends", wanted, ids, where, step, record, note)
    for n, (item, (index, record)) in enumerate(zip(expected, sent, strict=False)):
        yield from _send(item, index, record, f"{where}/{n}", n)


def _send(
    item: SendExpectation, index: int, record: TraceStep, where: str, n: int
) -> Iterator[Failure]:
    send = record.send
    assert send is not None  # delivered() keeps only records with a send
    rendered = send.rendered
    subject_line = rendered.subject_line if rendered else None
    body = rendered.body if rendered else None

    def fail(wire: str, expected: Any, actual: Any, note: str = "") -> Failure:
        name = f"sends[{n}].{wire}"
        return Failure(name, expected, actual, f"{where}/{wire}", record.step_id, index, note)

    if item.step is not None and item.step != record.step_id:
        yield fail("step", item.step, record.step_id)
    if item.communication is not None and item.communication != send.communication_id:
        yield fail("communication", item.communication, send.communication_id)
    if item.channel is not None and item.channel is not send.channel:
        yield fail("channel", item.channel.value, send.channel.value)
    for wire, text, needle, regex in (
        ("subjectContains", subject_line, item.subject_contains, False),
        ("subjectMatches", subject_line, item.subject_matches, True),
        ("bodyContains", body, item.body_contains, False),
        ("bodyMatches", body, item.body_matches, True),
    ):
        if needle is None:
            continue
        found = text is not None and (re.search(needle, text) if regex else needle in text)
        if not found:
            yield fail(wire, needle, text, "matched nothing" if regex else "not contained")
    missing = list(send.missing_variables)
    if item.no_missing_variables and missing:
        yield fail("noMissingVariables", [], missing, "variables without a value")
    if item.missing_variables is not None and missing != item.missing_variables:
        yield fail("missingVariables", item.missing_variables, missing)


def _outcome(expect: OutcomeExpectation, trace: Trace, where: str) -> Iterator[Failure]:
    outcome = trace.outcome
    last = len(trace.steps) - 1 if trace.steps else None
    last_step = trace.steps[-1].step_id if trace.steps else None
    if expect.exit_step is not None and expect.exit_step != outcome.exit_step_id:
        yield Failure(
            "outcome.exitStep", expect.exit_step, outcome.exit_step_id, f"{where}/exitStep",
            last_step, last,
        )  # fmt: skip
    exited = outcome.exit_step_id is not None
    if expect.exited is not None and expect.exited != exited:
        yield Failure("outcome.exited", expect.exited, exited, f"{where}/exited", last_step, last)
    if expect.goal_converted is not None:
        actual = outcome.goal.converted if outcome.goal else None
        if actual != expect.goal_converted:
            note = "" if outcome.goal else "the journey has no goal event"
            yield Failure(
                "outcome.goalConverted", expect.goal_converted, actual,
                f"{where}/goalConverted", None, None, note,
            )  # fmt: skip
