"""Shared test fixtures: where the bundled fixtures are, and running the CLI."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from simulator.paths import fixtures_dir as _fixtures_dir


@pytest.fixture
def eager_thread_switches():
    """Threads switch every 0.1 ms instead of 5 ms, so races in concurrent tests show."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(previous)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The bundled ``fixtures/`` folder (a checkout's, or an installed wheel's)."""
    return _fixtures_dir()


@pytest.fixture(scope="session")
def acme_dir(fixtures_dir: Path) -> Path:
    """The example project every feature is demonstrated on."""
    return fixtures_dir / "acme"


@pytest.fixture
def acme_copy(acme_dir: Path, tmp_path: Path) -> Path:
    """A copy of the example project to break on purpose."""
    project = tmp_path / "acme"
    shutil.copytree(acme_dir, project)
    return project


def _edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


@pytest.fixture
def edit_json() -> Callable[[Path, Callable[[Any], None]], None]:
    """``edit_json(path, change)``: apply ``change`` to the JSON document at ``path``."""
    return _edit_json


@pytest.fixture
def break_welcome_email() -> Callable[[Path], None]:
    """Replace a project's ``comm-welcome-email`` with a YAML file that does not parse."""

    def replace(project: Path) -> None:
        (project / "communications" / "comm-welcome-email.json").unlink()
        (project / "communications" / "comm-welcome-email.yaml").write_text(
            "id: comm-welcome-email\nname: [unclosed\n", encoding="utf-8"
        )

    return replace


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def cli_app():
    """The real ``journeysim`` Typer app with every command registered (once)."""
    from simulator.cli.app import _register, app

    if not app.registered_commands:
        _register()
    return app


@pytest.fixture
def run_cli(cli_app) -> Callable[..., CliResult]:
    """Run ``journeysim ARGS...`` in-process; stdout and stderr come back separately.

    An exception that escaped the command (it would be a traceback for a user) fails
    the test instead of hiding in the result."""

    def run(*args: str) -> CliResult:
        result = CliRunner().invoke(cli_app, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def pii_project(tmp_path_factory, acme_dir: Path, fixtures_dir: Path) -> Path:
    """A copy of ``acme`` with ``fixtures/pii`` laid over it: subjects whose PII values
    turn up everywhere and a journey whose templates transform them."""
    import shutil

    root = tmp_path_factory.mktemp("pii") / "acme"
    shutil.copytree(acme_dir, root)
    for folder in ("subjects", "communications", "journeys"):
        shutil.copytree(fixtures_dir / "pii" / folder, root / folder, dirs_exist_ok=True)
    return root
