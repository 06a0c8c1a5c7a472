"""Journey-test throughput: cases per second against the dry-run alone (the floor).

    python benchmarks/bench_scenarios.py [--rounds 7] [--seconds 1]

Runs every case of ``fixtures/acme/tests`` (29 cases over the five starter journeys)
two ways, in alternating rounds on one core (CPU time):

* **floor**: the dry-run alone for the same inputs (``simulate`` with each case's
  journey, subject, start, seed, overrides and arm statistics);
* **cases**: what ``journeysim test`` does per case after loading: the same dry-run,
  then every expectation checked and the snapshot compared (the golden text is read
  once beforehand, so file I/O is not measured).

Each figure is the best round. The ratio cases-time ÷ floor-time is the cost of
checking; target: at most 1.20 (checking costs at most 20 % over the dry-run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.journeytests import load_suite, run_case, simulate_case
from simulator.paths import fixtures_dir

TARGET = 1.20


def per_second(work, cases, seconds: float) -> float:
    """Cases per second of ``work`` over all ``cases``, repeated for about ``seconds``."""
    count, started = 0, time.process_time()
    while True:
        for case in cases:
            work(case)
        count += len(cases)
        elapsed = time.process_time() - started
        if elapsed >= seconds:
            return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    suite = load_suite([fixtures_dir() / "acme" / "tests"])
    cases = list(suite.cases)
    golden = {
        case.id: case.snapshot.read_text(encoding="utf-8")
        for case in cases
        if case.snapshot is not None and case.snapshot.is_file()
    }
    for case in cases:  # warm caches; and the bench measures passing cases only
        assert run_case(case, golden.get(case.id)).passed, case.id

    def checked(case) -> None:
        run_case(case, golden.get(case.id))

    floor = full = 0.0
    for _ in range(args.rounds):
        floor = max(floor, per_second(simulate_case, cases, args.seconds))
        full = max(full, per_second(checked, cases, args.seconds))
    ratio = floor / full
    print(f"{len(cases)} cases of fixtures/acme/tests, best of {args.rounds} rounds, one core")
    print(f"{'dry-run alone (floor)':28} {floor:>9,.0f} cases/s")
    print(f"{'dry-run + checks':28} {full:>9,.0f} cases/s")
    print(f"ratio (time with checks / floor): {ratio:.3f}")
    ok = ratio <= TARGET
    print(f"target: <= {TARGET:.2f}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
