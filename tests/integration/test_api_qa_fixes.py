"""Defects a QA pass found in the Journeys API: a dry-run of a published version that
rendered the workspace's current communications instead of the version's pins, an
event id reused for another event that was swallowed, a PATCH without a draft that
answered ``draft_conflict``, and refusals about a place in the request with no detail
pointing at it."""

from __future__ import annotations

from runtime_routes import ADVANCE, EVENTS, OWNER, START, SYNC, signup

from simulator.api.testing import api_client

IMPORT = "/api/journeys/internal/import-bundle"
NEW_BODY = "<p>Hi {{ firstName }}, welcome to the new Acme.</p>"


def _replace_welcome(api) -> None:
    """Replace ``comm-welcome-email`` with a new body: the store makes it version 4."""
    communications = api.get("/api/communications", headers=OWNER).json()
    [welcome] = [c for c in communications if c["id"] == "comm-welcome-email"]
    bundle = {
        "format": "journeysim.import-bundle/v1",
        "journeys": [],
        "communications": [{**welcome, "body": NEW_BODY}],
    }
    answer = api.post(IMPORT, json={"bundle": bundle, "replace": True}, headers=SYNC)
    assert answer.status_code == 200, answer.text


def _welcome_send(trace: dict) -> dict:
    [step] = [s for s in trace["steps"] if s["stepId"] == "send-welcome"]
    return step["send"]


# --- 1: a dry-run of a published version renders that version's pins ------------------


def test_a_dry_run_of_a_published_version_renders_what_the_runtime_sends():
    """After the communication became version 4, the dry-run of version 1 rendered
    version 4 and its new body, while version 1 pins version 3 and its executions send
    version 3."""
    with api_client(publish=True) as api:
        _replace_welcome(api)
        shown = api.get("/api/journeys/act-onb-2026?version=1", headers=OWNER).json()
        [pin] = [p for p in shown["pins"]["communications"] if p["stepId"] == "send-welcome"]
        assert pin["version"] == 3

        body = {"subjectAttributes": {"plan": "free", "email": "x@y.com"}, "version": 1}
        trace = api.post("/api/journeys/act-onb-2026/simulate", json=body, headers=OWNER)
        assert trace.status_code == 200, trace.text
        rendered = _welcome_send(trace.json())

        started = api.post(
            "/api/journeys/internal/start-execution", json=signup("e-pin"), headers=SYNC
        )
        assert [s["version"] for s in started.json()["started"]] == [1]
        api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
        [sent] = [
            m
            for m in api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
            if m["communicationId"] == "comm-welcome-email"
        ]
        assert rendered["communicationVersion"] == sent["communicationVersion"] == 3
        assert "new Acme" not in rendered["rendered"]["body"]
        assert "new Acme" not in sent["rendered"]["body"]


def test_a_dry_run_of_a_draft_renders_the_current_communications():
    """A draft has no pins yet: it runs with what publishing it now would pin."""
    with api_client(publish=True) as api:
        _replace_welcome(api)
        assert api.post("/api/journeys/act-onb-2026/draft", headers=OWNER).status_code == 201
        body = {"subjectAttributes": {"plan": "free", "email": "x@y.com"}}
        trace = api.post("/api/journeys/act-onb-2026/simulate", json=body, headers=OWNER)
        assert trace.status_code == 200, trace.text
        assert trace.json()["version"] == "draft"
        send = _welcome_send(trace.json())
        assert send["communicationVersion"] == 4
        assert "new Acme" in send["rendered"]["body"]


# --- 2: an event id used for another event is a conflict, not a retry ------------------


def _state(api) -> tuple[list, list]:
    """What the runtime wrote that a client can see: the executions and the outbox."""
    executions = api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json()
    messages = api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
    return executions, messages


def _refused_as_conflict(answer) -> None:
    assert answer.status_code == 409, answer.text
    error = answer.json()
    assert error["code"] == "event_id_conflict"
    [detail] = error["details"]
    assert (detail["in"], detail["path"], detail["type"]) == ("body", "/id", "event_id_conflict")
    assert "another event" in error["error"]


