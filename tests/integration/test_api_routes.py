"""Every Journeys API route over HTTP in-process: the happy path and each error code.

The whole module runs twice: on moto in-process, and on a moto server on 127.0.0.1
reached through the endpoint setting (the non-in-process path).
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import replace

import pytest

from simulator.api.testing import api_client
from simulator.backend import ApiSettings
from simulator.engine import simulate, synthetic_subject
from simulator.paths import fixtures_dir
from simulator.project import load_project

ACME = load_project(fixtures_dir() / "acme")


@pytest.fixture(scope="module", params=["in-process", "moto-server"])
def api(request):
    with api_client(moto_server=request.param == "moto-server") as client:
        yield client


def body_from(template: str = "act-onb-2026", **changes) -> dict:
    wire = ACME.journeys[template].to_wire()
    wire.pop("$schema", None)
    wire["id"] = f"t-{uuid.uuid4().hex[:12]}"
    wire.update(changes)
    return wire


def create(api, template: str = "act-onb-2026", **changes) -> dict:
    response = api.post("/api/journeys", json=body_from(template, **changes), headers=api.auth())
    assert response.status_code == 201, response.text
    return response.json()


def published(api, template: str = "act-onb-2026") -> dict:
    journey = create(api, template)
    response = api.post(f"/api/journeys/{journey['id']}/publish", headers=api.auth())
    assert response.status_code == 200, response.text
    return api.get(f"/api/journeys/{journey['id']}", headers=api.auth()).json()


def post(api, journey_id: str, action: str, role: str = "owner", **kwargs):
    return api.post(f"/api/journeys/{journey_id}/{action}", headers=api.auth(role), **kwargs)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code", "status", "details"}
    assert (body["code"], body["status"]) == (code, status)
    assert body["error"]
    return body


def actions(api, journey_id: str) -> list[str]:
    response = api.get(f"/api/journeys/{journey_id}/audit", headers=api.auth("viewer"))
    assert response.status_code == 200
    return [entry["action"] for entry in response.json()]


# --- list and get -----------------------------------------------------------------------


def test_list_shows_every_fixture_journey_with_its_pointers(api):
    response = api.get("/api/journeys", headers=api.auth("viewer"))
    assert response.status_code == 200
    listed = {entry["id"]: entry for entry in response.json()}
    assert set(ACME.journeys) <= set(listed)
    entry = listed["act-onb-2026"]
    assert entry["status"] == "draft"
    assert entry["draft"] == {"basedOnVersion": None}  # a draft never published
    assert "latestVersion" not in entry and "steps" not in entry
    assert entry["createdBy"] == "system"


def test_get_returns_the_draft_then_versions_with_pins(api):
    journey = create(api)
    assert journey["version"] == "draft" and journey["status"] == "draft"
    assert journey["steps"] == body_from()["steps"]
    assert post(api, journey["id"], "publish").json() == {"id": journey["id"], "version": 1}

    latest = api.get(f"/api/journeys/{journey['id']}", headers=api.auth()).json()
    assert latest["version"] == 1 and latest["latestVersion"] == 1 and "draft" not in latest
    assert latest["pins"]["triggerContract"] == {
        "id": "trig-signup",
        "versionAt": "2026-01-15T10:00:00Z",
    }
    pinned = {(p["stepId"], p["communicationId"]) for p in latest["pins"]["communications"]}
    assert pinned == {
        ("send-welcome", "comm-welcome-email"),
        ("send-reengage", "comm-reengage-email"),
    }
    assert latest["publishedBy"] == "usr_owner_ada"
    for selector in ("1", "latest"):
        again = api.get(f"/api/journeys/{journey['id']}?version={selector}", headers=api.auth())
        assert again.json()["version"] == 1


def test_get_errors(api):
    journey = published(api)
    path = f"/api/journeys/{journey['id']}"
    assert_error(api.get(path + "?version=draft", headers=api.auth()), 404, "draft_not_found")
    seven = assert_error(api.get(path + "?version=7", headers=api.auth()), 404, "version_not_found")
    assert seven["error"] == f"journey {journey['id']!r} has no version 7"
    assert seven["details"] == [
        {
            "in": "query",
            "path": "/version",
            "message": seven["error"],
            "type": "version_not_found",
            "latestVersion": 1,
        }
    ]
    assert_error(api.get(path + "?version=newest", headers=api.auth()), 400, "invalid_request")
    assert_error(
        api.get("/api/journeys/no-such-journey", headers=api.auth()), 404, "journey_not_found"
    )
    assert_error(
        api.get("/api/journeys/" + "x" * 2000, headers=api.auth()), 404, "journey_not_found"
    )
    never = create(api)
    latest = assert_error(
        api.get(f"/api/journeys/{never['id']}?version=latest", headers=api.auth()),
        404,
        "version_not_found",
    )
    assert latest["details"][0]["path"] == "/version"


# --- create -----------------------------------------------------------------------------


def test_create_defaults_and_generated_id(api):
    response = api.post("/api/journeys", json={"name": "Spring promo"}, headers=api.auth("editor"))
    assert response.status_code == 201
    journey = response.json()
    assert journey["id"].startswith("spring-promo-")
    assert journey["steps"] == [{"id": "exit", "type": "exit"}]
    assert journey["createdBy"] == "usr_editor_ben"
    assert actions(api, journey["id"]) == ["created"]


def test_create_errors(api):
    journey = create(api)
    duplicate = api.post("/api/journeys", json=body_from(id=journey["id"]), headers=api.auth())
    assert_error(duplicate, 409, "journey_exists")
    body = assert_error(
        api.post("/api/journeys", json={"name": 12, "colour": "red"}, headers=api.auth()),
        400,
        "invalid_request",
    )
    assert {(d["path"], d["type"]) for d in body["details"]} == {
        ("/name", "string_type"),
        ("/colour", "extra_forbidden"),
    }
    missing = api.post("/api/journeys", json={"description": "no name"}, headers=api.auth())
    assert_error(missing, 400, "invalid_request")
    steps = [
        {"id": f"s{i}", "type": "wait", "duration": "P1D", "next": f"s{i + 1}"} for i in range(1001)
    ]
    too_many = api.post("/api/journeys", json=body_from(steps=steps), headers=api.auth())
    assert_error(too_many, 400, "too_many_steps")
    noise = base64.b64encode(os.urandom(600_000)).decode()
    huge = api.post("/api/journeys", json=body_from(description=noise), headers=api.auth())
    assert_error(huge, 413, "journey_too_large")
    viewer = api.post("/api/journeys", json=body_from(), headers=api.auth("viewer"))
    assert_error(viewer, 403, "forbidden")


# --- patch ------------------------------------------------------------------------------


def test_patch_changes_the_draft_and_advances_updated_at(api):
    journey = create(api)
    response = api.patch(
        f"/api/journeys/{journey['id']}",
        json={"updatedAt": journey["updatedAt"], "description": "v2", "goalEventWindowDays": 3},
        headers=api.auth("editor"),
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["description"] == "v2" and edited["goalEventWindowDays"] == 3
    assert edited["name"] == journey["name"] and edited["steps"] == journey["steps"]
    assert edited["updatedAt"] > journey["updatedAt"]
    cleared = api.patch(
        f"/api/journeys/{journey['id']}",
        json={"updatedAt": edited["updatedAt"], "audienceId": None},
        headers=api.auth(),
    ).json()
    assert "audienceId" not in cleared
    assert actions(api, journey["id"]) == ["edited", "edited", "created"]


def test_patch_errors(api):
    journey = create(api)
    path = f"/api/journeys/{journey['id']}"
    fresh = api.patch(
        path, json={"updatedAt": journey["updatedAt"], "name": "A"}, headers=api.auth()
    )
    stale = api.patch(
        path, json={"updatedAt": journey["updatedAt"], "name": "B"}, headers=api.auth()
    )
    body = assert_error(stale, 409, "draft_conflict")
    (detail,) = body["details"]  # located at the field to re-read, with its current stamp
    assert detail["in"] == "body" and detail["path"] == "/updatedAt"
    assert detail["updatedAt"] == fresh.json()["updatedAt"]
    assert api.get(path, headers=api.auth()).json()["name"] == "A"

    nameless = api.patch(
        path, json={"updatedAt": fresh.json()["updatedAt"], "name": None}, headers=api.auth()
    )
    assert_error(nameless, 400, "invalid_request")
    assert_error(
        api.patch(path, json={"name": "no token"}, headers=api.auth()), 400, "invalid_request"
    )
    assert_error(
        api.patch(
            "/api/journeys/nope", json={"updatedAt": "2001-01-01T00:00:00Z"}, headers=api.auth()
        ),
        404,
        "journey_not_found",
    )

    live = published(api)
    no_draft = api.patch(
        f"/api/journeys/{live['id']}",
        json={"updatedAt": live["updatedAt"], "name": "X"},
        headers=api.auth(),
    )
    assert_error(no_draft, 409, "no_draft")
    post(api, live["id"], "pause")
    archived = post(api, live["id"], "archive").json()
    gone = api.patch(
        f"/api/journeys/{live['id']}",
        json={"updatedAt": archived["updatedAt"], "name": "X"},
        headers=api.auth(),
    )
    assert_error(gone, 409, "journey_archived")


# --- bump -------------------------------------------------------------------------------


def test_bump_copies_the_latest_version(api):
    live = published(api)
    response = post(api, live["id"], "draft", "editor")
    assert response.status_code == 201
    draft = response.json()
    assert draft["version"] == "draft" and draft["draft"] == {"basedOnVersion": 1}
    assert draft["steps"] == live["steps"] and draft["status"] == "active"
    assert_error(post(api, live["id"], "draft"), 409, "draft_exists")
    assert post(api, live["id"], "publish").json()["version"] == 2
    assert actions(api, live["id"]) == ["published", "draft-bumped", "published", "created"]


def test_bump_errors(api):
    assert_error(post(api, "nope", "draft"), 404, "journey_not_found")
    assert_error(post(api, create(api)["id"], "draft"), 409, "draft_exists")
    live = published(api)
    post(api, live["id"], "pause")
    post(api, live["id"], "archive")
    assert_error(post(api, live["id"], "draft"), 409, "journey_archived")


# --- publish ----------------------------------------------------------------------------


def test_publish_refuses_an_invalid_draft_with_findings(api):
    steps = body_from()["steps"]
    steps[-2] = {**steps[-2], "next": "send-welcome"}  # send-reengage loops back: a cycle
    journey = create(api, steps=steps)
    body = assert_error(post(api, journey["id"], "publish"), 400, "validation_failed")
    codes = {finding["code"] for finding in body["details"]}
    assert "cycle_detected" in codes
    cycle = next(f for f in body["details"] if f["code"] == "cycle_detected")
    assert cycle["path"].startswith("/steps/") and cycle["severity"] == "error"
    assert api.get(f"/api/journeys/{journey['id']}", headers=api.auth()).json()["status"] == "draft"


def test_publish_names_a_transactional_communication(api):
    steps = body_from()["steps"]
    steps[0] = {**steps[0], "communicationId": "comm-password-reset"}
    journey = create(api, steps=steps)
    body = assert_error(
        post(api, journey["id"], "publish"), 400, "send_step_uses_transactional_comm"
    )
    assert body["details"][0]["path"] == "/steps/0/communicationId"


def test_publish_errors(api):
    assert_error(post(api, "nope", "publish"), 404, "journey_not_found")
    live = published(api)
    assert_error(post(api, live["id"], "publish"), 409, "no_draft")
    post(api, live["id"], "pause")
    post(api, live["id"], "archive")
    assert_error(post(api, live["id"], "publish"), 409, "invalid_transition")
    assert_error(post(api, create(api)["id"], "publish", "viewer"), 403, "forbidden")


# --- pause, resume, archive -------------------------------------------------------------


def test_lifecycle_follows_the_spec(api):
    journey = published(api)
    assert journey["status"] == "active"
    for action, status in (
        ("pause", "paused"),
        ("resume", "active"),
        ("pause", "paused"),
        ("archive", "archived"),
    ):
        response = post(api, journey["id"], action, "editor")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    assert actions(api, journey["id"]) == [
        "archived",
        "paused",
        "resumed",
        "paused",
        "published",
        "created",
    ]
    for action in ("pause", "resume", "archive"):
        assert_error(post(api, journey["id"], action), 409, "invalid_transition")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "pause"),
        ("draft", "resume"),
        ("draft", "archive"),
        ("active", "resume"),
        ("paused", "pause"),
    ],
)
def test_invalid_transitions(api, state, action):
    journey = create(api) if state == "draft" else published(api)
    if state == "paused":
        post(api, journey["id"], "pause")
    body = assert_error(post(api, journey["id"], action), 409, "invalid_transition")
    assert body["details"][0]["status"] == state


def test_an_active_journey_can_be_archived_directly(api):
    journey = published(api)
    response = post(api, journey["id"], "archive", "editor")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "archived"
    latest = api.get(f"/api/journeys/{journey['id']}", headers=api.auth()).json()
    assert latest["status"] == "archived" and latest["version"] == 1  # the record is kept
    audit = api.get(f"/api/journeys/{journey['id']}/audit", headers=api.auth()).json()
    assert audit[0]["action"] == "archived"
    assert (audit[0]["metadata"]["from"], audit[0]["metadata"]["to"]) == ("active", "archived")
    for action in ("resume", "pause", "archive"):
        assert_error(post(api, journey["id"], action), 409, "invalid_transition")
    assert_error(post(api, journey["id"], "draft"), 409, "journey_archived")


def test_lifecycle_unknown_journey(api):
    for action in ("pause", "resume", "archive"):
        assert_error(post(api, "nope", action), 404, "journey_not_found")


def test_publishing_a_paused_journey_keeps_it_paused(api):
    journey = published(api)
    post(api, journey["id"], "pause")
    post(api, journey["id"], "draft")
    assert post(api, journey["id"], "publish").json()["version"] == 2
    assert (
        api.get(f"/api/journeys/{journey['id']}", headers=api.auth()).json()["status"] == "paused"
    )


# --- audit ------------------------------------------------------------------------------


def test_audit_is_newest_first_capped_at_200_and_pages(api):
    journey = create(api)
    stamp = journey["updatedAt"]
    for i in range(205):
        response = api.patch(
            f"/api/journeys/{journey['id']}",
            json={"updatedAt": stamp, "description": f"d{i}"},
            headers=api.auth(),
        )
        stamp = response.json()["updatedAt"]
    first = api.get(f"/api/journeys/{journey['id']}/audit", headers=api.auth()).json()
    assert len(first) == 200
    assert [e["seq"] for e in first] == list(range(206, 6, -1))
    assert first[0]["actor"] == "usr_owner_ada" and first[0]["metadata"]["updatedAt"] == stamp
    rest = api.get(f"/api/journeys/{journey['id']}/audit?before=7", headers=api.auth()).json()
    assert [e["action"] for e in rest] == ["edited"] * 5 + ["created"]
    assert_error(
        api.get(f"/api/journeys/{journey['id']}/audit?before=0", headers=api.auth()),
        400,
        "invalid_request",
    )
    assert_error(api.get("/api/journeys/nope/audit", headers=api.auth()), 404, "journey_not_found")


# --- simulate ---------------------------------------------------------------------------


def test_simulate_synthetic_subject_is_masked_and_matches_the_engine(api):
    journey = create(api)
    body = {
        "subjectAttributes": {
            "firstName": "Ana",
            "email": "ana@example.com",
            "signedUpAt": "2026-05-30T10:00:00Z",
        }
    }
    response = post(api, journey["id"], "simulate", "viewer", json=body)
    assert response.status_code == 200, response.text
    trace = response.json()
    assert trace["subject"]["synthetic"] is True and trace["version"] == "draft"
    assert "ana@example.com" not in response.text
    world = api.backend.directory.world("acme")
    expected = simulate(
        ACME.journeys["act-onb-2026"].model_copy(update={"id": journey["id"]}),
        synthetic_subject(body["subjectAttributes"]),
        world=world,
    )
    assert trace == expected.to_wire()
    assert actions(api, journey["id"]) == [
        "created"
    ]  # a synthetic run without overrides is not audited


def test_simulate_real_subject_with_overrides_is_audited(api):
    journey = published(api)
    response = post(
        api,
        journey["id"],
        "simulate",
        json={"subjectId": "usr_holdout", "overrides": ["holdout", "opt_out"]},
    )
    assert response.status_code == 200, response.text
    trace = response.json()
    assert trace["version"] == 1 and trace["entry"]["decision"] == "entered"
    assert sorted(trace["overridesApplied"]) == ["holdout", "opt_out"]
    audit = api.get(f"/api/journeys/{journey['id']}/audit", headers=api.auth()).json()
    assert [e["action"] for e in audit[:3]] == [
        "dry-run-override-applied",
        "dry-run-override-applied",
        "simulate-with-real-user",
    ]
    assert {e["metadata"]["override"] for e in audit[:2]} == {"holdout", "opt_out"}
    # named as the runtime names them, by the pseudonym erasure deletes, not by their id
    pseudonym = api.backend.runtime.pseudonym("acme", "usr_holdout")
    assert {e["metadata"]["subject"] for e in audit[:3]} == {pseudonym}
    assert pseudonym.startswith("sub_") and "usr_holdout" not in str(audit[:3])
    assert "@" not in str([e["metadata"] for e in audit])


def test_simulate_a_paused_version_shows_the_status(api):
    journey = published(api)
    post(api, journey["id"], "pause")
    trace = post(api, journey["id"], "simulate", json={"subjectId": "usr_plain_ana"}).json()
    assert (
        trace["entry"]["decision"] == "not_eligible"
        and trace["entry"]["reason"] == "journey_paused"
    )


def test_simulate_errors(api):
    journey = published(api)
    path = journey["id"]
    assert_error(post(api, path, "simulate", json={}), 400, "invalid_subject")
    both = {"subjectId": "usr_plain_ana", "subjectAttributes": {}}
    assert_error(post(api, path, "simulate", json=both), 400, "invalid_subject")
    bogus = {"subjectId": "usr_plain_ana", "overrides": ["quiet_hours"]}
    assert_error(post(api, path, "simulate", json=bogus), 400, "unknown_override")
    owner_only = {"subjectId": "usr_plain_ana", "overrides": ["suppression"]}
    assert_error(
        post(api, path, "simulate", "editor", json=owner_only), 403, "overrides_require_owner"
    )
    assert_error(
        post(api, path, "simulate", "viewer", json=owner_only), 403, "overrides_require_owner"
    )
    assert_error(
        post(api, path, "simulate", json={"subjectId": "usr_nobody"}), 404, "subject_not_found"
    )
    assert_error(
        post(api, "nope", "simulate", json={"subjectAttributes": {}}), 404, "journey_not_found"
    )
    draft = {"subjectAttributes": {}, "version": "draft"}
    no_draft = assert_error(post(api, path, "simulate", json=draft), 404, "draft_not_found")
    nine = assert_error(
        post(api, path, "simulate", json={"subjectAttributes": {}, "version": 9}),
        404,
        "version_not_found",
    )
    for refused in (no_draft, nine):  # the version the body asked for, where it asked
        (detail,) = refused["details"]
        assert (detail["in"], detail["path"], detail["type"]) == (
            "body",
            "/version",
            refused["code"],
        )
    late = {"subjectAttributes": {}, "at": "9999-12-31T00:00:00Z"}
    assert_error(post(api, path, "simulate", json=late), 400, "invalid_request")
    bad_after = {"subjectAttributes": {}, "futureEvents": [{"name": "x", "after": "soon"}]}
    assert_error(post(api, path, "simulate", json=bad_after), 400, "invalid_request")
    scripted_real = {"subjectId": "usr_plain_ana", "futureEvents": [{"name": "x", "after": "P1D"}]}
    assert_error(post(api, path, "simulate", json=scripted_real), 400, "invalid_subject")


# --- workspace documents ------------------------------------------------------------------


def test_workspace_documents(api):
    me = api.get("/api/workspace", headers=api.auth("editor")).json()
    assert me == {
        "id": "acme",
        "name": "Acme Analytics",
        "projectKey": "pk_test_acme",
        "tier": "growth",
        "holdoutPct": 5,
        "defaultGoalEventWindowDays": 7,
        "piiAttributes": [
            *("email", "phone", "firstName", "lastName", "fullName"),
            *("address", "postalCode", "birthDate", "ip"),
        ],
        "userId": "usr_editor_ben",
        "role": "editor",
    }
    world = ACME.world
    for path, expected in (
        ("/api/communications", world.communications),
        ("/api/segments", world.segments),
        ("/api/trigger-contracts", world.trigger_contracts),
    ):
        listed = api.get(path, headers=api.auth("viewer")).json()
        assert [d["id"] for d in listed] == sorted(expected)
        assert listed == [expected[key].to_wire() for key in sorted(expected)]


def test_subjects_are_listed_masked(api):
    response = api.get("/api/subjects", headers=api.auth("viewer"))
    assert response.status_code == 200
    subjects = {s["endUserId"]: s for s in response.json()}
    # Ids are masked by value like everything else: usr_plain_ana holds her first name.
    assert len(subjects) == len(ACME.world.subjects) and "usr_plain_ana" not in subjects
    ana = subjects["usr_plain_A•••"]["attributes"]
    raw = ACME.world.subjects["usr_plain_ana"].attributes
    assert ana["email"] != raw["email"] and ana["email"].endswith(".com") and "•••" in ana["email"]
    assert ana["firstName"] == raw["firstName"][0] + "•••"
    for subject in ACME.world.subjects.values():
        for name in ("email", "phone"):
            value = subject.attributes.get(name)
            if isinstance(value, str):
                assert value not in response.text


# --- routing errors -----------------------------------------------------------------------


def test_unknown_route_and_wrong_method(api):
    assert_error(api.get("/api/nothing-here", headers=api.auth()), 404, "not_found")
    wrong = api.delete("/api/journeys/act-onb-2026", headers=api.auth())
    assert_error(wrong, 405, "method_not_allowed")
    assert "PATCH" in wrong.headers["allow"]


def test_tier_gate_is_off_by_default_and_402_when_on(tmp_path):
    project = _copy_acme(tmp_path, tier="free")  # the free tier allows 3 published journeys
    with api_client(project) as open_api:
        for journey_id in sorted(ACME.journeys):
            assert post(open_api, journey_id, "publish").status_code == 200
    settings = replace(ApiSettings(), enforce_tier_limit=True)
    with api_client(project, settings=settings) as gated:
        ids = sorted(ACME.journeys)
        for journey_id in ids[:3]:
            assert post(gated, journey_id, "publish").status_code == 200
        body = assert_error(post(gated, ids[3], "publish"), 402, "tier_limit_exceeded")
        assert body["details"] == [{"tier": "free", "maxJourneys": 3}]
        post(gated, ids[0], "draft")  # a new version of a published journey is not a new one
        assert post(gated, ids[0], "publish").json()["version"] == 2


def _copy_acme(tmp_path, **workspace_changes):
    import json
    import shutil

    target = tmp_path / "project"
    shutil.copytree(fixtures_dir() / "acme", target)
    workspace = json.loads((target / "workspace.json").read_text())
    workspace.update(workspace_changes)
    (target / "workspace.json").write_text(json.dumps(workspace))
    return target
