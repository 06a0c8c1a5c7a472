"""Benchmark: the TUI starts fast in a terminal, paints fast, and shows a long trace fast.

Run ``python benchmarks/bench_tui.py`` (with ``PYTHONDONTWRITEBYTECODE`` unset, so the
start-ups read bytecode caches as a user's do). Best and median of N runs:

* **start-up in a terminal**: ``journeysim tui`` (``python -m simulator.cli tui`` on the
  bundled fixtures) in a pseudo-terminal of 120x40, from spawning the process until the
  journeys table's last row has been written to the terminal; against a *floor*
  measured the same way in the same run: a Python process whose empty Textual app
  paints one word. This is what a user waits for: the interpreter, the imports, the
  project loaded and validated, and the first frame. Target: within 1 s and within
  3x of the floor.
* **first paint of the journeys table** in-process (Textual's ``run_test``, the project
  already loaded), from ``run_test`` entering until the table has its rows and the
  screen has been drawn, against an empty Textual app's first paint the same way.
  Target: within 1 s and within 3x of the floor.
* **a 1,000-step journey's trace shown** (``simulator.strategies.journey_of_size``) and
  **a 1,000-record trace shown** (a longer generated journey whose dry-run records
  1,000 steps or more): from pressing ``r`` on the dry-run screen until the timeline
  holds every row and the screen has been redrawn, dry-run included. Target: within
  0.5 s each.

Exits 1 when a target is missed; ``--runs N`` sets N (default 7).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual.app import App  # noqa: E402
from textual.widgets import DataTable, Static  # noqa: E402

from simulator.engine import simulate, synthetic_subject  # noqa: E402
from simulator.errors import NotFoundError  # noqa: E402
from simulator.models import Journey  # noqa: E402
from simulator.paths import fixtures_dir  # noqa: E402
from simulator.strategies import journey_of_size, sample_world  # noqa: E402
from tui import (  # noqa: E402
    BackendInfo,
    DryRunRequest,
    JourneyDetail,
    JourneySummary,
    LocalBackend,
    create_app,
)
from tui.widgets import Timeline  # noqa: E402

RUNS = 7
PAINT_LIMIT_SECONDS = 1.0
PAINT_LIMIT_RATIO = 3.0
TRACE_LIMIT_SECONDS = 0.5
TRACE_RECORDS = 1_000
SIZE = (120, 40)
ATTRIBUTES = {"plan": "free"}
"""Not ``pro``: the generated journeys' conditional branches then take their default
(the next step) rather than jumping ahead, so the trace is as long as it gets."""

_FLOOR_APP = """
from textual.app import App
from textual.widgets import Static

class Floor(App):
    BINDINGS = [("q", "quit")]

    def compose(self):
        yield Static("floor-painted")

Floor().run()
"""


# --- start-up in a terminal --------------------------------------------------------


def _started(command: list[str], painted: bytes) -> tuple[float, float]:
    """Seconds from spawning ``command`` in a 120x40 pseudo-terminal until ``painted``
    has been written to it, and the CPU seconds it had used by then; then ``q`` ends
    it (and it must exit 0)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TERM="xterm-256color", PYTHONPATH=str(REPO))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=child, stdout=child, stderr=child, env=env, cwd=REPO, close_fds=True
    )
    os.close(child)
    seen = b""
    try:
        while painted not in seen[-65536 - len(painted) :]:
            if not select.select([main], [], [], 30)[0]:
                raise SystemExit(f"{command} painted nothing in 30 s: {seen[-400:]!r}")
            seen += os.read(main, 65536)
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds(process.pid)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            os.write(main, b"q")  # again until it is gone: see tests/integration/test_cli_tui
            while select.select([main], [], [], 0.2)[0]:
                try:
                    os.read(main, 65536)
                except OSError:
                    break
        if process.wait(timeout=5) != 0:
            raise SystemExit(f"{command} exited {process.returncode}")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    return elapsed, cpu


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) ``pid`` has used so far, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_LIBRARIES = (
    "import time, textual.app, textual.widgets, pydantic, jinja2; print(time.process_time())"
)
"""What loading a project needs besides Textual (the models, the
templates): their imports' CPU time alone, for reading the start-up's ratio."""


