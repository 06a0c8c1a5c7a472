"""Golden traces: the I/O shell that runs ``fixtures/traces/cases.json`` and compares or
rewrites the committed traces under ``fixtures/traces/<journeyId>/<name>.json``.

Regenerate after an intended change (only changed files are rewritten, stale ones
removed, so ``git diff`` shows exactly what changed)::

    python -m simulator.engine.golden --update

Without ``--update`` it checks and exits 1 when a trace differs (the golden test does
the same, case by case). A case names a journey of the project (``acme``) and a subject,
either by id (the project's ``subjects/``) or by a file under ``fixtures/traces/``, plus
optional ``overrides``, ``seed``, ``at`` and ``armStats``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.durations import parse_timestamp
from simulator.engine.bandit import ArmStats
from simulator.engine.dryrun import simulate
from simulator.models import Subject
from simulator.paths import fixtures_dir
from simulator.project import LoadedProject, load_project

__all__ = [
    "GoldenCase",
    "case_arguments",
    "golden_path",
    "load_cases",
    "main",
    "render_case",
    "traces_dir",
]


def traces_dir() -> Path:
    return fixtures_dir() / "traces"


@dataclass(frozen=True)
class GoldenCase:
    journey: str
    name: str
    subject: str | None = None
    subject_file: str | None = None
    overrides: tuple[str, ...] = ()
    seed: int | None = None
    at: str | None = None
    arm_stats: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def id(self) -> str:
        return f"{self.journey}/{self.name}"


def load_cases(root: Path | None = None) -> tuple[str, list[GoldenCase]]:
    """The project name and the cases of ``cases.json``."""
    manifest = json.loads(((root or traces_dir()) / "cases.json").read_text(encoding="utf-8"))
    cases = [
        GoldenCase(
            journey=raw["journey"],
            name=raw["name"],
            subject=raw.get("subject"),
            subject_file=raw.get("subjectFile"),
            overrides=tuple(raw.get("overrides", ())),
            seed=raw.get("seed"),
            at=raw.get("at"),
            arm_stats=raw.get("armStats", {}),
        )
        for raw in manifest["cases"]
    ]
    return manifest["project"], cases


def golden_path(case: GoldenCase, root: Path | None = None) -> Path:
    return (root or traces_dir()) / case.journey / f"{case.name}.json"


def render_case(case: GoldenCase, project: LoadedProject, root: Path | None = None) -> str:
    """The case's trace as stable JSON."""
    return simulate(**case_arguments(case, project, root)).to_json()


def case_arguments(
    case: GoldenCase, project: LoadedProject, root: Path | None = None
) -> dict[str, Any]:
    """The keyword arguments of :func:`~simulator.engine.dryrun.simulate` for ``case``."""
    world = project.world
    if world is None:
        raise ValueError(f"project {project.root} has no usable workspace")
    if case.subject_file is not None:
        path = (root or traces_dir()) / case.subject_file
        subject = Subject.model_validate_json(path.read_text(encoding="utf-8"))
    else:
        subject = world.subjects[case.subject]
    arm_stats = {
        step: {
            arm: ArmStats(stats["subjectsReached"], stats["goalEvents"])
            for arm, stats in arms.items()
        }
        for step, arms in case.arm_stats.items()
    }
    return {
        "journey": project.journeys[case.journey],
        "subject": subject,
        "world": world,
        "overrides": case.overrides,
        "at": parse_timestamp(case.at) if case.at else None,
        "seed": case.seed,
        "arm_stats": arm_stats or None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.engine.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite changed golden traces")
    args = parser.parse_args(argv)
    root = traces_dir()
    project_name, cases = load_cases(root)
    project = load_project(fixtures_dir() / project_name)
    expected_files = set()
    failures = rewritten = 0
    for case in cases:
        path = golden_path(case, root)
        expected_files.add(path)
        actual = render_case(case, project, root)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == actual:
            continue
        if args.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            print(f"{'updated' if current is not None else 'created'} {path.relative_to(root)}")
            rewritten += 1
            continue
        failures += 1
        diff = difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{case.id} (committed)",
            f"{case.id} (now)",
        )
        sys.stdout.writelines(diff)
    for stale in sorted(set(root.glob("*/*.json")) - expected_files):
        if stale.parent.name == "subjects":
            continue
        if args.update:
            stale.unlink()
            print(f"removed {stale.relative_to(root)}")
            rewritten += 1
        else:
            failures += 1
            print(f"stale golden trace (no case): {stale.relative_to(root)}")
    if failures:
        print(f"{failures} golden trace(s) differ; run with --update if the change is intended")
        return 1
    if args.update and rewritten:
        print(f"{len(cases)} golden traces: {rewritten} file(s) written or removed")
    else:
        print(f"{len(cases)} golden traces match{'; nothing written' if args.update else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
