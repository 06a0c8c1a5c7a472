"""AWS configuration in one place: which DynamoDB the API talks to, and how.

Three targets, chosen by settings alone (nothing else in journeysim knows which):

* **in-process moto** (the default): ``mock_aws`` is started before the first client
  is created, so no request can leave the process;
* **an endpoint** (``endpoint_url``): a moto server, DynamoDB Local or a LocalStack,
  reached over HTTP with dummy credentials unless real ones are given;
* **real AWS** (``in_process=False`` without an endpoint): boto3's usual credential
  chain and the configured region.

moto has no lock around request handling: concurrent in-process requests lose
conditional updates and can raise ``dictionary changed size during iteration``
(../shared/MOTO-NOTES.md). :func:`install_moto_lock` wraps
``BotocoreStubber.process_request`` (in-process) and the moto server's WSGI entry
point (:class:`MotoServer`) in one process-wide :data:`MOTO_LOCK`, once, idempotently.

A :class:`MotoServer` of this process and in-process moto share moto's state, and moto
wipes all of it when the first mock starts and when the last one stops. So while a
server of this process runs, an in-process session neither resets moto when it starts
nor when it stops: it drops only its own tables (those under its ``table_prefix``)
once no other in-process session uses that prefix.

Environment variables read by :meth:`AwsSettings.from_env`:

==================================  =============================================
``JOURNEYSIM_AWS_ENDPOINT_URL``     endpoint of a moto server / DynamoDB Local
``JOURNEYSIM_AWS_MODE``             ``moto`` (default) or ``aws`` (real AWS)
``JOURNEYSIM_AWS_REGION``           region (else ``AWS_REGION``,
                                    ``AWS_DEFAULT_REGION``, then ``us-east-1``)
``JOURNEYSIM_TABLE_PREFIX``         prefix of the table names (``journeysim``)
``AWS_ACCESS_KEY_ID`` ...           used as boto3 always uses them
==================================  =============================================
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "MOTO_LOCK",
    "AwsSession",
    "AwsSettings",
    "MotoServer",
    "install_moto_lock",
]

MOTO_LOCK = threading.RLock()
"""Serialises every moto request of this process (in-process mock and moto server)."""

_MARK = "_journeysim_locked"
_servers_running = 0
"""In-process :class:`MotoServer` instances started and not yet stopped (under the lock)."""
_prefixes_in_use: Counter[str] = Counter()
"""Table prefixes of the open in-process moto sessions (under the lock)."""
_DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass(frozen=True)
class AwsSettings:
    """Where DynamoDB is and how to sign requests for it."""

    endpoint_url: str | None = None
    """A moto server or DynamoDB Local; ``None`` for in-process moto or real AWS."""
    region: str = "us-east-1"
    in_process: bool = True
    """Start moto in this process (ignored when ``endpoint_url`` is set)."""
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    table_prefix: str = "journeysim"
    """Prefix of every table name, so several stores can share one DynamoDB."""

    @property
    def uses_in_process_moto(self) -> bool:
        return self.in_process and self.endpoint_url is None

    def with_endpoint(self, endpoint_url: str) -> AwsSettings:
        """The same settings pointed at an endpoint (a moto server, say)."""
        return replace(self, endpoint_url=endpoint_url, in_process=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AwsSettings:
        """Settings from ``JOURNEYSIM_AWS_*`` variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        mode = env.get("JOURNEYSIM_AWS_MODE", "moto").strip().lower()
        if mode not in {"moto", "aws"}:
            raise ValueError(f"JOURNEYSIM_AWS_MODE must be 'moto' or 'aws', not {mode!r}")
        region = (
            env.get("JOURNEYSIM_AWS_REGION")
            or env.get("AWS_REGION")
            or env.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )
        return cls(
            endpoint_url=env.get("JOURNEYSIM_AWS_ENDPOINT_URL") or None,
            region=region,
            in_process=mode == "moto",
            table_prefix=env.get("JOURNEYSIM_TABLE_PREFIX") or "journeysim",
        )

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Session.client``: region always, endpoint and
        credentials when known (dummy ones for in-process moto or an endpoint)."""
        kwargs: dict[str, Any] = {"region_name": self.region}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        if self.access_key_id and self.secret_access_key:
            kwargs["aws_access_key_id"] = self.access_key_id
            kwargs["aws_secret_access_key"] = self.secret_access_key
            if self.session_token:
                kwargs["aws_session_token"] = self.session_token
        elif self.endpoint_url or self.uses_in_process_moto:
            kwargs.update(_DUMMY_CREDENTIALS)
        return kwargs


def _locked(function):
    if getattr(function, _MARK, False):
        return function

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with MOTO_LOCK:
            return function(*args, **kwargs)

    setattr(wrapper, _MARK, True)
    return wrapper


def install_moto_lock() -> None:
    """Serialise in-process moto's request handling under :data:`MOTO_LOCK` (idempotent)."""
    from moto.core.botocore_stubber import BotocoreStubber

    with MOTO_LOCK:
        BotocoreStubber.process_request = _locked(BotocoreStubber.process_request)


