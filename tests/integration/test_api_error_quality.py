"""API 400 answers a user can act on: the field meant, what a value should look like,
and permission judged before the body."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client

SIMULATE = "/api/journeys/act-onb-2026/simulate"


@pytest.fixture(scope="module")
def api():
    with api_client() as client:
        yield client


def only_detail(response, status: int = 400, code: str = "invalid_request") -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["code"], body["status"]) == (code, status)
    assert len(body["details"]) == 1, body
    return body["details"][0]


# --- unknown fields ---------------------------------------------------------------------


def test_an_unknown_simulate_field_names_the_one_meant_and_those_allowed(api):
    response = api.post(SIMULATE, headers=api.auth(), json={"subjectID": "usr_holdout"})
    detail = only_detail(response)
    assert detail["path"] == "/subjectID"
    assert detail["message"].startswith("unknown field 'subjectID' (did you mean 'subjectId'? ")
    assert "allowed: at, futureEvents, overrides, seed, subjectAttributes" in detail["message"]
    assert detail["suggestion"] == "subjectId"
    assert "subjectAttributes" in detail["allowed"]
    assert "did you mean 'subjectId'?" in response.json()["error"]


def test_an_unknown_field_inside_a_step_lists_that_steps_fields(api):
    body = {"name": "n", "steps": [{"type": "exit", "id": "done", "nxt": "x"}]}
    response = api.post("/api/journeys", headers=api.auth(), json=body)
    detail = only_detail(response)
    assert detail["path"] == "/steps/0/nxt"
    assert detail["message"] == "unknown field 'nxt' (allowed: id, type)"
    assert detail["allowed"] == ["id", "type"]
    assert detail["suggestion"] is None


def test_an_unknown_patch_field_suggests_the_field(api):
    current = api.get("/api/journeys/act-onb-2026", headers=api.auth()).json()
    body = {"updatedAt": current["updatedAt"], "descripton": "x"}
    response = api.patch("/api/journeys/act-onb-2026", headers=api.auth(), json=body)
    detail = only_detail(response)
    assert detail["path"] == "/descripton"
    assert "did you mean 'description'?" in detail["message"]


def test_an_unknown_runtime_body_field_suggests_the_field(api):
    response = api.post("/api/_sim/clock/advance", headers=api.auth(), json={"bye": "P1D"})
    detail = only_detail(response)
    assert detail["path"] == "/bye"
    assert detail["message"] == "unknown field 'bye' (did you mean 'by'? allowed: by, to)"


def test_an_unknown_field_that_is_an_email_is_masked_in_the_message(api):
    response = api.post(
        SIMULATE, headers=api.auth(), json={"subjectId": "usr_holdout", "ana@example.com": 1}
    )
    detail = only_detail(response)
    assert "ana@example.com" not in response.text
    assert detail["message"].startswith("unknown field 'a•••@e•••.com' (allowed: ")


# --- values that should look like something ----------------------------------------------


@pytest.mark.parametrize("at", ["x", "", 0, True, "2026-06-01T14:00:00Z tomorrow"])
def test_a_bad_start_time_says_a_timestamp_with_an_offset_is_expected(api, at):
    response = api.post(SIMULATE, headers=api.auth(), json={"subjectId": "usr_holdout", "at": at})
    detail = only_detail(response)
    assert detail["path"] == "/at"
    assert detail["message"].startswith("expected an ISO-8601 timestamp with an offset, such as ")
    assert "too short" not in detail["message"]
    assert "Input should" not in detail["message"]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"subjectId": ""}, "/subjectId", "must not be empty"),
        (
            {"subjectId": "usr_" + "x" * 300},
            "/subjectId",
            "must have at most 256 characters, not 304",
        ),
        ({"subjectId": "usr_holdout", "seed": -1}, "/seed", "must be at least 0"),
        ({"subjectId": "usr_holdout", "seed": 2**60}, "/seed", "must be at most 9007199254740991"),
        (
            {"subjectId": "usr_holdout", "seed": "7"},
            "/seed",
            "must be a whole number, not a string",
        ),
        (
            {"subjectId": "usr_holdout", "overrides": "opt_out"},
            "/overrides",
            "must be an array, not a string",
        ),
    ],
    ids=["empty-id", "long-id", "seed-below-0", "seed-too-big", "seed-string", "overrides-string"],
)
def test_a_value_out_of_bounds_or_of_the_wrong_kind_says_what_it_must_be(api, body, path, message):
    """pydantic's own words were passed on ("String should have at least 1 character",
    "Input should be greater than or equal to 0"); they read as the CLI's now."""
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert (detail["path"], detail["message"]) == (path, message)


