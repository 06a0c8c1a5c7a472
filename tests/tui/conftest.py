"""Fixtures of the TUI tests: one backend per project (loaded once), a shared app
factory, and frozen input cursors. Traces are deterministic already: they read no
wall clock, and their seeds derive from journey, version and subject."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pilots import until

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


async def settle_app(pilot) -> None:
    """Pause until the deep link's screens are up (a dry-run screen has its trace)."""
    from tui.screens import DryRunScreen

    app = pilot.app

    def settled() -> bool:
        screen = app.screen
        return app.link_followed and (not isinstance(screen, DryRunScreen) or bool(screen.history))

    await pilot.pause()
    await until(pilot, settled, "the app settles on its deep link")


@pytest.fixture
def settle():
    """``await settle(pilot)``: wait until the app shows what its deep link asked for."""
    return settle_app


class ServedLike:
    """The acme project as a served workspace would show it to an owner, with a fixed
    audit log and runtime, so the served-only screens have snapshots that never move."""

    def __init__(self, local: LocalBackend) -> None:
        self.local = local

    def info(self):
        from dataclasses import replace

        base = self.local.info()
        return replace(
            base,
            source="http://127.0.0.1:8000 as usr_owner_ada (owner)",
            lifecycle=True,
            can_write=True,
            runtime=True,
        )

    def __getattr__(self, name):
        return getattr(self.local, name)

    def audit(self, journey_id):
        from tui import AuditEntry

        return [
            AuditEntry(
                2, "2026-06-01T14:00:00Z", "system", "execution.started", {"executionSeq": 1}
            ),
            AuditEntry(1, "2026-05-30T09:00:00Z", "usr_owner_ada", "published", {"version": 1}),
        ]

    def runtime(self, journey_id):
        from tui import RuntimeView

        arm = {"subjectsReached": 1240, "goalEvents": 89, "rate": 0.0718}
        trend = [
            {
                "date": f"2026-05-{day:02d}",
                "triggered": {"exposed": day % 7, "holdout": 0},
                "converted": {"exposed": day % 3, "holdout": 0},
            }
            for day in range(3, 32)
        ] + [
            {
                "date": "2026-06-01",
                "triggered": {"exposed": 4, "holdout": 1},
                "converted": {"exposed": 1, "holdout": 0},
            }
        ]
        return RuntimeView(
            now="2026-06-03T14:00:00Z",
            executions=[
                {
                    "endUserId": "usr_expansion_candidate",
                    "version": 1,
                    "status": "RUNNING",
                    "currentStepId": "wait-1d",
                    "startedAt": "2026-06-01T14:00:00Z",
                },
                {
                    "endUserId": "usr_plain_ana",
                    "version": 1,
                    "status": "SUCCEEDED",
                    "currentStepId": "exit",
                    "startedAt": "2026-06-01T14:00:00Z",
                },
            ],
            outbox=[
                {
                    "sentAt": "2026-06-01T14:00:00Z",
                    "stepId": "send-usage-alert",
                    "endUserId": "usr_expansion_candidate",
                    "channel": "in_app_push",
                    "rendered": {"body": "You are at 92% of your seats"},
                },
            ],
            step_stats=[
                {
                    "stepId": "send-usage-alert",
                    "executed": 40,
                    "skipped": 6,
                    "failed": 1,
                    "skippedByReason": {"frequency_cap_exceeded": 4, "opt_out": 2},
                },
                {
                    "stepId": "wait-1d",
                    "executed": 39,
                    "skipped": 0,
                    "failed": 0,
                    "skippedByReason": {},
                },
            ],
            branches=[
                {
                    "stepId": "branch-2",
                    "arms": [
                        {"armId": "discount", **arm, "credibleInterval95": [0.0581, 0.0871]},
                        {
                            "armId": "education",
                            "subjectsReached": 120,
                            "goalEvents": 9,
                            "rate": 0.075,
                            "coldStart": True,
                        },
                    ],
                },
            ],
            impact={
                "triggered": {"exposed": 120, "holdout": 7},
                "converted": {"exposed": 18, "holdout": 0},
                "exposureRate": 0.15,
                "holdoutRate": 0.0,
                "lift": None,
                "underpowered": True,
                "dailyTrend": trend,
            },
        )

    def advance(self, by):
        return "2026-06-04T14:00:00Z", 3

    def transition(self, journey_id, action):
        return f"{journey_id} is {action}d"


@pytest.fixture(scope="session")
def served_like(acme_backend) -> ServedLike:
    return ServedLike(acme_backend)


class ViewerLike(ServedLike):
    """The same served workspace as a viewer sees it: no overrides, no lifecycle
    changes (their keys shown disabled), no synthetic subjects."""

    def info(self):
        from dataclasses import replace

        return replace(
            super().info(),
            source="http://127.0.0.1:8000 as usr_viewer_cy (viewer)",
            can_override=False,
            can_write=False,
            synthetic_subjects=False,
        )


@pytest.fixture(scope="session")
def viewer_like(acme_backend) -> ViewerLike:
    return ViewerLike(acme_backend)
