"""The Journeys API's logic (SPEC §5), framework-free: the backend on DynamoDB.

``Backend.start(settings)`` gives the logic that the HTTP shell (:mod:`simulator.api`),
the CLI and the terminal UI all call. Nothing here imports a web framework: requests,
cookies and status lines are the shell's business; this package speaks in
:class:`~simulator.backend.auth.Actor`, wire models and the coded errors of
:mod:`simulator.backend.errors`. Storage is :mod:`simulator.backend.store` over
:mod:`simulator.backend.tables` (DynamoDB through boto3: moto in-process, a moto
server or AWS, chosen in :mod:`simulator.backend.aws`); the runtime that executes
journeys is its own package, :mod:`simulator.runtime`.

Names are imported on first use (:mod:`simulator.lazy`): a module such as
:mod:`simulator.backend.records` comes without boto3 and the service, so the terminal
UI can share its record types without loading the store.
"""

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
    from simulator.backend.auth import Actor
    from simulator.backend.aws import AwsSession, AwsSettings, MotoServer
    from simulator.backend.loading import LoadReport
    from simulator.backend.records import JourneyStatus
    from simulator.backend.service import Backend
    from simulator.backend.settings import ApiSettings
    from simulator.backend.store import Store

_HOMES = {
    "Actor": "auth",
    "ApiSettings": "settings",
    "AwsSession": "aws",
    "AwsSettings": "aws",
    "Backend": "service",
    "JourneyStatus": "records",
    "LoadReport": "loading",
    "MotoServer": "aws",
    "Store": "store",
}

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
]

__getattr__, __dir__ = _exports(__name__, _HOMES)
