"""Journey coverage: which parts of each journey the scenarios exercised. Pure.

Items, per journey (each with the JSON pointer of what defines it in the journey file):

* **steps**: every step;
* **branches**: every rule and the default path of a conditional branch, every arm of
  an adaptive one;
* **waits**: both outcomes (``event``, ``timeout``) of every ``untilEvent`` wait;
* **gates**: every outcome of every gate that can decide for this journey: entry
  (``audience`` when it has an audience, ``holdout`` when the workspace holds out
  anyone) and, when it sends, the send gates (``recipient`` only with an email send;
  quiet hours and the caps only when the workspace sets them), each ``passed`` and
  failed with its reason. An overridden gate counts as its reason: it fired.

Coverage is per journey of each project: the journeys of two projects tested together
are apart even when they share an id, each covered by its own project's cases only.

The coverage percentage counts steps, branches and waits (the journey's graph: every
step and every way out of it), which the scenarios of one journey can always reach
100 %. Gate outcomes depend on subjects and the workspace as much as on the journey;
they are listed and counted in their own column and in the JSON, but do not count
toward the percentage or ``--fail-under`` (decision recorded here: a journey with
six send gates would otherwise need six failing subjects per send to pass a gate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.codes import Gate, Reason
from simulator.engine.trace import Trace, TraceGate
from simulator.models import AdaptiveBranchStep, ConditionalBranchStep, Journey, WaitStep
from simulator.world import World

__all__ = [
    "COUNTED_KINDS",
    "KINDS",
    "CoverageItem",
    "JourneyCoverage",
    "coverage_items",
    "exercised",
    "journey_coverage",
]

KINDS = ("steps", "branches", "waits", "gates")
COUNTED_KINDS = ("steps", "branches", "waits")
"""The kinds the percentage counts."""

_FAILURE = {
    Gate.AUDIENCE: Reason.AUDIENCE_MISMATCH,
    Gate.HOLDOUT: Reason.HOLDOUT_MEMBERSHIP,
    Gate.SUPPRESSION: Reason.SUPPRESSION_MATCH,
    Gate.OPT_OUT: Reason.OPT_OUT,
    Gate.RECIPIENT: Reason.MISSING_RECIPIENT,
    Gate.QUIET_HOURS: Reason.QUIET_HOURS,
    Gate.DAILY_CAP: Reason.DAILY_CAP_EXCEEDED,
    Gate.FREQUENCY_CAP: Reason.FREQUENCY_CAP_EXCEEDED,
}


@dataclass(frozen=True)
class CoverageItem:
    kind: str
    """One of :data:`KINDS`."""
    key: tuple[str, ...]
    label: str
    pointer: str
    """Where the item is defined in the journey file."""


@dataclass(frozen=True)
class JourneyCoverage:
    journey_id: str
    items: tuple[CoverageItem, ...]
    covered: frozenset[tuple[str, ...]]
    cases: int
    """How many of the run's cases ran this journey."""
    file: str = ""
    """The journey's file, as reports name it (``""`` when not known): what tells apart
    the journeys of one id in two projects tested together."""

    def counts(self, kind: str) -> tuple[int, int]:
        """``(covered, total)`` items of one kind."""
        of_kind = [item for item in self.items if item.kind == kind]
        return sum(item.key in self.covered for item in of_kind), len(of_kind)

    @property
    def uncovered(self) -> list[CoverageItem]:
        return [item for item in self.items if item.key not in self.covered]

    @property
    def counted(self) -> tuple[int, int]:
        pairs = [self.counts(kind) for kind in COUNTED_KINDS]
        return sum(c for c, _ in pairs), sum(t for _, t in pairs)


