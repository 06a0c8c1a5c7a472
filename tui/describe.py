"""Words for journey parts: predicates, steps, overrides and validation errors, as one
line each. Pure.

The journey screen's tree and the dry-run screen's toggles and notice use these;
nothing here knows about Textual.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.codes import Override
from simulator.findings import Finding
from simulator.models import Journey
from simulator.models.journey import (
    AdaptiveBranchStep,
    ConditionalBranchStep,
    SendStep,
    WaitStep,
    WebhookStep,
)
from simulator.models.predicates import (
    AllOf,
    AnyOf,
    AttributeOp,
    AttributePredicate,
    ChannelOptedIn,
    ChannelOptedOut,
    EventFired,
    EventNotFired,
    InSegment,
    NotPredicate,
)
from simulator.wording import counted

__all__ = [
    "OVERRIDE_MEANINGS",
    "OVERRIDE_SHORT",
    "describe_predicate",
    "describe_step",
    "goal_window",
    "invalid_notice",
    "successors",
]

OVERRIDE_MEANINGS: dict[Override, str] = {
    Override.OPT_OUT: "send despite a global opt-out or a channel preference off",
    Override.SUPPRESSION: "send despite a suppression-list entry (bounce, complaint)",
    Override.FREQUENCY_CAP: "send beyond the daily and the frequency caps",
    Override.HOLDOUT: "let a subject of the global holdout enter",
}
"""What each override bypasses (SPEC §3.2, §3.3), in the order the toggles show."""

OVERRIDE_SHORT: dict[Override, str] = {
    Override.OPT_OUT: "send though opted out",
    Override.SUPPRESSION: "send though suppressed",
    Override.FREQUENCY_CAP: "send beyond the caps",
    Override.HOLDOUT: "enter though held out",
}
"""The same, short enough for the dry-run screen's settings column."""


def describe_predicate(predicate) -> str:
    """A predicate as one line.

    >>> from simulator.models.predicates import AttributePredicate, NotPredicate, InSegment
    >>> describe_predicate(AttributePredicate(name="seats", op="gt", value=10))
    'seats gt 10'
    >>> describe_predicate(NotPredicate(of=InSegment(segment_id="seg-x")))
    'not (in segment seg-x)'
    """
    if isinstance(predicate, AttributePredicate):
        if predicate.op in (AttributeOp.EXISTS, AttributeOp.NOT_EXISTS):
            return f"{predicate.name} {predicate.op.value}"
        return f"{predicate.name} {predicate.op.value} {predicate.value!r}"
    if isinstance(predicate, EventFired | EventNotFired):
        verb = "fired" if isinstance(predicate, EventFired) else "not fired"
        window = f" in {predicate.within_days:g} days" if predicate.within_days is not None else ""
        where = f" where {describe_predicate(predicate.where)}" if predicate.where else ""
        return f"{predicate.event_name} {verb}{window}{where}"
    if isinstance(predicate, ChannelOptedIn):
        return f"opted in to {predicate.channel.value}"
    if isinstance(predicate, ChannelOptedOut):
        return f"opted out of {predicate.channel.value}"
    if isinstance(predicate, InSegment):
        return f"in segment {predicate.segment_id}"
    if isinstance(predicate, AllOf | AnyOf):
        joiner = " and " if isinstance(predicate, AllOf) else " or "
        return "(" + joiner.join(describe_predicate(p) for p in predicate.of) + ")"
    if isinstance(predicate, NotPredicate):
        return f"not ({describe_predicate(predicate.of)})"
    return str(getattr(predicate, "kind", predicate))


