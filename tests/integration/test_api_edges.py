"""Edge cases of the API a careful client hits: journeys too large once stored, ids
that would shadow routes, repeated keys, HEAD, and ambiguous credentials. Each answers
a documented status and code, and changes nothing."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
JSON = {**OWNER, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api():
    with api_client() as client:
        yield client


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text[:400]
    body = response.json()
    assert body["code"] == code and body["status"] == status, body
    return body


def ids(api) -> set[str]:
    return {entry["id"] for entry in api.get("/api/journeys", headers=OWNER).json()}


# --- journeys too large once stored ---------------------------------------------------


def test_a_compressible_description_too_large_to_store_is_413_not_503(api):
    before = ids(api)
    body = {"id": "huge-create", "name": "Huge", "description": "x" * 1_000_000}
    error = refused(api.post("/api/journeys", json=body, headers=OWNER), 413, "journey_too_large")
    assert error["details"][0]["limit"] == 400_000
    assert error["details"][0]["size"] > 1_000_000
    assert ids(api) == before


def test_a_patch_that_makes_the_journey_too_large_is_413_and_keeps_the_draft(api):
    created = api.post("/api/journeys", json={"id": "huge-patch", "name": "P"}, headers=OWNER)
    draft = created.json()
    patch = {"updatedAt": draft["updatedAt"], "description": "y" * 900_000}
    refused(
        api.patch("/api/journeys/huge-patch", json=patch, headers=OWNER), 413, "journey_too_large"
    )
    after = api.get("/api/journeys/huge-patch", headers=OWNER).json()
    assert after["description"] == "" and after["updatedAt"] == draft["updatedAt"]
    audit = api.get("/api/journeys/huge-patch/audit", headers=OWNER).json()
    assert [entry["action"] for entry in audit] == ["created"]


def test_a_long_description_that_fits_is_stored(api):
    body = {"id": "long-but-fine", "name": "L", "description": "z" * 300_000}
    assert api.post("/api/journeys", json=body, headers=OWNER).status_code == 201
    listed = {e["id"]: e for e in api.get("/api/journeys", headers=OWNER).json()}
    assert len(listed["long-but-fine"]["description"]) == 300_000


# --- ids that would shadow routes --------------------------------------------------------


@pytest.mark.parametrize("journey_id", ["internal", "_x", "_internal", "__proto__", "_"])
def test_ids_that_would_shadow_routes_are_reserved(api, journey_id):
    body = {"id": journey_id, "name": "Shadow"}
    error = refused(api.post("/api/journeys", json=body, headers=OWNER), 400, "reserved_journey_id")
    assert journey_id in error["error"] and error["details"][0]["path"] == "/id"
    assert journey_id not in ids(api)


@pytest.mark.parametrize("journey_id", ["internal-tools", "Internal", "x_internal", "a_b"])
def test_ids_that_only_look_like_reserved_ones_are_fine(api, journey_id):
    body = {"id": journey_id, "name": "Not a shadow"}
    assert api.post("/api/journeys", json=body, headers=OWNER).status_code == 201
    assert api.get(f"/api/journeys/{journey_id}", headers=OWNER).status_code == 200


def test_the_openapi_document_excludes_reserved_ids(api):
    document = api.get("/openapi.json").json()
    id_schema = document["components"]["schemas"]["CreateJourney"]["properties"]["id"]
    string = next(option for option in id_schema["anyOf"] if option.get("type") == "string")
    assert string["not"] == {"enum": ["internal"]}
    assert string["pattern"].startswith("^[A-Za-z0-9]")


SYNC = {"Authorization": "Bearer sync_acme_local_only"}
BUNDLE = "journeysim.import-bundle/v1"


@pytest.mark.parametrize(
    ("second", "status", "code"),
    [
        ({"id": "internal"}, 400, "reserved_journey_id"),
        ({"id": "_x"}, 400, "reserved_journey_id"),
        ({"id": "bundle-huge", "description": "x" * 1_000_000}, 413, "journey_too_large"),
    ],
    ids=["reserved-id", "reserved-prefix", "too-large"],
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "applied"])
def test_an_import_bundle_with_a_journey_that_cannot_be_stored_writes_nothing(
    api, second, status, code, dry_run
):
    """Every journey of a bundle is checked before the first is written: the good
    journey before the bad one is not created (it used to be, then the 4xx came)."""
    template = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
    base = {key: template[key] for key in ("name", "steps", "triggerContractId")}
    first = f"bundle-first-{second['id']}"
    bundle = {"format": BUNDLE, "journeys": [{**base, "id": first}, {**base, **second}]}
    before = ids(api)
    response = api.post(
        "/api/journeys/internal/import-bundle",
        json={"bundle": bundle, "dryRun": dry_run},
        headers=SYNC,
    )
    refused(response, status, code)
    assert ids(api) == before and first not in before


def test_a_reserved_id_in_a_bundle_points_at_its_journey_and_is_not_echoed_raw(api):
    """The error names the bundle entry (not the create body's ``/id``) and masks an id
    that is an e-mail, as every error does."""
    template = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
    base = {key: template[key] for key in ("name", "steps", "triggerContractId")}
    bundle = {
        "format": BUNDLE,
        "journeys": [{**base, "id": "fine-one"}, {**base, "id": "_kwame.mensah@example.org"}],
    }
    response = api.post(
        "/api/journeys/internal/import-bundle", json={"bundle": bundle}, headers=SYNC
    )
    body = refused(response, 400, "reserved_journey_id")
    assert body["details"][0]["path"] == "/bundle/journeys/1/id"
    assert "kwame.mensah@example.org" not in response.text


# --- repeated keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "payload", "key"),
    [
        ("post", "/api/journeys", b'{"id": "dup-a", "name": "a", "name": "b"}', "name"),
        (
            "post",
            "/api/journeys",
            b'{"id": "dup-b", "name": "a", "steps": [{"id": "x", "type": "exit", "id": "y"}]}',
            "id",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            b'{"subjectAttributes": {"plan": "pro", "plan": "free"}}',
            "plan",
        ),
        (
            "patch",
            "/api/journeys/act-onb-2026",
            b'{"updatedAt": "a", "updatedAt": "b"}',
            "updatedAt",
        ),
    ],
)
def test_repeated_keys_are_refused_with_the_clis_code(api, method, path, payload, key):
    before = ids(api)
    error = refused(
        api.request(method, path, content=payload, headers=JSON), 400, "invalid_document"
    )
    assert f"duplicate key {key!r}" in error["error"]
    assert error["details"][0]["key"] == key and error["details"][0]["line"] == 1
    assert ids(api) == before


def test_the_cli_gives_a_repeated_key_the_same_code(tmp_path):
    import shutil

    from simulator.paths import fixtures_dir
    from simulator.project import load_project

    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    journey = project / "journeys" / "act-onb-2026.json"
    journey.write_text(journey.read_text().replace("{", '{"name": "dup",', 1), encoding="utf-8")
    codes = {finding.code for finding in load_project(project).findings}
    assert "invalid_document" in codes


def test_equal_keys_in_different_objects_are_fine(api):
    body = b'{"id": "nested-keys", "name": "n", "steps": [{"id": "exit", "type": "exit"}]}'
    assert api.post("/api/journeys", content=body, headers=JSON).status_code == 201


# --- HEAD --------------------------------------------------------------------------------

GETS = [
    "/api/journeys",
    "/api/journeys/act-onb-2026",
    "/api/journeys/act-onb-2026/audit",
    "/api/workspace",
    "/api/communications",
    "/api/segments",
    "/api/trigger-contracts",
    "/api/subjects",
    "/openapi.json",
    "/docs",
]


@pytest.mark.parametrize("path", GETS)
def test_head_works_where_get_does(api, path):
    get = api.get(path, headers=OWNER)
    head = api.head(path, headers=OWNER)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)


def test_head_answers_what_get_would_on_errors(api):
    assert api.head("/api/journeys").status_code == 401
    assert api.head("/api/journeys/nope", headers=OWNER).status_code == 404


def test_head_on_a_post_only_route_is_405_naming_head(api):
    response = api.head("/api/journeys/act-onb-2026/publish", headers=OWNER)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    response = api.request("DELETE", "/api/journeys", headers=OWNER)
    assert response.json()["error"] == "DELETE is not allowed on /api/journeys"
    assert response.headers["allow"] == "GET, HEAD, POST"


# --- ambiguous credentials -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": "session=tok_viewer_acme_cy; session=tok_owner_acme_ada"},
        {"Cookie": "session=tok_owner_acme_ada; other=1; session=tok_not_a_member"},
        {"Authorization": "Bearer tok_viewer_acme_cy", "Cookie": "session=tok_owner_acme_ada"},
        {"Authorization": "Bearer tok_not_a_member", "Cookie": "session=tok_owner_acme_ada"},
    ],
    ids=[
        "two-cookies",
        "cookie-and-unknown-cookie",
        "bearer-vs-cookie",
        "unknown-bearer-vs-cookie",
    ],
)
def test_ambiguous_credentials_are_refused(api, headers):
    error = refused(api.get("/api/journeys", headers=headers), 401, "ambiguous_credentials")
    assert "tok_" not in error["error"] and "tok_" not in str(error["details"])
    body = {"id": "ambiguous-write", "name": "x"}
    refused(api.post("/api/journeys", json=body, headers=headers), 401, "ambiguous_credentials")
    assert "ambiguous-write" not in ids(api)


def test_two_session_cookies_in_two_cookie_headers_are_ambiguous(api):
    headers = [
        ("cookie", "session=tok_viewer_acme_cy"),
        ("cookie", "session=tok_owner_acme_ada"),
    ]
    refused(api.get("/api/journeys", headers=headers), 401, "ambiguous_credentials")


SYNC_KEY = SYNC["Authorization"].removeprefix("Bearer ")


@pytest.mark.parametrize(
    "path",
    ["/api/journeys/internal/dispatch", "/api/journeys/internal/forget-end-user"],
)
def test_a_sync_key_beside_a_session_cookie_is_ambiguous_on_internal_routes(api, path):
    headers = {"Authorization": f"Bearer {SYNC_KEY}", "Cookie": "session=tok_owner_acme_ada"}
    body = {"executionArn": "arn:nope", "endUserId": "usr_nobody_here"}
    body = {k: v for k, v in body.items() if (k == "executionArn") == path.endswith("dispatch")}
    error = refused(api.post(path, json=body, headers=headers), 401, "ambiguous_credentials")
    assert SYNC_KEY not in error["error"] and "tok_" not in error["error"]
    # The key alone is accepted; a cookie alone (even the key) is no credential here.
    alone = api.post(path, json=body, headers={"Authorization": f"Bearer {SYNC_KEY}"})
    assert alone.status_code in (200, 404), alone.text
    cookie = api.post(path, json=body, headers={"Cookie": f"session={SYNC_KEY}"})
    refused(cookie, 401, "unauthorized")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer tok_owner_acme_ada", "Cookie": "session=tok_owner_acme_ada"},
        {"Cookie": "session=tok_owner_acme_ada; session=tok_owner_acme_ada"},
        {"Cookie": "theme=dark; session=tok_owner_acme_ada"},
    ],
    ids=["bearer-and-cookie-agree", "same-cookie-twice", "other-cookies"],
)
def test_one_credential_presented_consistently_is_accepted(api, headers):
    assert api.get("/api/journeys", headers=headers).status_code == 200


# --- the OpenAPI request schemas say what the server accepts -------------------------------


def _request_validator(api, path: str, method: str):
    from jsonschema import Draft202012Validator

    document = api.get("/openapi.json").json()
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    return Draft202012Validator({**body["schema"], "components": document["components"]})


BRANCH_WITHOUT_KIND = {
    "id": "b",
    "type": "branch",
    "mode": "conditional",
    "rules": [{"when": {"name": "plan", "op": "eq", "value": "pro"}, "next": "x"}],
    "defaultNext": "x",
}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "n", "steps": [{"id": "x"}]}, "invalid_request"),
        ({"name": "n", "steps": [{"id": "b", "type": "branch", "rules": [], "defaultNext": "x"}]},
         "invalid_request"),
        ({"name": "n", "steps": [BRANCH_WITHOUT_KIND, {"id": "x", "type": "exit"}]},
         "invalid_request"),
        ({"name": "n", "goalEventWindowDays": "3"}, "invalid_request"),
        ({"name": "n", "goalEventWindowDays": True}, "invalid_request"),
        ({"id": "internal", "name": "n"}, "reserved_journey_id"),
    ],
    ids=["step-without-type", "branch-without-mode", "predicate-without-kind",
         "integer-as-string", "integer-as-boolean", "reserved-id"],
)  # fmt: skip
def test_create_bodies_the_schema_refuses_the_server_refuses(api, body, code):
    validator = _request_validator(api, "/api/journeys", "post")
    assert not validator.is_valid(body)
    refused(api.post("/api/journeys", json=body, headers=OWNER), 400, code)


def test_create_bodies_the_schema_accepts_the_server_accepts(api):
    validator = _request_validator(api, "/api/journeys", "post")
    with_kind = {**BRANCH_WITHOUT_KIND, "rules": [{**BRANCH_WITHOUT_KIND["rules"][0]}]}
    with_kind["rules"][0]["when"] = {**with_kind["rules"][0]["when"], "kind": "attribute"}
    body = {
        "name": "n",
        "goalEventWindowDays": 3,
        "steps": [with_kind, {"id": "x", "type": "exit"}],
    }
    assert validator.is_valid(body)
    assert api.post("/api/journeys", json=body, headers=OWNER).status_code == 201


def test_a_whole_number_with_a_fraction_is_the_one_rule_the_schema_cannot_state(api):
    # JSON Schema's "integer" is any number without a fraction, 3.0 included; the API
    # refuses 3.0 where it wants an integer, as `journeysim validate` does in a file
    # (one set of document rules).
    validator = _request_validator(api, "/api/journeys", "post")
    body = {"name": "n", "goalEventWindowDays": 3.0}
    assert validator.is_valid(body)
    refused(api.post("/api/journeys", json=body, headers=OWNER), 400, "invalid_request")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_subject"),
        ({"subjectId": "usr_trial_checkout", "subjectAttributes": {}}, "invalid_subject"),
        ({"subjectId": None, "subjectAttributes": None}, "invalid_subject"),
        ({"subjectId": "usr_trial_checkout", "futureEvents": []}, "invalid_subject"),
        ({"subjectAttributes": {}, "overrides": ["nope"]}, "unknown_override"),
        ({"subjectAttributes": {}, "futureEvents": [{"name": "e", "after": "3 days"}]},
         "invalid_request"),
        ({"subjectAttributes": {}, "futureEvents": [{"name": "e", "after": "P1.5DT1H"}]},
         "invalid_request"),
        ({"subjectAttributes": {}, "at": "9999-01-01T00:00:00Z"}, "invalid_request"),
        ({"subjectAttributes": {}, "seed": 2**63}, "invalid_request"),
    ],
    ids=["empty", "both", "both-null", "events-with-a-real-subject", "unknown-override",
         "not-a-duration", "fraction-not-last", "start-too-late", "seed-too-large"],
)  # fmt: skip
def test_simulate_bodies_the_schema_refuses_the_server_refuses(api, body, code):
    validator = _request_validator(api, "/api/journeys/{journey_id}/simulate", "post")
    assert not validator.is_valid(body)
    response = api.post("/api/journeys/act-onb-2026/simulate", json=body, headers=OWNER)
    refused(response, 400, code)


@pytest.mark.parametrize(
    "body",
    [
        {"subjectId": "usr_trial_checkout", "subjectAttributes": None},
        {"subjectAttributes": {"seats": 4}, "subjectId": None, "overrides": ["holdout"]},
        {"subjectAttributes": {}, "futureEvents": [{"name": "e", "after": "PT1.5H"}], "seed": 7},
        {"subjectAttributes": {}, "at": "2999-12-31T00:00:00+05:00"},
    ],
)
def test_simulate_bodies_the_schema_accepts_the_server_accepts(api, body):
    validator = _request_validator(api, "/api/journeys/{journey_id}/simulate", "post")
    assert validator.is_valid(body)
    response = api.post("/api/journeys/trial-conv-2026/simulate", json=body, headers=OWNER)
    assert response.status_code == 200, response.text[:300]
