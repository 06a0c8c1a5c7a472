"""Defects a third QA pass found against ``journeysim serve``, each driven through the
API in-process: a replacing import that kept the old draft's fields."""

from __future__ import annotations

import pytest
from runtime_routes import OWNER, SYNC, VIEWER, signup

from simulator.api.testing import api_client

IMPORT = "/api/journeys/internal/import-bundle"
FORMAT = "journeysim.import-bundle/v1"


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


# --- A2: a replacing import makes the draft exactly the bundle's journey ---------------


def _bundle(*journeys: dict, segments: tuple[dict, ...] = ()) -> dict:
    return {
        "format": FORMAT,
        "source": {"kind": "pinpoint", "name": "x"},
        "journeys": list(journeys),
        "communications": [],
        "segments": list(segments),
        "triggerContracts": [],
        "idMap": {},
        "report": [],
    }


_JOURNEY_FIELDS = ("audienceId", "triggerContractId", "goalEventName", "goalEventWindowDays")


def _version_one(api) -> dict:
    version = api.get("/api/journeys/win-back-2026?version=1", headers=VIEWER).json()
    return {field: version.get(field) for field in ("name", "steps", *_JOURNEY_FIELDS)}


@pytest.mark.parametrize("open_draft", [False, True], ids=["published-only", "with-draft"])
def test_a_replacing_import_leaves_nothing_of_the_old_draft(api, open_draft):
    """The bundle's journey was applied as a PATCH: the fields it left out kept the old
    journey's audience, trigger contract and goal, so the "imported" draft still
    listened to the old trigger with the old audience."""
    journey = "/api/journeys/win-back-2026"
    published = _version_one(api)
    assert all(published[field] is not None for field in _JOURNEY_FIELDS)
    if open_draft:
        assert api.post(f"{journey}/draft", headers=OWNER).status_code == 201
    imported = {
        "id": "win-back-2026",
        "name": "Imported",
        "steps": [{"id": "exit", "type": "exit"}],
    }
    static = {"id": "seg-churned-customers", "name": "Listed", "kind": "static", "subjectIds": []}
    body = {"replace": True, "bundle": _bundle(imported, segments=(static,))}
    answer = api.post(IMPORT, json=body, headers=SYNC)
    assert answer.status_code == 200, answer.text
    assert answer.json()["replaced"] == ["win-back-2026"]

    draft = api.get(f"{journey}?version=draft", headers=VIEWER).json()
    assert {field: draft.get(field) for field in _JOURNEY_FIELDS} == dict.fromkeys(_JOURNEY_FIELDS)
    assert (draft["name"], draft["description"], draft["steps"]) == (
        "Imported",
        "",
        imported["steps"],
    )
    assert draft["draft"] == {"basedOnVersion": 1}
    # the published version stays as history, untouched
    assert _version_one(api) == published
    # a replaced document is replaced whole too: the old rules do not linger
    segments = {s["id"]: s for s in api.get("/api/segments", headers=VIEWER).json()}
    assert segments["seg-churned-customers"] == static


# --- A6: dry-run audit entries name nobody once the subject is erased ------------------


def test_dry_run_audit_entries_name_nobody_after_erasure(api):
    """``simulate-with-real-user`` and ``dry-run-override-applied`` held the subject's
    id masked as traces show it (``usr_plain_A•••``): still one findable person after
    ``forget-end-user``, while the runtime's own entries held a pseudonym erasure cuts
    loose. They now carry the runtime's pseudonym."""
    simulate = "/api/journeys/act-onb-2026/simulate"
    assert (
        api.post(simulate, json={"subjectId": "usr_plain_ana"}, headers=VIEWER).status_code == 200
    )
    with_override = {"subjectId": "usr_plain_ana", "overrides": ["holdout"]}
    assert api.post(simulate, json=with_override, headers=OWNER).status_code == 200
    started = api.post(
        "/api/journeys/internal/start-execution", json=signup("evt-a6"), headers=SYNC
    )
    assert started.status_code == 200 and started.json()["started"], started.text

    def audit() -> list[dict]:
        return api.get("/api/journeys/act-onb-2026/audit", headers=VIEWER).json()

    dry_runs = [e for e in audit() if e["action"] in _DRY_RUN_ACTIONS]
    assert len(dry_runs) == 3, dry_runs
    (runtime_entry,) = [e for e in audit() if e["action"] == "execution.started"]
    pseudonym = runtime_entry["metadata"]["subject"]
    assert {e["metadata"]["subject"] for e in dry_runs} == {pseudonym}  # one name, two drivers

    forget = {"endUserId": "usr_plain_ana"}
    erased = api.post("/api/journeys/internal/forget-end-user", json=forget, headers=SYNC)
    assert erased.status_code == 200, erased.text
    after = audit()
    assert [e for e in after if e["action"] in _DRY_RUN_ACTIONS] == dry_runs  # append-only
    assert "usr_plain" not in str(after) and "subjectId" not in str(after)
    # the pseudonym's one link to the person is gone
    subjects = api.backend.runtime.tables["subjects"]
    assert not [key for pk, key in subjects.partitions() if pk.endswith("#usr_plain_ana")]
    assert pseudonym not in str([subjects.get(pk, key) for pk, key in subjects.partitions()])


