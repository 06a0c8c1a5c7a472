"""The runtime's HTTP routes in-process: internal auth, triggers, the _sim clock,
outbox and stats, and 4xx with a code on bad input."""

from __future__ import annotations

import json
import zlib

import pytest

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir

SYNC = {"Authorization": "Bearer sync_acme_local_only"}
EVENT = {
    "id": "evt-1",
    "name": "user.signed_up",
    "at": "2026-06-01T14:00:00Z",
    "properties": {"signupSource": "ads", "plan": "trial", "endUserId": "usr_plain_ana"},
}


@pytest.fixture(scope="module")
def client():
    with api_client(publish=True) as client:
        yield client


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer sync_wrong"}, 401, "unauthorized"),
        ({"Authorization": "Bearer tok_owner_acme_ada"}, 403, "forbidden"),
    ],
)
@pytest.mark.parametrize("route", ["start-execution", "dispatch"])
def test_internal_routes_take_only_the_sync_api_key(client, headers, status, code, route):
    body = EVENT if route == "start-execution" else {"executionArn": "arn:x"}
    response = client.post(f"/api/journeys/internal/{route}", json=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_trigger_over_http_runs_to_the_outbox_as_the_clock_advances(client):
    owner = client.auth("owner")
    started = client.post("/api/journeys/internal/start-execution", json=EVENT, headers=SYNC)
    assert started.status_code == 200, started.text
    answer = started.json()
    assert answer["eventId"] == "evt-1" and len(answer["started"]) == 1
    again = client.post("/api/journeys/internal/start-execution", json=EVENT, headers=SYNC)
    assert again.json() == answer

    rows = client.get("/api/journeys/act-onb-2026/executions", headers=owner).json()
    assert [(r["status"], r["currentStepId"]) for r in rows] == [("RUNNING", "send-welcome")]

    moved = client.post("/api/_sim/clock/advance", json={"by": "P5D"}, headers=owner)
    assert moved.json() == {"now": "2026-06-06T14:00:00Z", "dispatched": 5}
    assert client.get("/api/_sim/clock", headers=owner).json() == {"now": "2026-06-06T14:00:00Z"}
    rows = client.get("/api/journeys/act-onb-2026/executions", headers=owner).json()
    assert [(r["status"], r["currentStepId"]) for r in rows] == [("SUCCEEDED", "exit")]

    outbox = client.get(
        "/api/_sim/outbox", params={"journeyId": "act-onb-2026"}, headers=owner
    ).json()
    assert [m["stepId"] for m in outbox["messages"]] == ["send-welcome", "send-reengage"]
    assert outbox["cursor"] is None
    assert outbox["messages"][0]["rendered"]["subjectLine"] == "Welcome to Acme Analytics, A•••!"

    stats = client.get("/api/journeys/act-onb-2026/step-stats", headers=owner).json()
    assert {r["stepId"]: r["executed"] for r in stats}["send-welcome"] == 1
    impact = client.get("/api/journeys/act-onb-2026/calibrated-impact", headers=owner).json()
    assert impact["triggered"]["exposed"] == 1 and len(impact["dailyTrend"]) == 30
    branches = client.get("/api/journeys/trial-conv-2026/branch-performance", headers=owner)
    assert [b["stepId"] for b in branches.json()] == ["offer-subject-test"]


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/api/_sim/clock/advance", {"to": "2020-01-01T00:00:00Z"}, "invalid_request"),
        ("/api/_sim/clock/advance", {"by": "three days"}, "invalid_request"),
        ("/api/_sim/clock/advance", {}, "invalid_request"),
        ("/api/_sim/clock/advance", {"to": "2026-07-01T00:00:00"}, "invalid_request"),
        (
            "/api/_sim/events",
            {"id": "e", "name": "x", "at": "2026-07-01T00:00:00Z"},
            "invalid_request",
        ),
        (
            "/api/_sim/events",
            {"id": "e", "name": "x", "at": "soon", "endUserId": "u"},
            "invalid_request",
        ),
        (
            "/api/_sim/events",
            {"id": "e", "name": "x", "at": "2026-07-01T00:00:00Z", "extra": 1},
            "invalid_request",
        ),
    ],
)
def test_bad_simulator_input_is_400_with_a_code(client, path, body, code):
    response = client.post(path, json=body, headers=client.auth("owner"))
    assert (response.status_code, response.json()["code"]) == (400, code), response.text


def test_viewers_cannot_move_the_clock_and_unknown_things_are_404(client):
    viewer = client.auth("viewer")
    response = client.post("/api/_sim/clock/advance", json={"by": "P1D"}, headers=viewer)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    response = client.get("/api/journeys/nope/step-stats", headers=viewer)
    assert (response.status_code, response.json()["code"]) == (404, "journey_not_found")
    response = client.post(
        "/api/journeys/internal/dispatch", json={"executionArn": "arn:nope"}, headers=SYNC
    )
    assert (response.status_code, response.json()["code"]) == (404, "execution_not_found")
    response = client.get("/api/_sim/outbox", params={"cursor": "x"}, headers=viewer)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")