def _install_moto_server_lock() -> None:
    # A moto server answers on several threads: the same lock around its WSGI entry.
    # (Needs moto's server extra, i.e. flask and flask-cors.)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    with MOTO_LOCK:
        DomainDispatcherApplication.__call__ = _locked(DomainDispatcherApplication.__call__)


class AwsSession:
    """Starts what the settings ask for (moto or nothing) and hands out clients.

    Clients are created lazily, after the mock started, always with a region, with
    their exception classes built before any thread can share them, and reused: the
    first client of a process costs ~150 ms, later ones ~3 ms.
    """

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self.settings = settings or AwsSettings()
        self._mock: Any = None
        self._clients: dict[str, Any] = {}
        self._guard = threading.Lock()

    def start(self) -> AwsSession:
        if self.settings.uses_in_process_moto and self._mock is None:
            from moto import mock_aws

            install_moto_lock()
            with MOTO_LOCK:
                self._mock = mock_aws()
                self._mock.start(reset=_servers_running == 0)
                _prefixes_in_use[self.settings.table_prefix] += 1
        return self

    def client(self, service: str) -> Any:
        with self._guard:
            if service not in self._clients:
                import boto3
                from botocore.config import Config

                session = boto3.session.Session()
                config = Config(retries={"max_attempts": 3, "mode": "standard"})
                client = session.client(service, config=config, **self.settings.client_kwargs())
                # botocore builds the exception classes lazily, at the first error;
                # threads failing at once would build several sets, and an
                # ``except client.exceptions.X`` would miss another thread's X.
                _ = client.exceptions
                self._clients[service] = client
            return self._clients[service]

    def close(self) -> None:
        """Stop the in-process mock (its data goes with it) and drop the clients."""
        if self._mock is not None:
            with MOTO_LOCK:
                prefix = self.settings.table_prefix
                _prefixes_in_use[prefix] -= 1
                shared = _servers_running > 0
                if shared and _prefixes_in_use[prefix] == 0:
                    self._drop_tables(prefix)
                if _prefixes_in_use[prefix] <= 0:
                    del _prefixes_in_use[prefix]
                self._mock.stop(remove_data=not shared)
                self._mock = None
        with self._guard:
            self._clients.clear()

    def _drop_tables(self, prefix: str) -> None:
        # Only while a moto server of this process keeps moto's state alive.
        db = self.client("dynamodb")
        for page in db.get_paginator("list_tables").paginate():
            for name in page.get("TableNames", []):
                if name.startswith(f"{prefix}-"):
                    db.delete_table(TableName=name)

    def __enter__(self) -> AwsSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class MotoServer:
    """A moto server on a loopback port, in a thread of this process, with requests
    serialised under :data:`MOTO_LOCK`. ``endpoint_url`` is ready after ``start()``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: Any = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("MotoServer.start() was not called")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> MotoServer:
        global _servers_running
        from moto.server import ThreadedMotoServer

        _install_moto_server_lock()
        quiet = logging.getLogger("werkzeug")
        if quiet.level == logging.NOTSET:  # werkzeug logs every request at INFO otherwise
            quiet.setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        with MOTO_LOCK:
            _servers_running += 1
        return self

    def stop(self) -> None:
        global _servers_running
        if self._server is not None:
            self._server.stop()
            self._server = None
            with MOTO_LOCK:
                _servers_running -= 1

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
