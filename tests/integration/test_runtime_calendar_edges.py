"""The ends of the calendar through the API (a QA pass against ``journeysim serve``):
a wait ``until`` that is year 10000 in UTC, and a call that fails part-way."""

from __future__ import annotations

import pytest
from runtime_routes import ADVANCE, OWNER, START, SYNC, VIEWER, signup

from simulator.api.testing import api_client
from simulator.validation import steps as step_checks

JOURNEY = "/api/journeys/act-onb-2026"
DISPATCH = "/api/journeys/internal/dispatch"
PAST_THE_END = "9999-12-31T23:59:59-05:00"
"""Inside the calendar as written, 10000-01-01T04:59:59Z in UTC."""
WAIT_UNTIL = [
    {"id": "send-welcome", "type": "send", "communicationId": "comm-welcome-email", "next": "w"},
    {"id": "w", "type": "wait", "until": PAST_THE_END, "next": "exit"},
    {"id": "exit", "type": "exit"},
]


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


def _draft(api, steps: list[dict]) -> None:
    assert api.post(f"{JOURNEY}/draft", headers=OWNER).status_code == 201
    draft = api.get(f"{JOURNEY}?version=draft", headers=VIEWER).json()
    body = {"steps": steps, "updatedAt": draft["updatedAt"]}
    assert api.patch(JOURNEY, json=body, headers=OWNER).status_code == 200


def _stats(api) -> dict[str, tuple[int, int]]:
    rows = api.get(f"{JOURNEY}/step-stats", headers=VIEWER).json()
    return {row["stepId"]: (row["executed"], row["failed"]) for row in rows}


def test_a_wait_until_past_the_calendar_in_utc_cannot_be_published(api):
    _draft(api, WAIT_UNTIL)
    refused = api.post(f"{JOURNEY}/publish", headers=OWNER)
    assert refused.status_code == 400, refused.text
    (finding,) = refused.json()["details"]
    assert (finding["code"], finding["path"]) == ("invalid_wait", "/steps/1/until")
    assert finding["message"] == (
        f"wait step 'w': until '{PAST_THE_END}' is outside the calendar in UTC (years 1 to 9999)"
    )


@pytest.fixture
def published_before_the_check(api, monkeypatch):
    """The journey as a build without the check published it (a state file keeps it)."""
    _draft(api, WAIT_UNTIL)
    with monkeypatch.context() as before:
        before.setattr(step_checks, "in_calendar", lambda moment: True)
        assert api.post(f"{JOURNEY}/publish", headers=OWNER).status_code == 200
    return api


def test_an_execution_reaching_it_ends_failed_calendar_end(published_before_the_check):
    """Every dispatch, clock move and dry-run that reached the wait was a 500
    (OverflowError), the dispatch counted the step anyway and the execution stayed
    RUNNING for ever; it now ends FAILED at the wait, as README says."""
    api = published_before_the_check
    started = api.post(START, json=signup("late"), headers=SYNC).json()["started"]
    arn = {"executionArn": started[0]["executionArn"]}
    assert api.post(DISPATCH, json=arn, headers=SYNC).json()["status"] == "RUNNING"
    ended = api.post(DISPATCH, json=arn, headers=SYNC).json()
    assert (ended["status"], ended["wakeAt"]) == ("FAILED", None)
    assert (ended["step"]["stepId"], ended["step"]["reason"]) == ("w", "invalid_wait")
    assert ended["step"]["message"] == (
        f"the wait until {PAST_THE_END} would end after 9999-12-31, "
        "the end of the calendar: the execution stops here"
    )
    assert _stats(api)["w"] == (0, 1)
    audit = api.get(f"{JOURNEY}/audit", headers=VIEWER).json()
    assert audit[0]["metadata"]["warning"] == "calendar_end"
    moved = api.post(ADVANCE, json={"by": "P1D"}, headers=OWNER)
    assert moved.status_code == 200, moved.text


def test_a_clock_move_reaching_it_ends_the_execution(published_before_the_check):
    api = published_before_the_check
    api.post(START, json=signup("late"), headers=SYNC)
    moved = api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    assert moved.status_code == 200, moved.text
    (row,) = api.get(f"{JOURNEY}/executions", headers=OWNER).json()
    assert (row["status"], row["currentStepId"]) == ("FAILED", "w")


def test_its_dry_run_ends_calendar_end(published_before_the_check):
    api = published_before_the_check
    body = {"subjectId": "usr_plain_ana"}
    answer = api.post(f"{JOURNEY}/simulate", json=body, headers=OWNER)
    assert answer.status_code == 200, answer.text
    trace = answer.json()
    assert [(s["stepId"], s["decision"]) for s in trace["steps"]][-1] == ("w", "failed")
    assert [w["code"] for w in trace["warnings"]] == ["calendar_end"]


def test_a_journey_last_written_at_the_calendar_end_is_refused_a_later_write(api):
    """At 9999-12-31T23:59:59.999999Z a second write of a journey needed an
    ``updatedAt`` one microsecond later: 500 (OverflowError in next_timestamp). There
    is none; the write is a 409 and nothing changes."""
    for _ in range(7):  # the clock moves at most 1000 years at once
        assert api.post(ADVANCE, json={"by": "P1000Y"}, headers=OWNER).status_code == 200
    end = {"to": "9999-12-31T23:59:59.999999Z"}
    assert api.post(ADVANCE, json=end, headers=OWNER).status_code == 200
    template = api.get(JOURNEY, headers=VIEWER).json()
    body = {k: template[k] for k in ("name", "audienceId", "triggerContractId", "steps")}
    created = api.post("/api/journeys", json={**body, "id": "last-one"}, headers=OWNER)
    assert created.status_code == 201, created.text
    stamp = created.json()["updatedAt"]
    assert stamp == end["to"]
    patch = {"name": "Renamed", "updatedAt": stamp}
    for refused in (
        api.patch("/api/journeys/last-one", json=patch, headers=OWNER),
        api.post("/api/journeys/last-one/publish", headers=OWNER),
    ):
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "conflict"
        assert "the end of the calendar: no later write can be stamped" in refused.json()["error"]
    after = api.get("/api/journeys/last-one", headers=VIEWER).json()
    assert (after["name"], after["updatedAt"], after["status"]) == (body["name"], stamp, "draft")


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+05:00", "0001-01-01T04:59:59+05:00"])
def test_a_dry_run_starting_before_year_1_in_utc_is_told_to_start_later(api, at):
    """It was told "give an earlier start", with type ``invalid_request``."""
    body = {"subjectId": "usr_plain_ana", "at": at}
    refused = api.post(f"{JOURNEY}/simulate", json=body, headers=OWNER)
    assert refused.status_code == 400, refused.text
    (detail,) = refused.json()["details"]
    assert (detail["path"], detail["type"]) == ("/at", "timestamp")
    assert detail["message"].endswith("give a later start")
    assert "earlier" not in refused.json()["error"]
