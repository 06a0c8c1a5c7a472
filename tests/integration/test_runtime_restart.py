"""``serve --state`` across a restart: the runtime's executions come back coherent (the
executions list, DescribeExecution, and the clock closing a restored running one); an
end user erased before it stays erased though the project still holds their file; what
import-bundle wrote stays what it wrote."""

from __future__ import annotations

import json
from dataclasses import replace

from simulator.api.app import create_app
from simulator.api.middleware import SaveAfterWrites
from simulator.api.testing import ApiClient
from simulator.backend.service import Backend
from simulator.backend.settings import ApiSettings
from simulator.backend.statefile import StateKeeper
from simulator.paths import fixtures_dir

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
SYNC = {"Authorization": "Bearer sync_acme_local_only"}
JOURNEY = "act-onb-2026"
USERS = ("usr_plain_ana", "usr_activates_day1")


def event(event_id: str, user: str) -> dict:
    return {
        "id": event_id,
        "name": "user.signed_up",
        "at": "2026-06-01T14:00:00Z",
        "properties": {"signupSource": "ads", "plan": "trial", "endUserId": user},
    }


def serve(state, prefix: str):
    """What ``journeysim serve --state FILE --publish`` does before it listens."""
    base = ApiSettings()
    backend = Backend.start(replace(base, aws=replace(base.aws, table_prefix=prefix)))
    keeper = StateKeeper(backend.store, state)
    keeper.restore()
    backend.load_project(fixtures_dir() / "acme", publish=True)
    app = create_app(backend)
    keeper.save()
    return backend, ApiClient(SaveAfterWrites(app, keeper))


def executions(client) -> dict[str, dict]:
    """The executions list by (masked) end-user id."""
    rows = client.get(f"/api/journeys/{JOURNEY}/executions", headers=OWNER).json()
    return {row["endUserId"]: row for row in rows}


def start(client, event_id: str, user: str) -> str:
    """Post the trigger; the started execution's ARN (the internal route's, unmasked)."""
    answer = client.post(
        "/api/journeys/internal/start-execution", json=event(event_id, user), headers=SYNC
    )
    assert answer.status_code == 200 and answer.json()["started"], answer.text
    return answer.json()["started"][0]["executionArn"]


def test_running_executions_survive_a_restart_and_the_clock_closes_them(tmp_path):
    state = tmp_path / "state.json"
    backend, client = serve(state, "restart-a")
    with client:
        arns = [start(client, f"evt-{n}", user) for n, user in enumerate(USERS)]
        # both send their welcome and wait three days
        moved = client.post("/api/_sim/clock/advance", json={"by": "PT1H"}, headers=OWNER)
        assert moved.json()["dispatched"] >= 2
        goal = {"id": "goal-1", "name": "user.activated", "at": "2026-06-01T15:00:00Z"}
        client.post("/api/_sim/events", json={**goal, "endUserId": USERS[0]}, headers=OWNER)
        before = executions(client)
        outbox_before = client.get("/api/_sim/outbox", headers=OWNER).json()
    backend.close()
    assert len(before) == 2 and {row["status"] for row in before.values()} == {"RUNNING"}

    backend, client = serve(state, "restart-b")  # another process, another prefix
    try:
        with client:
            assert executions(client) == before
            assert client.get("/api/_sim/clock", headers=OWNER).json() == {
                "now": "2026-06-01T15:00:00Z"
            }
            assert client.get("/api/_sim/outbox", headers=OWNER).json() == outbox_before
            sfn = backend.store.session.client("stepfunctions")
            assert {sfn.describe_execution(executionArn=a)["status"] for a in arns} == {"RUNNING"}

            assert start(client, "evt-0", USERS[0]) == arns[0]  # the same event: the same one
            assert executions(client) == before

            moved = client.post("/api/_sim/clock/advance", json={"by": "P10D"}, headers=OWNER)
            assert moved.json()["dispatched"] >= 2
            closed = executions(client)
            assert {row["status"] for row in closed.values()} == {"SUCCEEDED"}
            assert {row["currentStepId"] for row in closed.values()} == {"exit"}
            assert {sfn.describe_execution(executionArn=a)["status"] for a in arns} == {"SUCCEEDED"}
    finally:
        backend.close()


def test_an_ended_execution_is_restored_ended_and_its_event_starts_nothing(tmp_path):
    state = tmp_path / "state.json"
    backend, client = serve(state, "restart-c")
    with client:
        arn = start(client, "evt-0", USERS[0])
        client.post("/api/_sim/clock/advance", json={"by": "P10D"}, headers=OWNER)
        (row,) = executions(client).values()
        assert row["status"] == "SUCCEEDED"
    backend.close()

    backend, client = serve(state, "restart-d")
    try:
        with client:
            assert list(executions(client).values()) == [row]
            sfn = backend.store.session.client("stepfunctions")
            assert sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED"
            assert start(client, "evt-0", USERS[0]) == arn
            assert list(executions(client).values()) == [row]
    finally:
        backend.close()


FORGET = "/api/journeys/internal/forget-end-user"


def simulate(client, user: str):
    body = {"subjectId": user}
    return client.post(f"/api/journeys/{JOURNEY}/simulate", json=body, headers=OWNER)