def coverage_items(journey: Journey, world: World) -> list[CoverageItem]:
    """Everything in ``journey`` a scenario can exercise, in file order."""
    items: list[CoverageItem] = []
    for i, step in enumerate(journey.steps):
        where = f"/steps/{i}"
        items.append(CoverageItem("steps", ("step", step.id), step.id, where))
        if isinstance(step, ConditionalBranchStep):
            for r, _ in enumerate(step.rules):
                key = ("rule", step.id, str(r))
                items.append(
                    CoverageItem("branches", key, f"{step.id} rule {r}", f"{where}/rules/{r}")
                )
            key, label = ("default", step.id), f"{step.id} default path"
            items.append(CoverageItem("branches", key, label, f"{where}/defaultNext"))
        elif isinstance(step, AdaptiveBranchStep):
            for a, arm in enumerate(step.arms):
                key, label = ("arm", step.id, arm.arm_id), f"{step.id} arm {arm.arm_id}"
                items.append(CoverageItem("branches", key, label, f"{where}/arms/{a}"))
        elif isinstance(step, WaitStep) and step.until_event is not None:
            for outcome in ("event", "timeout"):
                key, label = ("wait", step.id, outcome), f"{step.id} resumed by {outcome}"
                items.append(CoverageItem("waits", key, label, f"{where}/untilEvent"))
    items.extend(_gate_items(journey, world))
    return items


def _gate_items(journey: Journey, world: World) -> list[CoverageItem]:
    workspace = world.workspace
    gates: list[tuple[Gate, str]] = []
    if journey.audience_id:
        gates.append((Gate.AUDIENCE, "/audienceId"))
    if workspace.holdout_pct > 0:
        gates.append((Gate.HOLDOUT, ""))
    sends = [(i, s) for i, s in enumerate(journey.steps) if s.type == "send"]
    if sends:
        first = f"/steps/{sends[0][0]}"
        gates += [(Gate.SUPPRESSION, first), (Gate.OPT_OUT, first)]
        emails = [i for i, s in sends if _channel(s, world) == "email"]
        if emails:
            gates.append((Gate.RECIPIENT, f"/steps/{emails[0]}"))
        settings = (
            (Gate.QUIET_HOURS, workspace.quiet_hours),
            (Gate.DAILY_CAP, workspace.daily_cap),
            (Gate.FREQUENCY_CAP, workspace.frequency_cap),
        )
        gates += [(gate, first) for gate, setting in settings if setting is not None]
    items = []
    for gate, where in gates:
        for outcome in ("passed", _FAILURE[gate].value):
            label = f"{gate.value}: {outcome}"
            items.append(CoverageItem("gates", ("gate", gate.value, outcome), label, where))
    return items


def _channel(step: object, world: World) -> str | None:
    channel = getattr(step, "channel", None)
    if channel is not None:
        return channel.value
    communication = world.communications.get(getattr(step, "communication_id", ""))
    return communication.channels[0].value if communication else None


def exercised(trace: Trace) -> set[tuple[str, ...]]:
    """The keys of every coverage item one trace exercised."""
    keys: set[tuple[str, ...]] = {_gate_key(gate) for gate in trace.entry.gates}
    for record in trace.steps:
        keys.add(("step", record.step_id))
        branch = record.branch
        if branch is not None and branch.mode == "conditional":
            if branch.rule_index is None:
                keys.add(("default", record.step_id))
            else:
                keys.add(("rule", record.step_id, str(branch.rule_index)))
        elif branch is not None and branch.chosen_arm_id is not None:
            keys.add(("arm", record.step_id, branch.chosen_arm_id))
        if record.wait is not None and record.wait.kind == "until_event":
            keys.add(("wait", record.step_id, record.wait.resumed_by))
        keys.update(_gate_key(gate) for gate in record.gates or ())
    return keys


def _gate_key(gate: TraceGate) -> tuple[str, ...]:
    if gate.passed:
        return ("gate", gate.gate.value, "passed")
    reason = gate.reason or _FAILURE.get(gate.gate)
    return ("gate", gate.gate.value, reason.value if reason else "failed")


def journey_coverage(
    journey: Journey, world: World, traces: Iterable[Trace], *, file: str = ""
) -> JourneyCoverage:
    """Coverage of ``journey`` (of the file ``file``) by the traces (those of other
    journeys are ignored). A trace names its journey by id only: give the traces of
    the journey's own project, as two projects may each have a journey of that id."""
    covered: set[tuple[str, ...]] = set()
    cases = 0
    for trace in traces:
        if trace.journey_id == journey.id:
            cases += 1
            covered |= exercised(trace)
    items = tuple(coverage_items(journey, world))
    return JourneyCoverage(journey.id, items, frozenset(covered), cases, file)
