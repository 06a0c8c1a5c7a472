"""``POST /api/journeys/internal/import-bundle`` checks the whole bundle before it
writes anything: a refused bundle leaves the workspace as it was (it used to create the
journeys before the one that failed), and every refusal points into the bundle."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
SYNC = {"Authorization": "Bearer sync_acme_local_only"}
ROUTE = "/api/journeys/internal/import-bundle"
FORMAT = "journeysim.import-bundle/v1"


@pytest.fixture(scope="module")
def api():
    with api_client(publish=True) as client:
        yield client


@pytest.fixture(scope="module")
def base(api) -> dict:
    template = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
    return {key: template[key] for key in ("name", "steps", "triggerContractId")}


def state(api) -> tuple:
    """What an import could change: the journeys and the workspace documents."""
    journeys = sorted(entry["id"] for entry in api.get("/api/journeys", headers=OWNER).json())
    documents = api.get("/api/communications", headers=OWNER).json()
    return journeys, sorted(document["id"] for document in documents)


def refused(response, status: int, code: str) -> list[dict]:
    assert response.status_code == status, response.text[:600]
    body = response.json()
    assert body["code"] == code, body
    for detail in body["details"]:
        assert {"in", "path", "message", "type"} <= set(detail), detail
    return body["details"]


def communication(id_: str, subject: str) -> dict:
    return {
        "id": id_,
        "name": subject,
        "kind": "marketing",
        "channels": ["email"],
        "version": 1,
        "subjectLine": subject,
        "body": "Hello {{ firstName }}",
    }


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "applied"])
def test_a_journey_id_twice_is_refused_and_creates_neither(api, base, dry_run):
    before = state(api)
    bundle = {"format": FORMAT, "journeys": [{**base, "id": "twice"}, {**base, "id": "twice"}]}
    answer = api.post(ROUTE, json={"bundle": bundle, "dryRun": dry_run}, headers=SYNC)
    (detail,) = refused(answer, 400, "invalid_request")
    assert (detail["path"], detail["type"]) == ("/bundle/journeys/1/id", "duplicate_id")
    assert "/bundle/journeys/0" in detail["message"]
    assert state(api) == before


def test_a_communication_id_twice_is_refused_and_nothing_is_written(api, base):
    before = state(api)
    bundle = {
        "format": FORMAT,
        "journeys": [{**base, "id": "with-twin-docs"}],
        "communications": [communication("twin", "One"), communication("twin", "Two")],
    }
    (detail,) = refused(
        api.post(ROUTE, json={"bundle": bundle}, headers=SYNC), 400, "invalid_request"
    )
    assert detail["path"] == "/bundle/communications/1/id"
    assert state(api) == before


@pytest.mark.parametrize("replace", [True, False], ids=["replace", "no-replace"])
def test_an_archived_journey_in_a_bundle_is_refused_before_the_others_are_created(
    api, base, replace
):
    created = api.post("/api/journeys", json={**base, "id": f"to-archive-{replace}"}, headers=OWNER)
    assert created.status_code == 201, created.text
    assert api.post(f"/api/journeys/to-archive-{replace}/publish", headers=OWNER).status_code == 200
    assert api.post(f"/api/journeys/to-archive-{replace}/archive", headers=OWNER).status_code == 200
    before = state(api)
    bundle = {
        "format": FORMAT,
        "journeys": [{**base, "id": f"fresh-{replace}"}, {**base, "id": f"to-archive-{replace}"}],
    }
    answer = api.post(ROUTE, json={"bundle": bundle, "replace": replace}, headers=SYNC)
    (detail,) = refused(answer, 409, "journey_archived")
    assert detail["path"] == "/bundle/journeys/1/id"
    assert state(api) == before


def test_too_many_steps_in_a_bundle_points_at_that_journey_and_writes_nothing(api, base):
    before = state(api)
    steps = [
        {"id": f"s{n}", "type": "wait", "duration": "P1D", "next": f"s{n + 1}"} for n in range(1000)
    ]
    steps.append({"id": "s1000", "type": "exit"})
    bundle = {
        "format": FORMAT,
        "journeys": [{**base, "id": "small"}, {**base, "id": "huge", "steps": steps}],
    }
    (detail,) = refused(
        api.post(ROUTE, json={"bundle": bundle}, headers=SYNC), 400, "too_many_steps"
    )
    assert (detail["path"], detail["limit"]) == ("/bundle/journeys/1/steps", 1000)
    assert state(api) == before


@pytest.mark.parametrize(
    ("bundle", "paths"),
    [
        ("x", ["/bundle"]),
        ([], ["/bundle"]),
        ({}, ["/bundle"]),  # no format: an empty object is not an empty bundle
        ({"format": "journeysim.import-bundle/v2"}, ["/bundle/format"]),
        (
            {"format": FORMAT, "journeys": [{"id": "a", "name": "A", "steps": "no"}, {"id": "b"}]},
            ["/bundle/journeys/0/steps", "/bundle/journeys/1"],
        ),
    ],
    ids=["string", "array", "no-format", "other-format", "two-errors"],
)
def test_a_malformed_bundle_reports_every_problem_at_its_place(api, bundle, paths):
    before = state(api)
    details = refused(
        api.post(ROUTE, json={"bundle": bundle}, headers=SYNC), 400, "invalid_request"
    )
    assert [detail["path"] for detail in details] == paths
    assert {detail["type"] for detail in details} == {"invalid_document"}
    assert state(api) == before


def test_conflicts_point_at_each_entry_that_exists(api, base):
    bundle = {
        "format": FORMAT,
        "journeys": [{**base, "id": "brand-new"}, {**base, "id": "act-onb-2026"}],
    }
    details = refused(
        api.post(ROUTE, json={"bundle": bundle}, headers=SYNC), 409, "import_conflict"
    )
    assert [(d["path"], d["id"]) for d in details] == [("/bundle/journeys/1/id", "act-onb-2026")]
    assert "brand-new" not in state(api)[0]


def test_a_valid_bundle_still_applies(api, base):
    bundle = {
        "format": FORMAT,
        "journeys": [{**base, "id": "imported-ok"}],
        "communications": [communication("imported-mail", "Hi")],
    }
    answer = api.post(ROUTE, json={"bundle": bundle}, headers=SYNC)
    assert answer.status_code == 200, answer.text
    nothing = {"created": [], "replaced": [], "unchanged": []}
    assert answer.json() == {
        "created": ["imported-ok"],
        "replaced": [],
        "dryRun": False,
        "communications": {**nothing, "created": ["imported-mail"]},
        "segments": nothing,
        "triggerContracts": nothing,
    }
    journeys, communications = state(api)
    assert "imported-ok" in journeys and "imported-mail" in communications


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "where"),
    [
        ("get", "/api/journeys/nope", None, 404, "journey_not_found", ("path", "/journey_id")),
        (
            "post",
            "/api/journeys",
            {"id": "internal", "name": "x"},
            400,
            "reserved_journey_id",
            ("body", "/id"),
        ),
        (
            "post",
            "/api/journeys",
            {"id": "act-onb-2026", "name": "x"},
            409,
            "journey_exists",
            ("body", "/id"),
        ),
        (
            "patch",
            "/api/journeys/act-onb-2026",
            {"name": None, "updatedAt": "2001-01-01T00:00:00Z"},
            400,
            "invalid_request",
            ("body", "/name"),
        ),
    ],
    ids=["not-found", "reserved", "exists", "null"],
)
def test_errors_about_a_place_use_the_common_detail_form(
    api, method, path, body, status, code, where
):
    response = (
        getattr(api, method)(path, json=body, headers=OWNER)
        if body
        else api.get(path, headers=OWNER)
    )
    (detail,) = refused(response, status, code)
    assert (detail["in"], detail["path"]) == where
    assert detail["type"] and detail["message"]


def test_too_many_steps_on_create_uses_the_common_detail_form(api, base):
    steps = [{"id": f"s{n}", "type": "exit"} for n in range(1001)]
    answer = api.post("/api/journeys", json={**base, "id": "wide", "steps": steps}, headers=OWNER)
    (detail,) = refused(answer, 400, "too_many_steps")
    assert (detail["in"], detail["path"], detail["type"], detail["limit"]) == (
        "body",
        "/steps",
        "too_many_steps",
        1000,
    )


def test_a_journey_too_large_to_store_points_at_its_bundle_entry(api, base):
    before = state(api)
    huge = {**base, "id": "too-big", "description": "x" * 600_000}
    bundle = {"format": FORMAT, "journeys": [{**base, "id": "fits"}, huge]}
    answer = api.post(ROUTE, json={"bundle": bundle}, headers=SYNC)
    (detail,) = refused(answer, 413, "journey_too_large")
    assert (detail["path"], detail["type"]) == ("/bundle/journeys/1", "journey_too_large")
    assert detail["size"] > detail["limit"]
    assert state(api) == before
