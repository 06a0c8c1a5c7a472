"""The contract between the two drivers: for every golden case the runtime can play
(a project subject, no overrides, no given arm stats), one dispatch per step on the
runtime gives the same steps, decisions, reasons, arms and masked messages as the
dry-run. Scripted future events are posted to the runtime at their times.

Cases with overrides (the runtime has none), given arm stats (the runtime's come from
its own counters) or a subject file (not a workspace subject) are the dry-run's alone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from simulator.backend.service import Backend
from simulator.engine.dryrun import DEFAULT_START, dry_run_env, simulate
from simulator.engine.golden import case_arguments, load_cases
from simulator.paths import fixtures_dir
from simulator.project import load_project
from simulator.runtime.runtime import InboundEvent

PROJECT, CASES = load_cases()
PLAYABLE = [c for c in CASES if c.subject and not c.overrides and not c.arm_stats and not c.at]
SAME_DAY = timedelta(days=1)
"""The runtime's trigger is the event as it arrives, now; a dry-run whose subject fired
the trigger long before the start (``not-eligible``: a sign-up in January) asks
another question, so only cases whose trigger is within a day of the start compare."""


@pytest.fixture(scope="module")
def project():
    return load_project(fixtures_dir() / PROJECT)


def _decisions(steps: list[dict]) -> list[tuple]:
    return [
        (
            s["stepId"],
            s["decision"],
            s.get("reason"),
            (s.get("branch") or {}).get("chosenArmId"),
            (s.get("send") or {}).get("rendered"),
            (s.get("wait") or {}).get("resumedBy"),
        )
        for s in steps
    ]


@pytest.mark.parametrize("case", PLAYABLE, ids=[case.id for case in PLAYABLE])
def test_one_dispatch_per_step_decides_what_the_dry_run_decides(case, project):
    arguments = case_arguments(case, project)
    trace = simulate(**arguments)
    if trace.trigger.at is None or DEFAULT_START - trace.trigger.at > SAME_DAY:
        pytest.skip("the dry-run's trigger fired long before its start")
    journey, subject, world = arguments["journey"], arguments["subject"], arguments["world"]
    env = dry_run_env(journey, subject, world, frozenset(), DEFAULT_START)
    backend = Backend.start()
    try:
        backend.load_project(project, publish=True)
        runtime = backend.runtime
        runtime.ensure()
        ran: list[dict] = []
        runtime.listeners.append(
            lambda r: (
                ran.append(r.step) if r.step and r.execution_name.startswith(journey.id) else None
            )
        )
        properties = {**env.trigger.properties, "endUserId": subject.end_user_id}
        contract = world.trigger_contracts[journey.trigger_contract_id]
        event = InboundEvent("evt-contract", contract.event_name, DEFAULT_START, properties)
        answer = runtime.start_execution(world.workspace.id, event).to_wire()
        if trace.entry.decision.value != "entered":
            assert not [s for s in answer["started"] if s["journeyId"] == journey.id]
            return
        later = [e for e in env.subject.events if e.at > DEFAULT_START]
        for future in sorted(later, key=lambda e: e.at):
            runtime.advance_clock(future.at)
            posted = InboundEvent(
                f"f-{future.name}-{future.at.timestamp()}",
                future.name,
                future.at,
                future.properties,
            )
            runtime.post_event(world.workspace.id, posted, subject.end_user_id)
        runtime.advance_clock(datetime.fromisoformat("2026-09-01T00:00:00+00:00"))
        resumed = runtime.executions(world.workspace.id, journey.id)
        assert resumed and resumed[0]["status"] == "SUCCEEDED"
    finally:
        backend.close()
    expected = [s.to_wire() for s in trace.steps]
    assert _decisions(ran) == _decisions(expected)