def _everything(client, owner):
    """Every route's answer about the workspace, and every item of every table."""
    texts = []
    for path in ("/api/journeys", "/api/_sim/outbox", "/api/workspace/subjects"):
        texts.append(client.get(path, headers=owner).text)
    for journey in client.get("/api/journeys", headers=owner).json():
        for tail in ("", "/audit", "/executions", "/step-stats", "/calibrated-impact"):
            texts.append(client.get(f"/api/journeys/{journey['id']}{tail}", headers=owner).text)
    db = client.backend.store.db
    prefix = client.backend.store.session.settings.table_prefix + "-"
    for table in [t for t in db.list_tables()["TableNames"] if t.startswith(prefix)]:
        for page in db.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                for value in item.values():
                    blob = value.get("B")  # documents and versions are zlib-compressed JSON
                    texts.append(zlib.decompress(blob).decode() if blob else repr(value))
    return "\n".join(texts)


def test_forget_end_user_leaves_nothing_aborts_and_keeps_the_stats():
    with api_client(publish=True) as client:
        owner = client.auth("owner")
        subject = client.backend.directory.subject("acme", "usr_trial_checkout")
        trial = {
            "id": "evt-trial",
            "name": "subscription.trial_started",
            "at": "2026-06-01T14:00:00Z",
            "properties": {
                "trialPlan": "growth",
                "trialDays": 14,
                "seats": 4,
                "endUserId": "usr_trial_checkout",
            },
        }
        client.post("/api/journeys/internal/start-execution", json=trial, headers=SYNC)
        client.post("/api/_sim/clock/advance", json={"by": "PT1H"}, headers=owner)
        [row] = client.get("/api/journeys/trial-conv-2026/executions", headers=owner).json()
        arn = row["executionArn"]
        stats = client.get("/api/journeys/trial-conv-2026/step-stats", headers=owner).json()
        impact = client.get("/api/journeys/trial-conv-2026/calibrated-impact", headers=owner)

        before = _everything(client, owner)
        assert "usr_trial_checkout" in before and subject.attributes["email"] in before

        body = {"endUserId": "usr_trial_checkout"}
        forgot = client.post("/api/journeys/internal/forget-end-user", json=body, headers=SYNC)
        assert forgot.status_code == 200, forgot.text
        answer = forgot.json()
        assert answer["stoppedExecutions"] == 1 and answer["alreadyForgotten"] is False
        assert answer["erased"]["executions"] == 1 and answer["erased"]["profiles"] == 1
        assert (
            client.backend.store.session.client("stepfunctions").describe_execution(
                executionArn=arn
            )["status"]
            == "ABORTED"
        )

        everything = _everything(client, owner)
        pii = client.backend.directory.world("acme").workspace.pii_attributes
        values = [subject.attributes[name] for name in pii if name in subject.attributes]
        assert len(values) >= 3  # e-mail, phone, names: what identifies the person
        for needle in ["usr_trial_checkout", *values]:
            assert needle not in everything, needle
        assert client.get("/api/journeys/trial-conv-2026/step-stats", headers=owner).json() == stats
        after = client.get("/api/journeys/trial-conv-2026/calibrated-impact", headers=owner)
        assert after.json() == impact.json()

        second = client.post("/api/journeys/internal/forget-end-user", json=body, headers=SYNC)
        assert second.json()["alreadyForgotten"] is True
        assert second.json()["stoppedExecutions"] == 0


def test_forget_end_user_who_posted_events_erases_them_and_audits_each_journey_once():
    """Posted end-user events sit in the subject's index beside its executions; erasing
    them is no journey's audit entry (an erasure once answered 500 here)."""
    with api_client(publish=True) as client:
        owner = client.auth("owner")
        signup = {
            "id": "evt-forget",
            "name": "user.signed_up",
            "at": "2026-06-01T14:00:00Z",
            "properties": {"endUserId": "usr_plain_ana", "signupSource": "ads", "plan": "trial"},
        }
        started = client.post("/api/journeys/internal/start-execution", json=signup, headers=SYNC)
        assert started.status_code == 200 and started.json()["started"], started.text
        activated = {
            "id": "evt-forget-2",
            "name": "user.activated",
            "at": "2026-06-01T15:00:00Z",
            "properties": {"endUserId": "usr_plain_ana"},
        }
        assert client.post("/api/_sim/events", json=activated, headers=owner).status_code == 200
        body = {"endUserId": "usr_plain_ana"}
        forgot = client.post("/api/journeys/internal/forget-end-user", json=body, headers=SYNC)
        assert forgot.status_code == 200, forgot.text
        assert forgot.json()["erased"]["executions"] == 1
        audit = client.get("/api/journeys/act-onb-2026/audit", headers=owner).json()
        assert [e["action"] for e in audit].count("end-user-forgotten") == 1
        again = client.post("/api/journeys/internal/forget-end-user", json=body, headers=SYNC)
        assert again.status_code == 200 and again.json()["alreadyForgotten"] is True


