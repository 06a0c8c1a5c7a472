"""One clock (simulator/runtime/clock.py): the runtime's persisted virtual clock is the
backend's, so authoring timestamps follow ``/api/_sim/clock/advance``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simulator.api.testing import api_client
from simulator.backend.service import Backend
from simulator.engine.clock import Clock, Scheduled, VirtualClock
from simulator.paths import fixtures_dir
from simulator.runtime.clock import RuntimeClock
from simulator.runtime.runtime import InboundEvent, Runtime

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)


def newest_audit(client, journey_id: str) -> dict:
    return client.get(f"/api/journeys/{journey_id}/audit", headers=OWNER).json()[0]


def test_authoring_in_a_served_app_is_stamped_with_the_sim_clock():
    with api_client(publish=True) as client:
        assert client.get("/api/_sim/clock", headers=OWNER).json() == {
            "now": "2026-06-01T14:00:00Z"
        }
        journey = client.get("/api/journeys/act-onb-2026", headers=OWNER).json()
        assert journey["publishedAt"].startswith("2026-06-01T14:00:00")

        moved = client.post("/api/_sim/clock/advance", json={"by": "P3D"}, headers=OWNER)
        assert moved.json()["now"] == "2026-06-04T14:00:00Z"
        bumped = client.post("/api/journeys/act-onb-2026/draft", headers=OWNER)
        assert bumped.status_code in (200, 201), bumped.text
        entry = newest_audit(client, "act-onb-2026")
        assert entry["timestamp"].startswith("2026-06-04T14:00:00"), entry

        client.post("/api/_sim/clock/advance", json={"to": "2026-06-10T09:30:00Z"}, headers=OWNER)
        draft = client.get("/api/journeys/act-onb-2026?version=draft", headers=OWNER).json()
        patched = client.patch(
            "/api/journeys/act-onb-2026",
            json={"updatedAt": draft["updatedAt"], "description": "after a week"},
            headers=OWNER,
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["updatedAt"].startswith("2026-06-10T09:30:00")
        assert newest_audit(client, "act-onb-2026")["timestamp"].startswith("2026-06-10T09:30")


def test_advancing_into_the_past_says_both_times_in_utc_to_the_second():
    with api_client(publish=True) as client:
        answer = client.post(
            "/api/_sim/clock/advance", json={"to": "2026-05-01T09:30:00.25+02:00"}, headers=OWNER
        )
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "the clock is at 2026-06-01T14:00:00Z; it cannot go back to 2026-05-01T07:30:00Z"
    )


def test_writes_while_the_clock_stands_still_get_increasing_stamps():
    with api_client() as client:
        journey = client.get("/api/journeys/act-onb-2026?version=draft", headers=OWNER).json()
        stamps = [journey["updatedAt"]]
        for n in range(3):
            patched = client.patch(
                "/api/journeys/act-onb-2026",
                json={"updatedAt": stamps[-1], "description": f"edit {n}"},
                headers=OWNER,
            )
            stamps.append(patched.json()["updatedAt"])
        assert stamps == sorted(set(stamps))
        assert all(stamp.startswith("2026-06-01T14:00") for stamp in stamps)


def test_the_backend_clock_is_its_runtime_clock_and_both_are_clocks():
    backend = Backend.start()
    try:
        backend.load_project(fixtures_dir() / "acme", publish=True)
        runtime = backend.runtime
        with pytest.raises(RuntimeError, match="has a runtime already"):
            Runtime(backend)  # a second runtime over the store would keep a second clock
        assert isinstance(backend.clock, RuntimeClock)
        for clock in (backend.clock, runtime.clock, VirtualClock(T0)):
            assert isinstance(clock, Clock)
        runtime.ensure()
        event = InboundEvent(
            "evt-1",
            "user.signed_up",
            T0,
            {"signupSource": "ads", "plan": "trial", "endUserId": "usr_plain_ana"},
        )
        runtime.start_execution("acme", event)
        (wake,) = backend.clock.pending()
        assert isinstance(wake, Scheduled) and wake.at == T0
        assert wake.item[:2] == ("acme", "act-onb-2026")
        ran = backend.clock.advance(T0 + timedelta(days=1))
        assert [r.step_id for r in ran][:2] == ["send-welcome", "wait-3d"]
        assert backend.clock.now == runtime.now() == T0 + timedelta(days=1)
        assert backend.clock.pending()[0].at == T0 + timedelta(days=3)
    finally:
        backend.close()


def test_an_explicit_callable_clock_is_kept_for_authoring():
    instant = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    with api_client(publish=True, clock=lambda: instant) as client:
        journey = client.get("/api/journeys/act-onb-2026", headers=OWNER).json()
        assert journey["publishedAt"].startswith("2030-01-02T03:04:05")
        assert client.backend.clock.now == instant
        assert client.get("/api/_sim/clock", headers=OWNER).json()["now"] == (
            "2026-06-01T14:00:00Z"
        )


def test_a_backend_has_one_runtime_and_one_clock():
    """Reading the clock (loading a project does) makes the backend's runtime; a
    runtime made by hand after that is refused, so no second clock can drift apart."""
    backend = Backend.start()
    try:
        backend.load_project(fixtures_dir() / "acme", publish=True)
        with pytest.raises(RuntimeError, match=r"backend\.runtime"):
            Runtime(backend)
        runtime = backend.runtime
        runtime.ensure()
        runtime.advance_clock(T0 + timedelta(days=3))
        assert backend.clock.now == runtime.now() == T0 + timedelta(days=3)
    finally:
        backend.close()

    fresh = Backend.start()
    try:
        made = Runtime(fresh)  # before anything read the clock: it is the backend's
        assert fresh.runtime is made and fresh.clock.now == made.now()
    finally:
        fresh.close()