def test_an_event_id_reused_for_another_event_is_refused_at_start_execution():
    """A second start-execution with ``id: evt-42`` and another end user answered 200
    with the first user's ``started`` and recorded nothing for the second."""
    with api_client(publish=True) as api:
        first = api.post(START, json=signup("evt-42"), headers=SYNC)
        assert first.status_code == 200, first.text
        assert len(first.json()["started"]) == 1
        # the same event again is a retry: the same answer, nothing started
        assert api.post(START, json=signup("evt-42"), headers=SYNC).json() == first.json()
        before = _state(api)

        other = signup("evt-42", "usr_activates_day1", at="2026-06-01T15:00:00Z")
        _refused_as_conflict(api.post(START, json=other, headers=SYNC))
        _refused_as_conflict(api.post(EVENTS, json=other, headers=OWNER))
        assert _state(api) == before
        # and the first event's retries still answer as before
        assert api.post(START, json=signup("evt-42"), headers=SYNC).json() == first.json()


def test_an_event_id_reused_for_another_goal_event_is_refused_at_sim_events():
    """A goal event posted under an id already used was swallowed: it answered the first
    event's result and counted nothing."""
    with api_client(publish=True) as api:
        goal = {
            "id": "evt-goal",
            "name": "user.activated",
            "at": "2026-06-01T16:00:00Z",
            "properties": {"endUserId": "usr_plain_ana"},
        }
        first = api.post(EVENTS, json=goal, headers=OWNER)
        assert first.status_code == 200, first.text
        assert api.post(EVENTS, json=goal, headers=OWNER).json() == first.json()

        other = {**goal, "properties": {"endUserId": "usr_activates_day1"}}
        _refused_as_conflict(api.post(EVENTS, json=other, headers=OWNER))
        _refused_as_conflict(api.post(EVENTS, json={**goal, "name": "x.y"}, headers=OWNER))
        _refused_as_conflict(api.post(START, json=other, headers=SYNC))
        assert api.post(EVENTS, json=goal, headers=OWNER).json() == first.json()


def test_the_openapi_document_names_the_event_id_conflict():
    with api_client() as api:
        paths = api.get("/openapi.json").json()["paths"]
        for route in (START, EVENTS):
            answers = paths[route]["post"]["responses"]
            assert "event_id_conflict" in answers["409"]["description"]


# --- 3: PATCH of a journey with no draft says no_draft, whatever updatedAt says -------

STALE = "2001-01-01T00:00:00Z"


def _patch(api, journey_id: str, updated_at: str):
    body = {"updatedAt": updated_at, "name": "Renamed"}
    return api.patch(f"/api/journeys/{journey_id}", json=body, headers=OWNER)


def test_a_patch_without_a_draft_is_no_draft_even_with_a_stale_updated_at():
    """A stale updatedAt answered ``draft_conflict`` ("the draft changed since you read
    it") for a journey with no draft; reloading and sending the shown one then answered
    ``no_draft``: no updatedAt makes the edit possible, so that comes first."""
    with api_client(publish=True) as api:
        shown = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()["updatedAt"]
        for updated_at in (STALE, shown):
            answer = _patch(api, "act-onb-2026", updated_at)
            assert (answer.status_code, answer.json()["code"]) == (409, "no_draft"), answer.text


def test_a_patch_of_an_archived_journey_is_journey_archived_even_with_a_stale_updated_at():
    with api_client(publish=True) as api:
        assert api.post("/api/journeys/act-onb-2026/archive", headers=OWNER).status_code == 200
        answer = _patch(api, "act-onb-2026", STALE)
        assert (answer.status_code, answer.json()["code"]) == (409, "journey_archived")