def _pinpoint_bundle(tmp_path):
    from typer.testing import CliRunner

    from simulator.cli import app as cli

    cli._register()
    out = tmp_path / "bundle.json"
    source = fixtures_dir() / "pinpoint" / "welcome-series.get-journey.json"
    templates = fixtures_dir() / "pinpoint" / "templates"
    result = CliRunner().invoke(
        cli.app, ["import-pinpoint", str(source), "--templates", str(templates), "-o", str(out)]
    )
    assert out.exists(), result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_import_bundle_creates_drafts_dry_runs_and_refuses_conflicts(tmp_path):
    bundle = _pinpoint_bundle(tmp_path)
    ids = [journey["id"] for journey in bundle["journeys"]]
    assert ids
    with api_client() as client:
        owner = client.auth("owner")
        route = "/api/journeys/internal/import-bundle"
        dry = client.post(route, json={"bundle": bundle, "dryRun": True}, headers=SYNC)
        answer = dry.json()
        assert (answer["created"], answer["replaced"], answer["dryRun"]) == (sorted(ids), [], True)
        comm_ids = sorted(c["id"] for c in bundle["communications"])
        assert answer["communications"] == {"created": comm_ids, "replaced": [], "unchanged": []}
        assert client.get(f"/api/journeys/{ids[0]}", headers=owner).status_code == 404

        applied = client.post(route, json={"bundle": bundle}, headers=SYNC)
        assert applied.status_code == 200, applied.text
        draft = client.get(f"/api/journeys/{ids[0]}", headers=owner).json()
        assert draft["status"] == "draft" and draft["version"] == "draft"
        audit = client.get(f"/api/journeys/{ids[0]}/audit", headers=owner).json()
        assert "bundle-imported" in [entry["action"] for entry in audit]

        again = client.post(route, json={"bundle": bundle}, headers=SYNC)
        assert (again.status_code, again.json()["code"]) == (409, "import_conflict")
        assert {d["id"] for d in again.json()["details"]} >= set(ids)
        replaced = client.post(route, json={"bundle": bundle, "replace": True}, headers=SYNC)
        assert replaced.json()["replaced"] == sorted(ids)

        broken = client.post(route, json={"bundle": {"journeys": "no"}}, headers=SYNC)
        assert (broken.status_code, broken.json()["code"]) == (400, "invalid_request")


def test_translate_pinpoint_answers_the_bundle_the_cli_writes(tmp_path):
    export = json.loads(
        (fixtures_dir() / "pinpoint" / "welcome-series.get-journey.json").read_text("utf-8")
    )
    with api_client() as client:
        answer = client.post(
            "/api/journeys/internal/translate-pinpoint", json={"export": export}, headers=SYNC
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["format"] == "journeysim.import-bundle/v1"
        assert answer.json()["journeys"]
        bad = client.post("/api/journeys/internal/translate-pinpoint", json={}, headers=SYNC)
        assert (bad.status_code, bad.json()["code"]) == (400, "invalid_request")


def test_the_runtime_runs_the_same_against_a_moto_server():
    """The same trigger → clock → outbox path with boto3 talking to a moto server on a
    loopback port (Step Functions and DynamoDB over HTTP, as against AWS)."""
    with api_client(publish=True, moto_server=True) as client:
        owner = client.auth("owner")
        assert client.backend.store.session.settings.endpoint_url.startswith("http://127.0.0.1:")
        started = client.post("/api/journeys/internal/start-execution", json=EVENT, headers=SYNC)
        [execution] = started.json()["started"]
        again = client.post("/api/journeys/internal/start-execution", json=EVENT, headers=SYNC)
        assert again.json() == started.json()
        moved = client.post("/api/_sim/clock/advance", json={"by": "P5D"}, headers=owner)
        assert moved.json()["dispatched"] == 5
        [row] = client.get("/api/journeys/act-onb-2026/executions", headers=owner).json()
        # Members see the end-user id masked as the dry-run shows it, in the ARN too.
        shown = execution["executionArn"].replace("usr_plain_ana", "usr_plain_A•••")
        assert (row["executionArn"], row["status"]) == (shown, "SUCCEEDED")
        outbox = client.get("/api/_sim/outbox", headers=owner).json()["messages"]
        assert [m["stepId"] for m in outbox] == ["send-welcome", "send-reengage"]
