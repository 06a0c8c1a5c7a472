"""Run template payloads through ``journeysim simulate`` or the API dry-run, measured.

Not a test module: ``tests/integration/test_sandbox_budgets.py`` runs it in a fresh
interpreter, so one payload's memory cannot hide in another test's heap, and reads
the JSON it prints (one object per payload)::

    python budget_probe.py cli|api ROOT JOURNEY_ID...

The CLI runs ``ROOT/<id>/journeys/<id>.json`` (a project per payload, as a user would
have it); the API loads the project ``ROOT/all`` once, which holds every journey.

Each payload runs twice after a warm-up: once timed (compile cache cleared, so
compiling is paid), once under ``tracemalloc`` for the peak of Python allocations
above what was live before. ``maxrss_growth`` is how much the process's peak resident
size grew over all payloads (kilobytes), allocations outside Python included.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

SUBJECT = "usr_plain_ana"
"""A fixture subject that enters Activation Onboarding and gets its first send."""


def _measure(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    from simulator.engine.render import _compiled

    _compiled.cache_clear()
    started = time.perf_counter()
    trace = run()
    seconds = time.perf_counter() - started
    _compiled.cache_clear()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    run()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    first = trace["steps"][0] if trace.get("steps") else {}
    return {
        "seconds": seconds,
        "peak_bytes": peak,
        "first_step": first,
        "steps": [step["stepId"] for step in trace.get("steps", [])],
    }


def _cli(root: Path, first: str) -> Callable[[str], Callable[[], dict[str, Any]]]:
    from typer.testing import CliRunner

    from simulator.cli.app import _register, app

    _register()
    runner = CliRunner()

    def for_journey(journey_id: str) -> Callable[[], dict[str, Any]]:
        # The baseline (Activation Onboarding) runs in the first payload's project.
        project = root / (journey_id if (root / journey_id).is_dir() else first)
        path = str(project / "journeys" / f"{journey_id}.json")
        # Rendering is what is measured: payloads validation already refuses (a blocked
        # attribute is a template_syntax_error) are dry-run anyway, as an author can.
        args = ["simulate", path, "--subject-id", SUBJECT, "--format", "json", "--allow-invalid"]

        def run() -> dict[str, Any]:
            result = runner.invoke(app, args, catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(
                    f"simulate {journey_id} exited {result.exit_code}: {result.output}"
                )
            return json.loads(result.stdout)

        return run

    return for_journey


def _api(root: Path, stack: Any) -> Callable[[str], Callable[[], dict[str, Any]]]:
    from simulator.api.testing import api_client

    client = stack.enter_context(api_client(root / "all"))

    def for_journey(journey_id: str) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            response = client.post(
                f"/api/journeys/{journey_id}/simulate",
                json={"subjectId": SUBJECT},
                headers=client.auth("owner"),
            )
            if response.status_code != 200:
                raise SystemExit(f"simulate {journey_id}: {response.status_code} {response.text}")
            return response.json()

        return run

    return for_journey


def main(mode: str, root: Path, journey_ids: list[str]) -> None:
    from contextlib import ExitStack

    with ExitStack() as stack:
        runner = _cli(root, journey_ids[0]) if mode == "cli" else _api(root, stack)
        baseline = _measure(runner("act-onb-2026"))  # warm-up: imports, project, caches
        print(json.dumps({"journey": "act-onb-2026", **baseline}), flush=True)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for journey_id in journey_ids:
            print(json.dumps({"journey": journey_id, **_measure(runner(journey_id))}), flush=True)
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        print(json.dumps({"maxrss_growth": growth}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])
