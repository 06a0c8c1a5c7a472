"""Benchmark: validating journey files as ``journeysim validate FILE`` does, against a floor.

    python benchmarks/bench_validate.py [--quick]

It writes a project (the ``sample_world`` documents) with generated journeys
(``simulator.strategies.journey_of_size``) of 1,000, 10,000 and 50,000 steps, indented
as people write them, and times, best of N:

* **file**: what the command does after start-up: load the file and what it refers
  to, validate, render the text report (``simulator.cli.validate.run`` + ``render``);
* **floor**: reading the file, ``json.loads`` and the bare networkx work: building the
  same DiGraph (nodes, edges with their pointer and label), resolving every reference
  with dict lookups and checking it is acyclic, nothing else (issue 9's floor; the
  validator itself no longer imports networkx, see ``simulator.validation.digraph``);
* **in-memory**: ``validate(dict)`` on the already parsed journey (the figure this
  script used to report), for comparison.

Then, as whole processes (the installed ``journeysim``): a dense (no whitespace) JSON
journey of about 30 MB, with its wall time and peak memory; and ``validate`` and
``simulate`` of one journey of a copy of ``fixtures/acme`` alone and beside broken
siblings in ``journeys/`` (a 30 MB journey, a dangling symlink and, when not run as
root, a file nobody may read), with their exit codes.

Targets (issue 9): file within 3x of the floor at 10,000 and 50,000 steps; the
30 MB journey in under 10 s and 1 GB; the siblings change neither time (within
noise) nor exit code. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx

from simulator.cli.common import without_cycle_collector
from simulator.cli.validate import run
from simulator.reporting import ReportFormat, render
from simulator.strategies import journey_of_size, sample_world
from simulator.validation import ValidationContext, validate

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 50_000)
LIMIT_RATIO = 3.0
DENSE_BYTES = 30_000_000
DENSE_SECONDS = 10.0
DENSE_BYTES_RSS = 1024**3
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def floor(journey: dict[str, Any]) -> nx.DiGraph:
    """The least any graph validator must do: index, link, resolve, check acyclicity."""
    steps = journey["steps"]
    index = {step["id"]: position for position, step in enumerate(steps)}
    edges = []
    for position, step in enumerate(steps):
        source = step["id"]
        for key in ("next", "defaultNext"):
            target = step.get(key)
            if target is not None:
                index[target]
                pointer = f"/steps/{position}/{key}"
                edges.append((source, target, {"pointer": pointer, "label": key}))
        for key in ("rules", "arms"):
            for k, item in enumerate(step.get(key, ())):
                index[item["next"]]
                label = f"{key}[{k}].next"
                pointer = f"/steps/{position}/{key}/{k}/next"
                edges.append((source, item["next"], {"pointer": pointer, "label": label}))
        until_event = step.get("untilEvent")
        if until_event is not None:
            index[until_event["timeoutNext"]]
            pointer = f"/steps/{position}/untilEvent/timeoutNext"
            edges.append((source, until_event["timeoutNext"], {"pointer": pointer, "label": "t"}))
    graph = nx.DiGraph()
    graph.add_nodes_from(index)
    graph.add_edges_from(edges)
    if not nx.is_directed_acyclic_graph(graph):
        raise AssertionError("the benchmark journey must be acyclic")
    return graph


def best_of(actions: Sequence[Callable[[], Any]], repeat: int) -> list[float]:
    """Best wall time of each action over ``repeat`` rounds; the actions take turns
    within each round, so a busy machine slows all of them alike. The garbage collector
    stays on (users pay for it); a full collection before each run keeps one run's
    leftovers from landing on the next."""
    best = [float("inf")] * len(actions)
    for _ in range(repeat):
        for position, action in enumerate(actions):
            gc.collect()
            started = time.perf_counter()
            action()
            best[position] = min(best[position], time.perf_counter() - started)
    return best


def write_project(folder: Path) -> None:
    """The documents of ``sample_world()`` as a project folder."""
    world = sample_world()
    documents = {"workspace.json": world.workspace}
    for kind, folder_name in (
        ("communications", "communications"),
        ("segments", "segments"),
        ("trigger_contracts", "triggers"),
    ):
        for document_id, model in getattr(world, kind).items():
            documents[f"{folder_name}/{document_id}.json"] = model
    for name, model in documents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(model.to_wire(), indent=2) + "\n", encoding="utf-8")
    (folder / "journeys").mkdir(exist_ok=True)


def write_journey(folder: Path, size: int, *, dense: bool = False) -> Path:
    journey = journey_of_size(size, sample_world())
    path = folder / "journeys" / f"{journey['id']}{'-dense' if dense else ''}.json"
    text = json.dumps(journey, separators=(",", ":")) if dense else json.dumps(journey, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def validate_file(path: Path) -> str:
    """What ``journeysim validate PATH`` does after start-up (the cycle collector off
    while it loads and validates, as the command has it)."""
    with without_cycle_collector():
        report, *_ = run([path], strict=False, now=NOW)
    if not report.ok or report.findings:
        raise AssertionError(f"unexpected findings: {report.findings[:3]}")
    return render(report, ReportFormat.TEXT)


def parse_floor(path: Path) -> None:
    floor(json.loads(path.read_bytes().decode("utf-8")))


def in_process(folder: Path, quick: bool) -> bool:
    context = ValidationContext(world=sample_world(), now=NOW)
    print(f"{'steps':>7} {'MB':>6} {'file':>10} {'floor':>10} {'ratio':>6} {'in-memory':>10}")
    ok = True
    for size in SIZES[:2] if quick else SIZES:
        path = write_journey(folder, size)
        journey = json.loads(path.read_text(encoding="utf-8"))
        repeat = {1_000: 20, 10_000: 10, 50_000: 4}[size]
        actions = [
            lambda p=path: validate_file(p),
            lambda p=path: parse_floor(p),
            lambda j=journey: validate(j, context),
        ]
        best_of(actions, 1)  # warm-up: caches, allocator arenas
        took, base, memory = best_of(actions, repeat)
        ratio = took / base
        megabytes = path.stat().st_size / 1e6
        print(
            f"{size:>7} {megabytes:>6.1f} {took * 1000:>8.1f}ms {base * 1000:>8.1f}ms "
            f"{ratio:>5.2f}x {memory * 1000:>8.1f}ms"
        )
        if size >= 10_000:
            ok &= ratio <= LIMIT_RATIO
            verdict = "yes" if ratio <= LIMIT_RATIO else "NO"
            print(f"  {size:,} steps within {LIMIT_RATIO:g}x of the floor: {verdict}")
        path.unlink()
    return ok


def journeysim() -> list[str]:
    script = Path(sys.executable).with_name("journeysim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator.cli"]


def process(args: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak resident bytes and exit code of one ``journeysim`` process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    child = subprocess.Popen(
        [*journeysim(), *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    return took, usage.ru_maxrss * 1024, child.returncode


def dense(folder: Path) -> tuple[bool, Path]:
    size = int(DENSE_BYTES / 123)  # a dense step is about 123 bytes
    path = write_journey(folder, size, dense=True)
    took, peak, code = process(["validate", str(path)], folder)
    megabytes = path.stat().st_size / 1e6
    met = took < DENSE_SECONDS and peak < DENSE_BYTES_RSS and code == 0
    print(
        f"dense {megabytes:.1f} MB journey ({size:,} steps) through the CLI: {took:.2f} s, "
        f"peak {peak / 1e6:.0f} MB, exit {code}; under {DENSE_SECONDS:g} s and 1 GB: "
        f"{'yes' if met else 'NO'}"
    )
    return met, path


def siblings(folder: Path, big: Path, rounds: int) -> bool:
    alone, crowded = folder / "alone", folder / "crowded"
    for project in (alone, crowded):
        shutil.copytree(ROOT / "fixtures" / "acme", project)
    journeys = crowded / "journeys"
    shutil.copy(big, journeys / "zz-huge.json")
    (journeys / "gone.json").symlink_to(journeys / "nowhere.json")
    locked = journeys / "locked.json"
    locked.write_text("{}")
    locked.chmod(0)
    note = " (run as root: the unreadable file is readable)" if os.geteuid() == 0 else ""
    commands = {
        "validate": ["validate", "journeys/act-onb-2026.json"],
        "simulate": ["simulate", "journeys/act-onb-2026.json", "--subject-id", "usr_plain_ana"],
    }
    ok = True
    print(f"one journey of fixtures/acme, alone and beside broken siblings{note}:")
    for name, args in commands.items():
        best = {}
        for project in (alone, crowded):
            runs = [process(args, project) for _ in range(rounds)]
            best[project] = (min(r[0] for r in runs), {r[2] for r in runs})
        (solo, solo_codes), (beside, beside_codes) = best[alone], best[crowded]
        same = solo_codes == beside_codes and beside < solo * 1.25 + 0.05
        ok &= same
        print(
            f"  {name}: alone {solo * 1000:.0f} ms exit {sorted(solo_codes)}, beside them "
            f"{beside * 1000:.0f} ms exit {sorted(beside_codes)}: {'same' if same else 'NOT SAME'}"
        )
    locked.chmod(0o644)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 50,000 steps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as temporary:
        folder = Path(temporary)
        write_project(folder)
        ok = in_process(folder, args.quick)
        met, big = dense(folder)
        ok &= met
        ok &= siblings(folder, big, rounds=3 if args.quick else 5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
