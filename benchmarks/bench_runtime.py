"""Runtime latency and throughput on moto in-process, against bare boto3 floors.

    python benchmarks/bench_runtime.py [--subjects 1000] [--samples 200]

* **start-execution**: p50/p95 of ``Runtime.start_execution`` for a fresh subject and
  event on Expansion Nudge, against a floor of the bare calls one start needs on the
  same moto (the idempotency read, ``StartExecution``, the execution's put-if-absent,
  its wake-up put).
* **dispatch**: p50/p95 of one step (``Runtime.dispatch``), against the floor of its
  bare calls (the execution read, its write, the wake-up write). Target: p50 within 3x.
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

from simulator.api.backend import Backend
from simulator.engine.fitting import fitted_subject
from simulator.paths import fixtures_dir
from simulator.project import load_project
from simulator.runtime.runtime import InboundEvent, Runtime
from simulator.runtime.scenario import load_scenario, run_scenario

T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)
DISPATCH_TARGET = 3.0
POPULATION_TARGET_S = 60.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def timed(work, n: int) -> list[float]:
    out = []
    for i in range(n):
        started = time.perf_counter()
        work(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


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
    runtime = Runtime(backend)
    runtime.ensure()
    db = backend.store.db
    sfn = backend.store.session.client("stepfunctions")
    machine = runtime.sfn.ensure_dispatcher()
    table = runtime.tables["executions"].name
    wakeups = runtime.tables["wakeups"].name
    properties = {"signal": "seats", "usagePct": 92}

    def start(i: int) -> None:
        event = InboundEvent(
            f"bench-{i}",
            "usage.upgrade_signal",
            T0,
            {**properties, "endUserId": f"bench_{i}"},
        )
        runtime.start_execution("acme", event)

    def start_floor(i: int) -> None:
        key = {"pk": {"S": "acme"}, "sk": {"S": f"floor#{i}"}}
        db.get_item(TableName=runtime.tables["triggers"].name, Key=key)
        sfn.start_execution(stateMachineArn=machine, name=f"floor-{i}", input="{}")
        item = {**key, "b": {"S": "{}"}}
        db.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        db.put_item(TableName=wakeups, Item=item)

    starts = timed(start, args.samples)
    start_floors = timed(start_floor, args.samples)

    names = [
        (row["executionArn"].rsplit(":", 1)[1])
        for row in runtime.executions("acme", "expansion-nudge-2026", limit=10**6)
    ]

    def dispatch(i: int) -> None:
        runtime.dispatch("acme", "expansion-nudge-2026", names[i % len(names)])

    def dispatch_floor(i: int) -> None:
        key = {"pk": {"S": "acme#expansion-nudge-2026"}, "sk": {"S": names[i % len(names)]}}
        item = db.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
        db.put_item(TableName=table, Item=item)
        db.put_item(TableName=wakeups, Item={"pk": {"S": "due"}, "sk": {"S": f"floor{i}"}})

    dispatches = timed(dispatch, min(args.samples, len(names)))
    dispatch_floors = timed(dispatch_floor, min(args.samples, len(names)))
    backend.close()

    print(f"{'operation':18} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'ratio':>7}")
    ok = True
    for label, samples, floor in (
        ("start-execution", starts, start_floors),
        ("dispatch", dispatches, dispatch_floors),
    ):
        p50, p95 = percentiles(samples)
        f50, _ = percentiles(floor)
        print(f"{label:18} {p50:>8.2f} {p95:>8.2f} {f50:>10.2f} {p50 / f50:>7.2f}")
        if label == "dispatch" and p50 / f50 > DISPATCH_TARGET:
            ok = False
    print(
        f"target: dispatch p50 within {DISPATCH_TARGET}x of its floor: {'met' if ok else 'NOT met'}"
    )

    scenario, project = load_scenario(
        fixtures_dir() / "scenarios" / "expansion-nudge.scenario.yaml"
    )
    scenario = scenario.model_copy(update={"population": args.subjects})
    started = time.perf_counter()
    report = run_scenario(scenario, project)
    wall = time.perf_counter() - started
    print(
        f"population run: {args.subjects} subjects, {report.dispatches} dispatches in "
        f"{wall:.1f} s ({report.dispatches / wall:,.0f} dispatches/s)"
    )
    met = wall < POPULATION_TARGET_S or args.subjects != 1000
    print(
        f"target: 1,000 subjects under {POPULATION_TARGET_S:.0f} s: {'met' if met else 'NOT met'}"
    )
    return 0 if ok and met else 1


if __name__ == "__main__":
    raise SystemExit(main())
