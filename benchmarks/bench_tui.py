"""Benchmark: the TUI paints fast, and shows a long trace fast.

Run ``python benchmarks/bench_tui.py``. Headless (Textual's ``run_test``), best of N:

* **first paint of the journeys table** (the app over the bundled ``acme`` project,
  from ``run_test`` entering until the table has its rows and the screen has been
  drawn), against a *floor* measured in the same run: an empty Textual app's first
  paint. Target: within 1 s and within 3x of the floor.
* **a 1,000-step journey's trace shown** (``simulator.strategies.journey_of_size``):
  from pressing ``r`` on the dry-run screen until the timeline holds every row and the
  screen has been redrawn, dry-run included. Target: within 0.5 s.

Exits 1 when a target is missed. The project is loaded before timing starts (the
CLI loads it before the app starts too).
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App
from textual.widgets import DataTable, Static

from simulator.engine import simulate, synthetic_subject
from simulator.errors import NotFoundError
from simulator.models import Journey
from simulator.paths import fixtures_dir
from simulator.strategies import journey_of_size, sample_world
from tui import (
    BackendInfo,
    DryRunRequest,
    JourneyDetail,
    JourneySummary,
    LocalBackend,
    create_app,
)
from tui.widgets import Timeline

RUNS = 7
PAINT_LIMIT_SECONDS = 1.0
PAINT_LIMIT_RATIO = 3.0
TRACE_LIMIT_SECONDS = 0.5
SIZE = (120, 40)


class _Empty(App[None]):
    def compose(self):
        yield Static("")


class _OneJourney:
    """A backend holding one generated journey over the strategies' sample world."""

    def __init__(self, steps: int) -> None:
        self.world = sample_world()
        self.model = Journey.model_validate(journey_of_size(steps, self.world))
        self.summary = JourneySummary(self.model.id, self.model.name, "draft", None, steps, 0, 0)

    def info(self) -> BackendInfo:
        return BackendInfo("ws-sample", "Sample", "generated")

    def journeys(self) -> list[JourneySummary]:
        return [self.summary]

    def journey(self, journey_id: str) -> JourneyDetail:
        if journey_id != self.model.id:
            raise NotFoundError(journey_id)
        return JourneyDetail(self.summary, self.model)

    def subjects(self):
        return []

    def simulate(self, request: DryRunRequest):
        subject = synthetic_subject({"firstName": "Bench", "plan": "pro", **request.attributes})
        return simulate(self.model, subject, world=self.world, overrides=request.overrides)


async def _first_paint(make) -> float:
    app = make()
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # a full refresh: the screen has been drawn at least once
        while not _painted(app):
            await pilot.pause()
        elapsed = time.perf_counter() - start
    return elapsed


def _painted(app: App) -> bool:
    tables = app.screen.query(DataTable)
    return (not tables or tables.first().row_count > 0) and app.screen.is_mounted


async def _trace_shown(backend: _OneJourney) -> tuple[float, int]:
    request = DryRunRequest(backend.model.id, attributes={"plan": "pro"})
    app = create_app(backend, request=request, blink=False)
    async with app.run_test(size=SIZE) as pilot:
        while not (app.link_followed and getattr(app.screen, "history", None)):
            await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        start = time.perf_counter()
        await pilot.press("r")
        await pilot.pause()
        elapsed = time.perf_counter() - start
        return elapsed, timeline.row_count


def _best(samples: list[float]) -> float:
    return min(samples)


def main() -> int:
    acme = LocalBackend(fixtures_dir() / "acme")
    long = _OneJourney(1_000)
    floors, paints, traces = [], [], []
    rows = 0
    for _ in range(RUNS):
        gc.collect()
        floors.append(asyncio.run(_first_paint(_Empty)))
        paints.append(asyncio.run(_first_paint(lambda: create_app(acme, blink=False))))
        elapsed, rows = asyncio.run(_trace_shown(long))
        traces.append(elapsed)
    floor, paint, trace = _best(floors), _best(paints), _best(traces)
    ratio = paint / floor
    print(f"empty Textual app, first paint (floor): {floor * 1000:7.1f} ms")
    print(
        f"journeys table, first paint:            {paint * 1000:7.1f} ms  "
        f"({ratio:.2f}x the floor; median {statistics.median(paints) * 1000:.1f} ms)"
    )
    print(
        f"1,000-step journey, trace shown:        {trace * 1000:7.1f} ms  "
        f"({rows} timeline rows; median {statistics.median(traces) * 1000:.1f} ms)"
    )
    ok = paint <= PAINT_LIMIT_SECONDS and ratio <= PAINT_LIMIT_RATIO
    ok = ok and trace <= TRACE_LIMIT_SECONDS
    if not ok:
        print(
            f"FAIL: targets are first paint <= {PAINT_LIMIT_SECONDS} s and <= "
            f"{PAINT_LIMIT_RATIO}x the floor, trace <= {TRACE_LIMIT_SECONDS} s"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