_DRY_RUN_ACTIONS = {"simulate-with-real-user", "dry-run-override-applied"}


# --- A7: events dated past the clock's reach, and waits past the calendar's end ---------

START = "/api/journeys/internal/start-execution"
EVENTS = "/api/_sim/events"
DISPATCH = "/api/journeys/internal/dispatch"
ADVANCE = "/api/_sim/clock/advance"


def _signup(event_id: str, at: str, end_user_id: str = "usr_far") -> dict:
    properties = {"endUserId": end_user_id, "signupSource": "ads", "plan": "trial"}
    return {"id": event_id, "name": "user.signed_up", "at": at, "properties": properties}


@pytest.mark.parametrize(("path", "headers"), [(START, SYNC), (EVENTS, OWNER)])
def test_an_event_dated_beyond_the_clocks_reach_is_refused_at_its_time(api, path, headers):
    """An event dated 9999-12-31 started an execution there, whose first wait failed
    with "date value out of range" while the execution went on. An event may be dated
    at most as far ahead as the clock moves at once (1,000 years)."""
    before = api.get("/api/journeys/act-onb-2026/audit", headers=VIEWER).json()
    for _attempt in range(2):  # a retry is refused the same way, and starts nothing
        answer = api.post(path, json=_signup("far", "9999-12-31T00:00:00Z"), headers=headers)
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert body["code"] == "invalid_request"
        (detail,) = body["details"]
        assert (detail["in"], detail["path"], detail["type"]) == ("body", "/at", "too_far_ahead")
        assert detail["latest"] == "3026-06-01T14:00:00Z"
        assert "more than 1000 years after the clock" in detail["message"]
    assert api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json() == []
    assert api.get("/api/journeys/act-onb-2026/audit", headers=VIEWER).json() == before
    # as far as the clock moves at once is accepted
    within = api.post(path, json=_signup("near", "3026-06-01T14:00:00Z"), headers=headers)
    assert within.status_code == 200, within.text
    assert [s["journeyId"] for s in within.json()["started"]] == ["act-onb-2026"]


def test_a_wait_that_would_wake_past_the_calendar_fails_the_execution(api):
    """Moved by many advances to the calendar's last days, the clock lets an event start
    an execution there; its 3-day wait cannot wake. It used to fail with Python's
    message and carry on, RUNNING; the execution now ends FAILED at the wait."""
    for _ in range(7):
        assert api.post(ADVANCE, json={"by": "P1000Y"}, headers=OWNER).status_code == 200
    # the clock at the event's time: a dispatch runs only what is due (execution_not_due)
    moved = api.post(ADVANCE, json={"to": "9999-12-31T00:00:00Z"}, headers=OWNER)
    assert moved.status_code == 200, moved.text
    started = api.post(START, json=_signup("last-day", "9999-12-31T00:00:00Z"), headers=SYNC)
    assert started.status_code == 200, started.text
    (execution,) = started.json()["started"]
    arn = {"executionArn": execution["executionArn"]}

    first = api.post(DISPATCH, json=arn, headers=SYNC).json()
    assert (first["step"]["stepId"], first["status"]) == ("send-welcome", "RUNNING")
    second = api.post(DISPATCH, json=arn, headers=SYNC).json()
    assert (second["status"], second["wakeAt"]) == ("FAILED", None)
    step = second["step"]
    assert (step["stepId"], step["decision"], step["reason"]) == (
        "wait-3d",
        "failed",
        "invalid_wait",
    )
    assert step["message"] == (
        "the wait of P3D from 9999-12-31T00:00:00Z would end after 9999-12-31, "
        "the end of the calendar: the execution stops here"
    )
    assert "next" not in step
    again = api.post(DISPATCH, json=arn, headers=SYNC).json()
    assert (again["status"], again["step"]) == ("FAILED", None)  # it does not move on
    (row,) = api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json()
    assert (row["status"], row["currentStepId"]) == ("FAILED", "wait-3d")
    sfn = api.backend.runtime.sfn
    described = sfn.client.describe_execution(executionArn=execution["executionArn"])
    assert described["status"] == "FAILED"

    audit = api.get("/api/journeys/act-onb-2026/audit", headers=VIEWER).json()
    assert audit[0]["action"] == "execution.failed"
    assert audit[0]["metadata"]["warning"] == "calendar_end"
    # newest first, and no entry stamped ahead of a later one (execution.started was
    # stamped at the event's time, ahead of the clock)
    stamps = [entry["timestamp"] for entry in audit]
    assert stamps == sorted(stamps, reverse=True)
