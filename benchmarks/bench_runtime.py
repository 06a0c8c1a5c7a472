"""Runtime latency and throughput on moto in-process, against bare boto3 floors.

    python benchmarks/bench_runtime.py [--subjects 1000] [--samples 200]

* **start-execution**: p50/p95 of ``Runtime.start_execution`` for a fresh subject and
  event on Expansion Nudge, against a floor of the bare calls one start makes on the
  same moto: ``StartExecution``, one ``BatchWriteItem`` of its eight items across five
  tables (the runtime's tables are mirrored in memory, so it reads none:
  :mod:`simulator.runtime.kv`), and the audit's reserve and append (two ``UpdateItem``).
* **dispatch**: p50/p95 of one step (``Runtime.dispatch``, a send), against the floor of
  its bare calls: one ``BatchWriteItem`` of its five items (execution, wake-up, outbox
  message, two counters) and the audit's two ``UpdateItem``. Target: p50 within 3x.
* **population**: the bundled scenario (``fixtures/scenarios``) with ``--subjects``
  subjects run to completion through ``run_scenario`` (project load, population
  generation, triggers, 30 virtual days): wall time and dispatches/s. Target: 1,000
  subjects in under 60 s on this project's 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.backend.records import AuditEntry
from simulator.backend.service import Backend
from simulator.engine.fitting import fitted_subject
from simulator.paths import fixtures_dir
from simulator.project import load_project
from simulator.runtime.runtime import InboundEvent
from simulator.runtime.scenario import load_scenario, run_scenario

T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)
DISPATCH_TARGET = 3.0
POPULATION_TARGET_S = 60.0
START_ITEMS = (
    *("executions", "wakeups", "subjects", "subjects"),
    *("triggers", "triggers", "counters", "counters"),
)
DISPATCH_ITEMS = ("executions", "wakeups", "outbox", "counters", "counters")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def timed(work, n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``work(i)`` for ``i < n`` (CPU time does not count
    the waits for a core, so it holds on a machine shared with other jobs)."""
    wall, cpu = [], []
    for i in range(n):
        started, on_cpu = time.perf_counter(), time.process_time()
        work(i)
        cpu.append((time.process_time() - on_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    backend = Backend.start()
    project = load_project(fixtures_dir() / "acme")
    journey = project.journeys["expansion-nudge-2026"]
    people = {  # subjects in the journey's audience, so every start starts one
        f"bench_{i}": fitted_subject(journey, project.world, i, T0).model_copy(
            update={"end_user_id": f"bench_{i}"}
        )
        for i in range(args.samples)
    }
    world = replace(project.world, subjects={**project.world.subjects, **people})
    backend.load_project(replace(project, world=world), publish=True)
    runtime = backend.runtime
    runtime.ensure()
    db = backend.store.db
    sfn = backend.store.session.client("stepfunctions")
    machine = runtime.sfn.ensure_dispatcher()
    properties = {"signal": "seats", "usagePct": 92}

    def start(i: int) -> None:
        event = InboundEvent(
            f"bench-{i}",
            "usage.upgrade_signal",
            T0,
            {**properties, "endUserId": f"bench_{i}"},
        )
        runtime.start_execution("acme", event)

    store = backend.store
    store._call(  # a journey item for the floor's audit reservations, in its own workspace
        "put_item",
        TableName=store.journeys_table,
        Item={"ws": {"S": "floor"}, "id": {"S": "floor"}, "auditSeq": {"N": "0"}},
    )

    def floor_writes(i: int, kinds: tuple[str, ...]) -> None:
        requests: dict[str, list] = {}
        for n, kind in enumerate(kinds):
            item = {"pk": {"S": f"floor#{i}"}, "sk": {"S": f"{n}"}, "b": {"S": "{}"}}
            requests.setdefault(runtime.tables[kind].name, []).append(
                {"PutRequest": {"Item": item}}
            )
        db.batch_write_item(RequestItems=requests)
        seq, _ = store.reserve_audit("floor", "floor", 1)
        store.append_audit("floor", "floor", [AuditEntry(seq, "t", "system", "floor", {})])

    def start_floor(i: int) -> None:
        sfn.start_execution(stateMachineArn=machine, name=f"floor-{i}", input="{}")
        floor_writes(i, START_ITEMS)

    starts = timed(start, args.samples)
    start_floors = timed(start_floor, args.samples)

    names = [
        (row["executionArn"].rsplit(":", 1)[1])
        for row in runtime.executions("acme", "expansion-nudge-2026", limit=10**6)
    ]

    def dispatch(i: int) -> None:
        runtime.dispatch("acme", "expansion-nudge-2026", names[i % len(names)])

    def dispatch_floor(i: int) -> None:
        floor_writes(10**6 + i, DISPATCH_ITEMS)

    dispatches = timed(dispatch, min(args.samples, len(names)))
    dispatch_floors = timed(dispatch_floor, min(args.samples, len(names)))
    backend.close()

    print(
        f"{'operation':18} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'ratio':>7}"
        f" {'cpu p50':>8} {'floor cpu':>10} {'ratio':>7}"
    )
    ok = True
    for label, (samples, cpu), (floor, floor_cpu) in (
        ("start-execution", starts, start_floors),
        ("dispatch", dispatches, dispatch_floors),
    ):
        p50, p95 = percentiles(samples)
        f50, _ = percentiles(floor)
        c50, fc50 = percentiles(cpu)[0], percentiles(floor_cpu)[0]
        print(
            f"{label:18} {p50:>8.2f} {p95:>8.2f} {f50:>10.2f} {p50 / f50:>7.2f}"
            f" {c50:>8.2f} {fc50:>10.2f} {c50 / fc50:>7.2f}"
        )
        if label == "dispatch" and p50 / f50 > DISPATCH_TARGET:
            ok = False
    print(
        f"target: dispatch p50 within {DISPATCH_TARGET}x of its floor: {'met' if ok else 'NOT met'}"
    )

    scenario, project = load_scenario(
        fixtures_dir() / "scenarios" / "expansion-nudge.scenario.yaml"
    )
    scenario = scenario.model_copy(update={"population": args.subjects})
    started, cpu = time.perf_counter(), time.process_time()
    report = run_scenario(scenario, project)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"population run: {args.subjects} subjects, {report.dispatches} dispatches in "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU ({report.dispatches / wall:,.0f} dispatches/s)"
    )
    met = wall < POPULATION_TARGET_S or args.subjects != 1000
    print(
        f"target: 1,000 subjects under {POPULATION_TARGET_S:.0f} s: {'met' if met else 'NOT met'}"
    )
    return 0 if ok and met else 1


if __name__ == "__main__":
    raise SystemExit(main())