def test_a_stale_patch_of_a_draft_is_still_a_draft_conflict():
    with api_client(publish=True) as api:
        bumped = api.post("/api/journeys/act-onb-2026/draft", headers=OWNER).json()
        answer = _patch(api, "act-onb-2026", STALE)
        assert (answer.status_code, answer.json()["code"]) == (409, "draft_conflict")
        assert answer.json()["details"][0]["updatedAt"] == bumped["updatedAt"]


# --- 4: refusals about a place in the request say where ---------------------------------


def _detail(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    error = answer.json()
    assert error["code"] == code
    [detail] = error["details"]
    assert detail["type"] == code and detail["message"] == error["error"]
    return detail


def test_an_unknown_execution_arn_is_located_at_execution_arn():
    with api_client(publish=True) as api:
        body = {"executionArn": "arn:aws:states:us-east-1:0:execution:disp:nope"}
        answer = api.post("/api/journeys/internal/dispatch", json=body, headers=SYNC)
        detail = _detail(answer, 404, "execution_not_found")
        assert (detail["in"], detail["path"]) == ("body", "/executionArn")


def test_no_draft_and_journey_archived_are_located_at_the_journey_id():
    with api_client(publish=True) as api:
        shown = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()["updatedAt"]
        refusals = [
            (_patch(api, "act-onb-2026", shown), "no_draft"),
            (api.post("/api/journeys/act-onb-2026/publish", headers=OWNER), "no_draft"),
        ]
        assert api.post("/api/journeys/act-onb-2026/archive", headers=OWNER).status_code == 200
        shown = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()["updatedAt"]
        refusals += [
            (_patch(api, "act-onb-2026", shown), "journey_archived"),
            (api.post("/api/journeys/act-onb-2026/draft", headers=OWNER), "journey_archived"),
        ]
        for answer, code in refusals:
            detail = _detail(answer, 409, code)
            assert (detail["in"], detail["path"]) == ("path", "/journey_id")


def test_a_bad_journey_id_quotes_the_pattern_the_openapi_document_shows():
    """The message quoted ``^[A-Za-z0-9_]…`` (the validator lets a leading ``_`` through
    so that it is refused as reserved) while the OpenAPI document says ``^[A-Za-z0-9]…``,
    which is what is accepted."""
    with api_client() as api:
        schema = api.get("/openapi.json").json()["components"]["schemas"]["CreateJourney"]
        [documented] = [s["pattern"] for s in schema["properties"]["id"]["anyOf"] if "pattern" in s]
        for bad in ("bad id!", "-leading-dash"):
            answer = api.post("/api/journeys", json={"id": bad, "name": "X"}, headers=OWNER)
            assert answer.status_code == 400, answer.text
            [detail] = answer.json()["details"]
            assert detail["path"] == "/id"
            assert detail["message"] == f"must match the pattern {documented}"
        # and a leading '_' still gets its own code
        answer = api.post("/api/journeys", json={"id": "_mine", "name": "X"}, headers=OWNER)
        assert answer.json()["code"] == "reserved_journey_id"


def test_an_event_id_posted_for_another_end_user_through_the_runtime_is_refused():
    """``Runtime.post_event`` takes the end user apart from the properties (the scenario
    runner posts goals with none): its digest left that user out, so one id posted for
    two end users passed for a retry."""
    from datetime import UTC, datetime

    import pytest

    from simulator.backend.errors import EventIdConflict
    from simulator.runtime.runtime import InboundEvent

    with api_client(publish=True) as api:
        runtime = api.backend.runtime
        runtime.ensure()  # its tables, as the API's first runtime call makes them
        ws = "acme"  # fixtures/acme's workspace
        event = InboundEvent("goal-1", "user.activated", datetime(2026, 6, 1, 16, tzinfo=UTC), {})
        first = runtime.post_event(ws, event, "usr_plain_ana")
        assert runtime.post_event(ws, event, "usr_plain_ana") == first
        with pytest.raises(EventIdConflict):
            runtime.post_event(ws, event, "usr_activates_day1")
