"""The documented helper for users' own tests: the ``journeys_api`` fixture and
``api_client`` with a project, settings, a fixed clock and a moto server."""

from __future__ import annotations

from datetime import UTC, datetime

from simulator.api.testing import api_client, journeys_api  # noqa: F401  (the fixture)
from simulator.paths import fixtures_dir


def test_the_fixture_gives_a_client_on_the_bundled_fixtures(journeys_api):  # noqa: F811
    assert journeys_api.tokens == {
        "owner": "tok_owner_acme_ada",
        "editor": "tok_editor_acme_ben",
        "viewer": "tok_viewer_acme_cy",
    }
    response = journeys_api.get("/api/journeys", headers=journeys_api.auth("viewer"))
    assert response.status_code == 200
    assert {entry["status"] for entry in response.json()} == {"draft"}


def test_each_fixture_use_starts_from_a_clean_store(journeys_api):  # noqa: F811
    owner = journeys_api.auth("owner")
    assert (
        journeys_api.post(
            "/api/journeys", json={"id": "mine", "name": "Mine"}, headers=owner
        ).status_code
        == 201
    )
    assert (
        journeys_api.post(
            "/api/journeys", json={"id": "mine", "name": "Again"}, headers=owner
        ).status_code
        == 409
    )


def test_the_fixture_again_does_not_see_the_previous_tests_journey(journeys_api):  # noqa: F811
    assert journeys_api.get("/api/journeys/mine", headers=journeys_api.auth()).status_code == 404


def test_api_client_with_a_project_publish_and_a_fixed_clock():
    instant = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with api_client(fixtures_dir() / "acme", publish=True, clock=lambda: instant) as client:
        journey = client.get("/api/journeys/act-onb-2026", headers=client.auth()).json()
        assert journey["status"] == "active" and journey["version"] == 1
        assert journey["createdAt"] == "2026-06-01T12:00:00.000000Z"
        assert journey["publishedAt"] > journey["createdAt"]  # same clock, still ordered
        assert client.report.published == client.report.created


def test_api_client_against_a_moto_server():
    with api_client(moto_server=True) as client:
        assert client.backend.store.session.settings.endpoint_url.startswith("http://127.0.0.1:")
        assert client.get("/api/journeys", headers=client.auth()).status_code == 200


def test_an_in_process_client_leaves_a_moto_server_clients_data_alone():
    # A moto server in this process and in-process moto share moto's state: starting
    # or stopping the in-process mock must not wipe what the server's client stored.
    with api_client(moto_server=True) as on_server:
        created = on_server.post("/api/journeys", json={"name": "Kept"}, headers=on_server.auth())
        assert created.status_code == 201
        with api_client() as in_process:
            assert in_process.get("/api/journeys", headers=in_process.auth()).status_code == 200
            mine = on_server.get(f"/api/journeys/{created.json()['id']}", headers=on_server.auth())
            assert mine.status_code == 200, mine.text
        after = on_server.get("/api/journeys", headers=on_server.auth())
        assert after.status_code == 200, after.text
        assert created.json()["id"] in {entry["id"] for entry in after.json()}


def test_a_moto_server_started_inside_an_in_process_client_keeps_it_working():
    with api_client() as in_process:
        with api_client(moto_server=True) as on_server:
            assert on_server.get("/api/journeys", headers=on_server.auth()).status_code == 200
        listed = in_process.get("/api/journeys", headers=in_process.auth())
        assert listed.status_code == 200 and len(listed.json()) == 5
