"""The Journeys API (SPEC §5): a framework-free backend on DynamoDB and a FastAPI shell.

``Backend.start(settings)`` gives the logic (for the CLI, the TUI and tests);
``create_app(backend_or_settings)`` the ASGI app; :mod:`simulator.api.testing` an
in-process client for users' own tests. Importing the package (or the backend) does
not import FastAPI: ``create_app`` is loaded on first use, so the CLI and the terminal
UI that call the backend directly never pay for the web framework.
"""

from simulator.api.auth import Actor
from simulator.api.aws import AwsSession, AwsSettings, MotoServer
from simulator.api.backend import Backend
from simulator.api.loading import LoadReport
from simulator.api.records import JourneyStatus
from simulator.api.settings import ApiSettings
from simulator.api.store import Store

__all__ = [
    "Actor",
    "ApiSettings",
    "AwsSession",
    "AwsSettings",
    "Backend",
    "JourneyStatus",
    "LoadReport",
    "MotoServer",
    "Store",
    "create_app",
]


def __getattr__(name: str):
    if name == "create_app":
        from simulator.api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