def test_a_start_time_without_an_offset_says_to_add_one(api):
    body = {"subjectId": "usr_holdout", "at": "2026-06-01T14:00:00"}
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert detail["message"] == "the timestamp has no offset: add one, as in 2026-06-01T14:00:00Z"


def test_a_start_time_out_of_the_calendar_keeps_its_reason(api):
    body = {"subjectId": "usr_holdout", "at": "2026-13-01T00:00:00Z"}
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert detail["message"].startswith("expected an ISO-8601 timestamp with an offset")
    assert "month value is outside expected range" in detail["message"]


def test_a_start_time_too_late_is_said_without_pydantics_prefix(api):
    body = {"subjectId": "usr_holdout", "at": "3000-01-01T00:00:00Z"}
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert detail["message"] == "a dry-run starts in year 2999 at the latest"


def test_a_bad_scripted_wait_says_a_duration_is_expected_not_the_pattern(api):
    body = {"subjectAttributes": {}, "futureEvents": [{"name": "x", "after": "3 days"}]}
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert detail["path"] == "/futureEvents/0/after"
    assert detail["message"].startswith("expected an ISO-8601 duration such as P3D")
    assert "pattern" not in detail["message"]


# --- the concurrency token -------------------------------------------------------------


def draft_of(api, journey_id: str = "act-onb-2026") -> dict:
    return api.get(f"/api/journeys/{journey_id}", headers=api.auth()).json()


@pytest.mark.parametrize("token", ["<updatedAt you read>", "", "yesterday", "2026-06-01T14:00:00"])
def test_an_updated_at_that_is_no_timestamp_is_a_bad_request_not_a_conflict(api, token):
    before = draft_of(api)
    body = {"updatedAt": token, "name": "renamed"}
    response = api.patch("/api/journeys/act-onb-2026", headers=api.auth(), json=body)
    detail = only_detail(response)
    assert detail["path"] == "/updatedAt"
    assert "ISO-8601 timestamp" in detail["message"]
    assert draft_of(api)["name"] == before["name"]


def test_a_stale_updated_at_is_still_a_conflict(api):
    body = {"updatedAt": "2001-01-01T00:00:00.000000Z", "name": "renamed"}
    response = api.patch("/api/journeys/act-onb-2026", headers=api.auth(), json=body)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "draft_conflict"


@pytest.mark.parametrize(
    "sent", ["2026-06-01T14:00:00Z", "2026-06-01T14:00:00.000Z", "2026-06-01T16:00:00+02:00"]
)
def test_the_same_instant_written_another_way_is_not_a_conflict(sent):
    """A client that parses updatedAt and writes it back (``…14:00:00Z``, or in its
    own offset) sent the draft's very instant, and was told 409 forever."""
    with api_client() as api:
        assert draft_of(api)["updatedAt"] == "2026-06-01T14:00:00.000000Z"
        body = {"updatedAt": sent, "name": "renamed"}
        response = api.patch("/api/journeys/act-onb-2026", headers=api.auth(), json=body)
        assert response.status_code == 200, response.text
        assert draft_of(api)["name"] == "renamed"


# --- permission before the body ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "action"),
    [
        ("patch", "/api/journeys/act-onb-2026", {"name": "no token"}, "edit journeys"),
        ("patch", "/api/journeys/act-onb-2026", {"updatedAt": "x", "nme": 1}, "edit journeys"),
        ("patch", "/api/journeys/no-such-journey", {"name": "y"}, "edit journeys"),
        ("post", "/api/journeys", {"nam": "y"}, "create journeys"),
        # Valid in pydantic's lax mode, refused by the strict pass that follows it.
        ("post", "/api/journeys", {"name": "y", "goalEventWindowDays": "7"}, "create journeys"),
        ("post", "/api/_sim/clock/advance", {"bye": "P1D"}, "move the simulator's clock"),
        ("post", "/api/_sim/events", {}, "post end-user events"),
    ],
    ids=["patch-no-token", "patch-bad-fields", "patch-unknown-journey", "create-bad-field",
         "create-strict", "advance", "events"],
)  # fmt: skip
def test_a_viewers_write_is_forbidden_whatever_its_body(api, method, url, body, action):
    response = api.request(method.upper(), url, json=body, headers=api.auth("viewer"))
    assert response.status_code == 403, response.text
    answer = response.json()
    assert answer["code"] == "forbidden"
    assert answer["error"] == f"a viewer cannot {action}: ask an editor or owner of the workspace"


