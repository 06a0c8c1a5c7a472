"""Each command imports what it uses: the modules a real process has loaded when it ends.

A behaviour test, not a timing: ``--help`` needs Typer and rich only; ``validate`` needs
no dry-run engine, no Faker, no Pinpoint importer, no FastAPI; only the commands
that make synthetic subjects load Faker. (``benchmarks/bench_cli.py`` has the times.)
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli.validate import FORMATS
from simulator.reporting import ReportFormat

REPO = Path(__file__).resolve().parents[2]
JOURNEY = "fixtures/acme/journeys/act-onb-2026.json"
EXPORT = "fixtures/pinpoint/all-activities.write-journey.json"
ENGINE = ("simulator.engine.dryrun", "simulator.engine.trace", "simulator.engine.stepper")
VALIDATION = ("pydantic", "jinja2", "simulator.models", "simulator.validation")
SERVING = ("fastapi", "starlette", "uvicorn", "simulator.api", "simulator.backend", "boto3", "moto")
IMPORTER = ("importers.pinpoint", "botocore")


def modules_after(*args: str) -> set[str]:
    """The modules loaded by the end of ``journeysim ARGS`` in a fresh process."""
    program = (
        "import atexit, json, sys\n"
        "def report():\n"
        "    sys.__stderr__.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
        "atexit.register(report)\n"
        f"sys.argv = ['journeysim', *{list(args)!r}]\n"
        "from simulator.cli.app import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    listed = done.stderr.rpartition("\nMODULES ")[2]
    return set(json.loads(listed))


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in modules if m in prefixes or m.startswith(tuple(f"{p}." for p in prefixes))
    )


def test_help_loads_typer_and_rich_and_none_of_the_work():
    modules = modules_after("--help")
    assert "typer" in modules
    unwanted = (
        *VALIDATION,
        *ENGINE,
        *SERVING,
        *IMPORTER,
        "faker",
        "yaml",
        "simulator.project.loader",
    )
    assert loaded(modules, unwanted) == []


def test_validate_loads_no_engine_faker_importer_or_server():
    modules = modules_after("validate", JOURNEY)
    assert {"simulator.validation", "simulator.project.loader"} <= modules
    # networkx costs more to import than Typer: validation has its own small graph.
    unwanted = (*ENGINE, *SERVING, *IMPORTER, "faker", "rich", "networkx")
    assert loaded(modules, unwanted) == []
    assert "yaml" not in modules  # a JSON-only project never needs PyYAML


def test_validate_loads_only_the_report_format_it_prints():
    text = modules_after("validate", JOURNEY)
    assert "simulator.reporting.text" in text
    assert loaded(text, ("simulator.reporting.junit", "xml.etree")) == []
    junit = modules_after("validate", JOURNEY, "--format", "junit")
    assert "simulator.reporting.junit" in junit


def test_a_command_imports_its_own_module_only():
    # Typer inspects every registered command before running one: register only it.
    commands = {m for m in modules_after("validate", JOURNEY) if m.startswith("simulator.cli.")}
    assert commands == {"simulator.cli.app", "simulator.cli.common", "simulator.cli.validate"}


def test_simulate_of_a_project_subject_needs_no_faker():
    modules = modules_after("simulate", JOURNEY, "--subject-id", "usr_plain_ana")
    assert "simulator.engine.dryrun" in modules
    assert loaded(modules, (*SERVING, *IMPORTER, "faker", "networkx")) == []


def test_only_synthetic_subjects_load_faker():
    assert "faker" in modules_after("simulate", JOURNEY, "--synthetic", "--seed", "3")


def test_import_pinpoint_loads_no_engine_or_server():
    modules = modules_after("import-pinpoint", EXPORT)
    assert "importers.pinpoint" in modules
    assert loaded(modules, (*ENGINE, *SERVING, "faker")) == []


@pytest.mark.parametrize("kind", [None, "journey"])
def test_schema_loads_no_validator(kind):
    modules = modules_after("schema", *([kind] if kind else []))
    assert loaded(modules, ("networkx", *ENGINE, *SERVING, *IMPORTER, "faker")) == []


def test_validate_leaves_the_cycle_collector_as_it_found_it(run_cli, acme_dir):
    # The command switches it off while it works; a caller in the same process (a
    # test session, a script calling the CLI) must get it back.
    assert gc.isenabled()
    assert run_cli("validate", str(acme_dir / "journeys" / "act-onb-2026.json")).exit_code == 0
    assert gc.isenabled()
    gc.disable()
    try:
        run_cli("validate", str(acme_dir))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_format_choices_are_the_report_formats():
    assert list(FORMATS) == [f.value for f in ReportFormat]
