"""Benchmark: journey validation stays linear and close to the cost of the bare graph.

Run ``python benchmarks/bench_validate.py``. For journeys of 100, 1,000 and 10,000
steps (``simulator.strategies.journey_of_size``) it prints the best-of-N time of
``validate`` and its ratio to a *floor* measured in the same run: building the same
networkx DiGraph (nodes, edges with their pointer and label), checking it is acyclic
and resolving every reference with dict lookups, nothing else. Exits 1 unless the
10,000-step journey validates in under a second and within 3x of the floor.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx

from simulator.strategies import journey_of_size, sample_world
from simulator.validation import ValidationContext, validate

SIZES = (100, 1_000, 10_000)
LIMIT_SECONDS = 1.0
LIMIT_RATIO = 3.0


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
    """Best wall time of each action over ``repeat`` rounds.

    The actions take turns within each round, so a busy machine slows all of them
    alike and the ratio stays meaningful. The garbage collector stays on while timing
    (users pay for it), but a full collection before each run keeps one run's
    leftovers from landing on the next.
    """
    best = [float("inf")] * len(actions)
    for _ in range(repeat):
        for position, action in enumerate(actions):
            gc.collect()
            started = time.perf_counter()
            action()
            best[position] = min(best[position], time.perf_counter() - started)
    return best


def main() -> int:
    world = sample_world()
    context = ValidationContext(world=world)
    print(f"{'steps':>7} {'validate':>11} {'floor':>11} {'ratio':>6}  findings")
    results = {}
    for size in SIZES:
        journey = journey_of_size(size, world)
        findings = validate(journey, context)
        repeat = 40 if size < 10_000 else 30
        actions = [lambda j=journey: validate(j, context), lambda j=journey: floor(j)]
        best_of(actions, 2)  # warm-up: caches, allocator arenas
        took, base = best_of(actions, repeat)
        results[size] = (took, took / base)
        print(
            f"{size:>7} {took * 1000:>9.2f}ms {base * 1000:>9.2f}ms {took / base:>5.2f}x  "
            f"{len(findings)}"
        )
        if findings:
            print(f"unexpected findings on a valid journey: {findings[:3]}", file=sys.stderr)
            return 1
    took, ratio = results[SIZES[-1]]
    fast = took < LIMIT_SECONDS
    close = ratio <= LIMIT_RATIO
    print(f"10,000 steps under {LIMIT_SECONDS:.0f} s: {'yes' if fast else 'NO'} ({took:.3f} s)")
    print(
        f"10,000 steps within {LIMIT_RATIO:.0f}x of the floor: {'yes' if close else 'NO'} "
        f"({ratio:.2f}x)"
    )
    return 0 if fast and close else 1


if __name__ == "__main__":
    sys.exit(main())
