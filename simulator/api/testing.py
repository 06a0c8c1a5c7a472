"""The Journeys API in-process, for your own tests: moto started, a project loaded.

With pytest, import the fixture into your ``conftest.py`` (journeysim registers no
plugin, so nothing loads unless you ask)::

    # conftest.py
    from simulator.api.testing import journeys_api  # noqa: F401

    # test_dashboard.py
    def test_lists_the_fixture_journeys(journeys_api):
        response = journeys_api.get("/api/journeys", headers=journeys_api.auth("viewer"))
        assert response.status_code == 200

Without pytest, or to load your own project or change settings::

    from simulator.api.testing import api_client

    with api_client("path/to/project", publish=True) as client:
        client.post("/api/journeys/act-onb-2026/simulate", headers=client.auth("owner"),
                    json={"subjectAttributes": {"plan": "pro"}})

The client is a Starlette ``TestClient`` (an ``httpx.Client``): requests run through
the ASGI app in this process, with no socket. ``client.backend`` is the
framework-free backend, ``client.report`` what the project load did, and
``client.tokens`` the first member token of each role.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

with warnings.catch_warnings():
    # Starlette 1.x suggests httpx2 for its test client; httpx is what journeysim ships.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from simulator.api.app import create_app
from simulator.backend.aws import MotoServer
from simulator.backend.loading import LoadReport
from simulator.backend.service import Backend
from simulator.backend.settings import ApiSettings

__all__ = ["ApiClient", "api_client", "journeys_api"]


class ApiClient(TestClient):
    """A test client that also knows the backend and the loaded members."""

    backend: Backend
    report: LoadReport

    @property
    def tokens(self) -> dict[str, str]:
        """The first member token of each role (``owner``, ``editor``, ``viewer``)."""
        tokens: dict[str, str] = {}
        for member in self.report.members:
            tokens.setdefault(member.role.value, member.token)
        return tokens

    def auth(self, role: str = "owner") -> dict[str, str]:
        """``Authorization`` headers of the first member with ``role``."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@contextmanager
def api_client(
    project: str | os.PathLike[str] | None = None,
    *,
    settings: ApiSettings | None = None,
    publish: bool = False,
    clock: Callable[[], datetime] | None = None,
    moto_server: bool = False,
) -> Iterator[ApiClient]:
    """An in-process client over a fresh backend with ``project`` loaded (default: the
    bundled ``acme`` fixtures). Storage follows ``settings`` (default: moto in-process,
    tables under a unique prefix); ``moto_server=True`` instead starts a moto server on
    a free loopback port and reaches DynamoDB over HTTP through the endpoint setting
    (needs moto's server extra: flask, flask-cors). Everything is stopped on exit."""
    from simulator.paths import fixtures_dir

    if settings is None:
        base = ApiSettings()
        prefix = f"journeysim-test-{secrets.token_hex(4)}"
        settings = replace(base, aws=replace(base.aws, table_prefix=prefix))
    with ExitStack() as stack:
        if moto_server:
            server = stack.enter_context(MotoServer())
            settings = replace(settings, aws=settings.aws.with_endpoint(server.endpoint_url))
        backend = Backend.start(settings, **({"clock": clock} if clock else {}))
        stack.callback(backend.close)
        report = backend.load_project(
            Path(project) if project is not None else fixtures_dir() / "acme", publish=publish
        )
        with ApiClient(create_app(backend)) as client:
            client.backend = backend
            client.report = report
            yield client


try:
    import pytest
except ImportError:  # pragma: no cover - pytest is a test dependency
    pytest = None

if pytest is not None:

    @pytest.fixture
    def journeys_api() -> Iterator[ApiClient]:
        """An :class:`ApiClient` on the bundled fixtures, fresh for each test."""
        with api_client() as client:
            yield client