def describe_step(step, channels: dict[str, tuple[str, ...]] | None = None) -> str:
    """What a step does, without its id and its successors; ``channels`` (communication
    id → channels) names the channel a send without ``channel`` uses.

    >>> from simulator.models.journey import WaitStep
    >>> describe_step(WaitStep(id="w", duration="P3D", next="x"))
    'wait P3D'
    """
    if isinstance(step, SendStep):
        if step.channel is not None:
            return f"send {step.communication_id} · {step.channel.value}"
        known = (channels or {}).get(step.communication_id)
        channel = known[0] if known else "its first channel"
        return f"send {step.communication_id} · {channel}"
    if isinstance(step, WaitStep):
        if step.duration:
            return f"wait {step.duration}"
        if step.until:
            return f"wait until {step.until}"
        if step.until_event:
            event = step.until_event
            return f"wait for {event.event_name} (timeout {event.timeout})"
        return "wait"
    if isinstance(step, ConditionalBranchStep):
        return f"conditional: {len(step.rules)} rule{'s' if len(step.rules) != 1 else ''}"
    if isinstance(step, AdaptiveBranchStep):
        return f"adaptive: {len(step.arms)} arms"
    if isinstance(step, WebhookStep):
        return f"webhook {step.method} {step.url}"
    return "exit"


def successors(step) -> list[tuple[str, str]]:
    """``(label, step id)`` for each way out of a step, in the order the journey gives.

    >>> from simulator.models.journey import WaitStep
    >>> successors(WaitStep(id="w", duration="P3D", next="x"))
    [('next', 'x')]
    """
    if isinstance(step, ConditionalBranchStep):
        ways = [
            (f"rule {i}: {describe_predicate(r.when)}", r.next) for i, r in enumerate(step.rules)
        ]
        return [*ways, ("default", step.default_next)]
    if isinstance(step, AdaptiveBranchStep):
        return [(f"arm {arm.arm_id}", arm.next) for arm in step.arms]
    if isinstance(step, WaitStep) and step.until_event is not None:
        return [
            (f"on {step.until_event.event_name}", step.next),
            ("on timeout", step.until_event.timeout_next),
        ]
    nxt = getattr(step, "next", None)
    return [("next", nxt)] if nxt else []


def goal_window(days: int | None, default_days: int | None) -> str:
    """How long a journey gives its subjects to reach the goal: its own window, else
    the workspace's ``defaultGoalEventWindowDays`` (``default_days``, ``None`` when the
    backend does not say it).

    >>> goal_window(14, 7), goal_window(None, 7)
    ('in 14 d', 'in 7 d (workspace default)')
    >>> goal_window(None, None)
    "in the workspace's default window"
    """
    if days is not None:
        return f"in {days} d"
    if default_days is not None:
        return f"in {default_days} d (workspace default)"
    return "in the workspace's default window"


def steps_by_id(journey: Journey) -> dict[str, object]:
    """The journey's steps by id (the first of a duplicated id wins)."""
    found: dict[str, object] = {}
    for step in journey.steps:
        found.setdefault(step.id, step)
    return found


def invalid_notice(errors: Sequence[Finding]) -> str:
    """What the dry-run screen says of a journey with validation ``errors`` (the
    findings ``journeysim simulate`` refuses without ``--allow-invalid``): how many,
    and where the first is.

    >>> from simulator.codes import FindingCode
    >>> from simulator.findings import make_finding
    >>> typo = make_finding(FindingCode.UNKNOWN_STEP_REFERENCE, "...", "/steps/1/next", "w")
    >>> invalid_notice([typo]).removeprefix("this journey does not validate: ")
    '1 error, unknown_step_reference at /steps/1/next in step w — the trace may stop early'
    >>> invalid_notice([typo, typo]).split(": ", 1)[1].split(" — ")[0]
    '2 errors, the first unknown_step_reference at /steps/1/next in step w'
    """
    first = errors[0]
    where = f" at {first.path}" if first.path else ""
    if first.step_id:
        where += f" in step {first.step_id}"
    elif first.source is not None:  # another document's (a communication's template...)
        where += f" in {first.source.file}:{first.source.line}:{first.source.column}"
    which = "the first " if len(errors) > 1 else ""
    return (
        f"this journey does not validate: {counted(len(errors), 'error')}, {which}"
        f"{first.code.value}{where} — the trace may stop early"
    )
