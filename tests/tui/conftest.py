"""Fixtures of the TUI tests: one backend per project (loaded once), a shared app
factory, and frozen input cursors. Traces are deterministic already: they read no
wall clock, and their seeds derive from journey, version and subject."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui import DryRunRequest, JourneysimApp, LocalBackend, create_app


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Pilot tests run on asyncio (anyio's pytest plugin, ``pytest.mark.anyio``)."""
    return "asyncio"


@pytest.fixture(scope="session")
def acme_backend(fixtures_dir: Path) -> LocalBackend:
    # Files named relative to the checkout, so command lines and snapshots do not
    # depend on the folder pytest runs from.
    return LocalBackend(fixtures_dir / "acme", relative_to=fixtures_dir.parent)


@pytest.fixture(scope="session")
def broken_backend(fixtures_dir: Path) -> LocalBackend:
    folder = fixtures_dir / "invalid" / "unknown_step_reference"
    return LocalBackend(folder, relative_to=fixtures_dir.parent)


@pytest.fixture
def make_app(acme_backend) -> Callable[..., JourneysimApp]:
    """``make_app(journey=..., request=...)``: the app as ``journeysim tui`` builds it."""

    def make(backend=None, **kwargs) -> JourneysimApp:
        return create_app(backend or acme_backend, blink=False, **kwargs)

    return make


def dry_run(journey: str, **kwargs) -> DryRunRequest:
    return DryRunRequest(journey, **kwargs)