def test_an_erased_end_user_stays_erased_after_a_restart(tmp_path):
    """The restart used to load the project's ``subjects/`` over the kept state: the
    erased profile was listed, simulated and mailed again."""
    state = tmp_path / "state.json"
    project_file = fixtures_dir() / "acme" / "subjects" / f"{USERS[0]}.json"
    on_disk = project_file.read_bytes()
    backend, client = serve(state, "restart-e")
    with client:
        forgot = client.post(FORGET, json={"endUserId": USERS[0]}, headers=SYNC)
        assert forgot.status_code == 200 and forgot.json()["erased"]["profiles"] == 1
        assert simulate(client, USERS[0]).status_code == 404
        listed = client.get("/api/subjects", headers=OWNER).json()
    backend.close()

    backend, client = serve(state, "restart-f")
    try:
        with client:
            assert client.get("/api/subjects", headers=OWNER).json() == listed
            answer = simulate(client, USERS[0])
            assert (answer.status_code, answer.json()["code"]) == (404, "subject_not_found")
            assert USERS[0].encode() not in state.read_bytes()  # saved after the load
            again = client.post(FORGET, json={"endUserId": USERS[0]}, headers=SYNC).json()
            assert again["alreadyForgotten"] is True and again["erased"]["profiles"] == 0

            # A new event naming her is new data, as before the restart: it brings no
            # e-mail address, and no erased profile supplies one.
            start(client, "evt-after", USERS[0])
            client.post("/api/_sim/clock/advance", json={"by": "PT1H"}, headers=OWNER)
            assert client.get("/api/_sim/outbox", headers=OWNER).json()["messages"] == []
            stats = client.get(f"/api/journeys/{JOURNEY}/step-stats", headers=OWNER).json()
            welcome = next(row for row in stats if row["stepId"] == "send-welcome")
            assert welcome["skippedByReason"] == {"missing_recipient": 1}
    finally:
        backend.close()
    assert project_file.read_bytes() == on_disk


INTERNAL = "/api/journeys/internal"


def pinpoint_bundle(client) -> dict:
    """The Pinpoint welcome series translated, its segment holding one subject."""
    folder = fixtures_dir() / "pinpoint"
    body = {
        "export": json.loads((folder / "welcome-series.get-journey.json").read_text()),
        "templates": [json.loads(p.read_text()) for p in sorted(folder.glob("templates/*.json"))],
        "segments": json.loads((folder / "segments.json").read_text()),
    }
    bundle = client.post(f"{INTERNAL}/translate-pinpoint", json=body, headers=SYNC).json()
    (segment,) = bundle["segments"]
    segment["subjectIds"] = [USERS[1]]
    return bundle


def documents(client) -> dict[str, dict[str, dict]]:
    kinds = ("communications", "segments", "trigger-contracts")
    return {
        kind: {d["id"]: d for d in client.get(f"/api/{kind}", headers=OWNER).json()}
        for kind in kinds
    }


def test_what_import_bundle_wrote_survives_a_restart(tmp_path):
    """The restart used to load the project's documents over the kept state: the
    imported communications, segment and trigger contract were gone (the published
    journey never triggered, a new version failed unknown_communication) and a
    communication replaced by an import was the project's again."""
    state = tmp_path / "state.json"
    backend, client = serve(state, "restart-g")
    with client:
        bundle = pinpoint_bundle(client)
        imported = client.post(f"{INTERNAL}/import-bundle", json={"bundle": bundle}, headers=SYNC)
        assert imported.status_code == 200 and imported.json()["created"], imported.text
        journey_id = bundle["journeys"][0]["id"]
        assert client.post(f"/api/journeys/{journey_id}/publish", headers=OWNER).status_code == 200
        welcome = client.get("/api/communications", headers=OWNER).json()
        welcome = next(d for d in welcome if d["id"] == "comm-welcome-email")
        replacing = {"format": bundle["format"], "communications": [{**welcome, "name": "New"}]}
        body = {"bundle": replacing, "replace": True}
        assert client.post(f"{INTERNAL}/import-bundle", json=body, headers=SYNC).status_code == 200
        before = documents(client)
    backend.close()
    assert before["communications"]["comm-welcome-email"]["name"] == "New"
    assert {d["id"] for d in bundle["communications"]} <= set(before["communications"])

    backend, client = serve(state, "restart-h")
    try:
        with client:
            assert documents(client) == before
            signup = {"id": "evt-signup", "name": "signup", "at": "2026-06-01T14:00:00Z"}
            signup["properties"] = {"endUserId": USERS[1]}
            answer = client.post(f"{INTERNAL}/start-execution", json=signup, headers=SYNC)
            assert [s["journeyId"] for s in answer.json()["started"]] == [journey_id]
            bumped = client.post(f"/api/journeys/{journey_id}/draft", headers=OWNER)
            assert bumped.status_code == 201, bumped.text
            published = client.post(f"/api/journeys/{journey_id}/publish", headers=OWNER)
            assert published.json() == {"id": journey_id, "version": 2}, published.text
    finally:
        backend.close()


def test_forget_counts_the_events_posted_before_a_restart(tmp_path):
    """The count came from the runtime's cache of the subject's history, empty after a
    restart, so the events erased from the store went unreported."""
    state = tmp_path / "state.json"
    user = "usr_trial_checkout"
    backend, client = serve(state, "restart-i")
    with client:
        for n in range(2):
            posted = {"id": f"evt-posted-{n}", "name": "page.viewed", "at": "2026-06-01T14:00:00Z"}
            answer = client.post(
                "/api/_sim/events", json={**posted, "endUserId": user}, headers=OWNER
            )
            assert answer.status_code == 200, answer.text
    backend.close()

    backend, client = serve(state, "restart-j")
    try:
        with client:
            forgot = client.post(FORGET, json={"endUserId": user}, headers=SYNC).json()
            assert forgot["erased"]["events"] == 2
            assert user.encode() not in state.read_bytes()  # the events with the rest
    finally:
        backend.close()