def _libraries_cpu(runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-c", _LIBRARIES]
    return min(
        float(subprocess.run(command, capture_output=True, text=True, env=env).stdout)
        for _ in range(runs)
    )


def _startups(runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall-clock and CPU seconds of the floor's and the TUI's start-ups."""
    floor = [sys.executable, "-c", _FLOOR_APP]
    tui = [sys.executable, "-m", "simulator.cli", "tui"]
    _started(floor, b"floor-painted"), _started(tui, b"win-back-2026")  # caches warm
    floors, tuis, floor_cpus, tui_cpus = [], [], [], []
    for _ in range(runs):
        elapsed, cpu = _started(floor, b"floor-painted")
        floors.append(elapsed), floor_cpus.append(cpu)
        elapsed, cpu = _started(tui, b"win-back-2026")
        tuis.append(elapsed), tui_cpus.append(cpu)
    return floors, tuis, floor_cpus, tui_cpus


# --- in-process ----------------------------------------------------------------------


class _Empty(App[None]):
    def compose(self):
        yield Static("")


class _OneJourney:
    """A backend holding one generated journey over the strategies' sample world."""

    def __init__(self, steps: int) -> None:
        self.world = sample_world()
        self.model = Journey.model_validate(journey_of_size(steps, self.world))
        self.summary = JourneySummary(self.model.id, self.model.name, "draft", None, steps, 0, 0)

    @classmethod
    def with_records(cls, records: int) -> _OneJourney:
        """The smallest generated journey (in steps of 50) whose trace holds
        ``records`` records."""
        steps = records
        while True:
            backend = cls(steps)
            if len(backend.simulate(DryRunRequest(backend.model.id)).steps) >= records:
                return backend
            steps += 50

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
        attributes = {"firstName": "Bench", **ATTRIBUTES, **request.attributes}
        subject = synthetic_subject(attributes)
        return simulate(self.model, subject, world=self.world, overrides=request.overrides)


async def _first_paint(make) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the CPU time shows how much of a slow run was
    waiting for a core on a shared machine)."""
    app = make()
    start, cpu = time.perf_counter(), time.process_time()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # a full refresh: the screen has been drawn at least once
        while not _painted(app):
            await pilot.pause()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, cpu


def _painted(app: App) -> bool:
    tables = app.screen.query(DataTable)
    return (not tables or tables.first().row_count > 0) and app.screen.is_mounted


async def _trace_shown(backend: _OneJourney) -> tuple[float, float, int]:
    request = DryRunRequest(backend.model.id)
    app = create_app(backend, request=request, blink=False)
    async with app.run_test(size=SIZE) as pilot:
        while not (app.link_followed and getattr(app.screen, "history", None)):
            await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        start, cpu = time.perf_counter(), time.process_time()
        await pilot.press("r")
        await pilot.pause()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert timeline.row_count == 1 + len(app.screen.trace.steps)
        return elapsed, cpu, timeline.row_count


def _ms(samples: list[float]) -> str:
    return f"best {min(samples) * 1000:7.1f} ms, median {statistics.median(samples) * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    runs = parser.parse_args().runs
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set here; the start-ups run without it")
    start_floors, startups, start_floor_cpus, startup_cpus = _startups(runs)
    acme = LocalBackend(fixtures_dir() / "acme")
    long = _OneJourney(1_000)
    longest = _OneJourney.with_records(TRACE_RECORDS)
    gc.collect()
    gc.freeze()  # as journeysim tui does once the project is loaded
    floors, paints, traces, records = [], [], [], []
    cpus: dict[str, list[float]] = {"floor": [], "paint": [], "trace": [], "records": []}
    rows = longest_rows = 0
    for _ in range(runs):
        elapsed, cpu = asyncio.run(_first_paint(_Empty))
        floors.append(elapsed), cpus["floor"].append(cpu)
        elapsed, cpu = asyncio.run(_first_paint(lambda: create_app(acme, blink=False)))
        paints.append(elapsed), cpus["paint"].append(cpu)
        elapsed, cpu, rows = asyncio.run(_trace_shown(long))
        traces.append(elapsed), cpus["trace"].append(cpu)
        elapsed, cpu, longest_rows = asyncio.run(_trace_shown(longest))
        records.append(elapsed), cpus["records"].append(cpu)
    startup_ratio = min(startups) / min(start_floors)
    paint_ratio = min(paints) / min(floors)
    print(f"start-up in a terminal, empty Textual app (floor): {_ms(start_floors)}")
    print(
        f"start-up in a terminal, journeysim tui:            {_ms(startups)}"
        f"  ({startup_ratio:.2f}x the floor)"
    )
    print(f"first paint in-process, empty Textual app (floor): {_ms(floors)}")
    print(
        f"first paint in-process, journeys table:            {_ms(paints)}"
        f"  ({paint_ratio:.2f}x the floor)"
    )
    print(
        f"trace of the 1,000-step journey shown:             {_ms(traces)}  ({rows} timeline rows)"
    )
    print(
        f"trace of {TRACE_RECORDS:,} records shown ({longest.summary.steps:,}-step journey): "
        f"{_ms(records)}  ({longest_rows} timeline rows)"
    )
    print(
        f"CPU time, best, start-ups: floor {min(start_floor_cpus) * 1000:.0f} ms, "
        f"journeysim tui {min(startup_cpus) * 1000:.0f} ms "
        f"({min(startup_cpus) / min(start_floor_cpus):.2f}x; /proc, 10 ms ticks)"
    )
    print(
        f"CPU time, best, importing Textual, pydantic and jinja2 alone: "
        f"{_libraries_cpu(runs) * 1000:.0f} ms"
    )
    print(
        "CPU time, best (in-process): "
        + ", ".join(f"{name} {min(v) * 1000:.1f} ms" for name, v in cpus.items())
    )
    ok = min(startups) <= PAINT_LIMIT_SECONDS and startup_ratio <= PAINT_LIMIT_RATIO
    ok = ok and min(paints) <= PAINT_LIMIT_SECONDS and paint_ratio <= PAINT_LIMIT_RATIO
    ok = ok and max(min(traces), min(records)) <= TRACE_LIMIT_SECONDS
    if not ok:
        print(
            f"FAIL: targets are start-up and first paint <= {PAINT_LIMIT_SECONDS} s and <= "
            f"{PAINT_LIMIT_RATIO}x their floors, each trace <= {TRACE_LIMIT_SECONDS} s"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
