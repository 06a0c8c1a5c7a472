"""No lost updates: 8 clients × 50 PATCHes of one draft, each sending the ``updatedAt``
it last read (from its own 200, or from the 409's details).

Every accepted write must appear in the audit log exactly once, the final draft must
be the last accepted write, and every other attempt must be a 409 ``draft_conflict``.
Five rounds on moto in-process, two on a moto server (each of those costs twice as
much: every DynamoDB call is an HTTP round trip). The interpreter switches threads
every 10 µs during the test (instead of every 5 ms) so that interleavings a real
server would see happen here too: without the moto lock, this test fails.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest

from simulator.api.testing import api_client

THREADS = 8
PATCHES = 50
ROUNDS = {"in-process": 5, "moto-server": 2}


@pytest.fixture(scope="module")
def servers():
    clients: dict[str, object] = {}
    with ExitStack() as stack:
        for kind in ROUNDS:
            clients[kind] = stack.enter_context(api_client(moto_server=kind == "moto-server"))
        yield clients


def _whole_audit(api, journey_id: str) -> list[dict]:
    entries, before = [], None
    while True:
        query = f"?before={before}" if before else ""
        page = api.get(f"/api/journeys/{journey_id}/audit{query}", headers=api.auth()).json()
        if not page:
            return entries
        entries.extend(page)
        before = page[-1]["seq"]


def _contend(api, path: str, start: str) -> list[tuple]:
    outcomes: list[tuple] = []
    barrier = threading.Barrier(THREADS)

    def client(number: int) -> None:
        last_read = start
        barrier.wait()
        for attempt in range(PATCHES):
            text = f"client {number} attempt {attempt}"
            body = {"updatedAt": last_read, "description": text}
            response = api.patch(path, json=body, headers=api.auth("editor"))
            if response.status_code == 200:
                last_read = response.json()["updatedAt"]
                outcomes.append(("ok", text, last_read))
            elif response.status_code == 409 and response.json()["code"] == "draft_conflict":
                last_read = response.json()["details"][0]["updatedAt"]
                outcomes.append(("conflict", text, last_read))
            else:
                outcomes.append(("unexpected", response.status_code, response.text))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a client hung"
    return outcomes


@pytest.mark.parametrize(
    ("kind", "round_number"), [(kind, n) for kind, rounds in ROUNDS.items() for n in range(rounds)]
)
def test_concurrent_patches_lose_nothing(servers, kind, round_number, eager_thread_switches):
    api = servers[kind]
    created = api.post(
        "/api/journeys", json={"name": f"Contended draft {round_number}"}, headers=api.auth()
    ).json()
    path = f"/api/journeys/{created['id']}"

    outcomes = _contend(api, path, created["updatedAt"])

    assert [o for o in outcomes if o[0] == "unexpected"] == []
    accepted = [o for o in outcomes if o[0] == "ok"]
    conflicts = [o for o in outcomes if o[0] == "conflict"]
    attempts = THREADS * PATCHES
    assert len(outcomes) == attempts
    assert accepted, "no write was accepted"
    assert len(conflicts) == attempts - len(accepted)

    stamps = [stamp for _, _, stamp in accepted]
    assert len(set(stamps)) == len(stamps), "two accepted writes share an updatedAt"
    edits = [e for e in _whole_audit(api, created["id"]) if e["action"] == "edited"]
    assert sorted(e["metadata"]["updatedAt"] for e in edits) == sorted(stamps)

    final = api.get(path, headers=api.auth()).json()
    last_text, last_stamp = max(((text, stamp) for _, text, stamp in accepted), key=lambda a: a[1])
    assert final["updatedAt"] == last_stamp
    assert final["description"] == last_text


def test_clients_are_shared_with_their_exception_classes_already_built(monkeypatch):
    # botocore builds a client's exception classes lazily, at its first error. Threads
    # failing at once could each build a set, and ``except db.exceptions.X`` then missed
    # an X raised from another thread's set: a lost write race became a 500 instead of
    # a 409 (seen here as a rare failure of the test above on the moto server). Building
    # them when the client is created, before any thread can use it, closes the window.
    from botocore.errorfactory import ClientExceptionsFactory

    from simulator.backend import AwsSession

    with AwsSession() as session:
        db = session.client("dynamodb")
        built_later: list[str] = []
        monkeypatch.setattr(
            ClientExceptionsFactory,
            "create_client_exceptions",
            lambda self, model: built_later.append(model.service_name),
        )
        assert issubclass(db.exceptions.ConditionalCheckFailedException, Exception)
        assert session.client("dynamodb") is db
    assert built_later == []