def test_an_editors_bad_body_is_still_a_bad_request(api):
    response = api.patch(
        "/api/journeys/act-onb-2026", json={"name": "no token"}, headers=api.auth("editor")
    )
    assert only_detail(response)["path"] == "/updatedAt"


def test_without_credentials_a_write_is_unauthorized_whatever_its_body(api):
    response = api.patch("/api/journeys/act-onb-2026", json={"nme": 1})
    assert response.status_code == 401, response.text


def test_a_viewers_dry_run_body_is_read_first_as_overrides_are_in_it(api):
    response = api.post(SIMULATE, json={"subjectID": "x"}, headers=api.auth("viewer"))
    assert only_detail(response)["path"] == "/subjectID"
    response = api.post(
        SIMULATE,
        json={"subjectId": "usr_holdout", "overrides": ["holdout"]},
        headers=api.auth("viewer"),
    )
    assert response.status_code == 403 and response.json()["code"] == "overrides_require_owner"


def test_an_empty_body_says_the_request_needs_one(api):
    response = api.post(
        "/api/journeys", headers={**api.auth(), "Content-Type": "application/json"}, content=b""
    )
    detail = only_detail(response)
    assert (detail["path"], detail["message"]) == ("", "the request needs a JSON body")


def test_a_json_error_ending_in_at_does_not_say_at_at(api):
    response = api.post(
        "/api/journeys",
        headers={**api.auth(), "Content-Type": "application/json"},
        content=b'{"name": "abc',
    )
    error = response.json()["error"]
    assert error.endswith("Unterminated string starting at line 1, column 10"), error
    assert "at at" not in error


def test_a_number_too_large_to_read_says_so(api):
    body = {"subjectId": "usr_holdout", "seed": 1e20}
    detail = only_detail(api.post(SIMULATE, headers=api.auth(), json=body))
    assert detail["message"] == "must be a whole number, and this one is far too large"


def test_an_unknown_field_inside_a_branch_rule_predicate_lists_the_predicates_fields(api):
    """The API's branch union is a named alias (for OpenAPI): the walk to the allowed
    fields stopped at it, and the message listed none."""
    when = {"kind": "attribute", "name": "plan", "op": "eq", "value": "x", "nmae": 1}
    branch = {"id": "b", "type": "branch", "mode": "conditional", "defaultNext": "e",
              "rules": [{"when": when, "next": "e"}]}  # fmt: skip
    body = {"name": "n", "steps": [branch, {"id": "e", "type": "exit"}]}
    detail = only_detail(api.post("/api/journeys", headers=api.auth(), json=body))
    assert detail["path"] == "/steps/0/rules/0/when/nmae"
    assert detail["message"] == (
        "unknown field 'nmae' (did you mean 'name'? allowed: kind, name, op, value)"
    )


def test_an_unknown_step_type_is_located_at_the_type_as_validate_locates_it(api):
    body = {"name": "n", "steps": [{"id": "a", "type": "sned"}]}
    detail = only_detail(api.post("/api/journeys", headers=api.auth(), json=body))
    assert detail["path"] == "/steps/0/type"
    assert detail["message"].startswith("unknown type 'sned' (expected one of 'send'")


def test_an_error_answered_before_the_route_is_written_as_the_routes_write_theirs(api):
    """A 415 (and any refusal the middleware makes) came as ``{"error": "..."}`` with
    spaces, where every route answers compact JSON."""
    headers = {**api.auth(), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = api.post("/api/journeys", headers=headers, content=b'{"name": "x"}')
    assert response.status_code == 415
    assert response.text.startswith('{"error":"')
