"""Fixtures of the TUI tests: one backend per project (loaded once), a shared app
factory, and frozen input cursors. Traces are deterministic already: they read no
wall clock, and their seeds derive from journey, version and subject."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui import JourneysimApp, LocalBackend, create_app


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


async def settle_app(pilot, times: int = 40) -> None:
    """Pause until the deep link's screens are up (a dry-run screen has its trace)."""
    from tui.screens import DryRunScreen

    app = pilot.app
    for _ in range(times):
        await pilot.pause()
        screen = app.screen
        if app.link_followed and (not isinstance(screen, DryRunScreen) or screen.history):
            return
    raise AssertionError(f"the app did not settle on {app.screen!r}")


@pytest.fixture
def settle():
    """``await settle(pilot)``: wait until the app shows what its deep link asked for."""
    return settle_app
