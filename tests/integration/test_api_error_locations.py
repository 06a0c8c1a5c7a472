"""Every API error about a place in the request says where, in one form
(``{"in", "path", "message", "type", ...}``, simulator.backend.errors.problem): one
problem at the field that is wrong, not one for each way the request might have been
meant."""

from __future__ import annotations

import pytest
from api_problems import only_problem

from simulator.api.testing import api_client

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
SYNC = {"Authorization": "Bearer sync_acme_local_only"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api():
    with api_client(publish=True) as client:
        yield client


@pytest.mark.parametrize(
    ("body", "path", "kind"),
    [
        ({"by": "3 days"}, "/by", "duration"),
        ({"to": "next tuesday"}, "/to", None),
        ({"to": None}, "/to", None),
        ({}, "", "one_of"),
        ({"by": "P1D", "to": "2030-01-01T00:00:00Z"}, "", "one_of"),
        ({"in": "P1D"}, "/in", "extra_forbidden"),
    ],
)
def test_a_bad_clock_advance_is_one_problem_at_its_field(api, body, path, kind):
    answer = api.post("/api/_sim/clock/advance", json=body, headers=OWNER)
    detail = only_problem(answer, 400, "invalid_request")
    assert (detail["in"], detail["path"]) == ("body", path)
    assert kind is None or detail["type"] == kind
    assert "AdvanceTo" not in answer.text and "AdvanceBy" not in answer.text


def test_a_duration_that_is_not_iso_says_what_one_looks_like(api):
    answer = api.post("/api/_sim/clock/advance", json={"by": "3 days"}, headers=OWNER)
    assert only_problem(answer, 400, "invalid_request")["message"] == (
        "'3 days' is not an ISO-8601 duration such as P3D or PT12H"
    )


def test_going_back_in_time_is_located_at_to(api):
    answer = api.post("/api/_sim/clock/advance", json={"to": "2020-01-01T00:00:00Z"}, headers=OWNER)
    detail = only_problem(answer, 400, "invalid_request")
    assert (detail["path"], detail["type"]) == ("/to", "clock_cannot_go_back")
    assert detail["message"].endswith("cannot go back to 2020-01-01T00:00:00Z")


def test_the_clock_goes_no_further_than_by_may_take_it(api):
    """``to`` is bounded as ``by`` is (1000 years): at year 9999 every dispatch after
    would leave the calendar, and the clock cannot be moved back."""
    before = api.get("/api/_sim/clock", headers=OWNER).json()["now"]
    answer = api.post("/api/_sim/clock/advance", json={"to": "9999-12-31T23:59:59Z"}, headers=OWNER)
    detail = only_problem(answer, 400, "invalid_request")
    assert detail["path"] == "/to" and "more than 1000 years after the clock" in detail["message"]
    assert api.get("/api/_sim/clock", headers=OWNER).json()["now"] == before


def test_an_unknown_override_is_located_at_its_index_with_a_suggestion(api):
    answer = api.post(
        "/api/journeys/act-onb-2026/simulate",
        json={"subjectId": "usr_plain_ana", "overrides": ["holdout", "holdot"]},
        headers=OWNER,
    )
    detail = only_problem(answer, 400, "unknown_override")
    assert detail["path"] == "/overrides/1"
    assert "(did you mean 'holdout'?)" in detail["message"]


def test_an_unknown_subject_is_located_at_subject_id_and_masked(api):
    answer = api.post(
        "/api/journeys/act-onb-2026/simulate", json={"subjectId": "ana@example.com"}, headers=OWNER
    )
    detail = only_problem(answer, 404, "subject_not_found")
    assert detail["path"] == "/subjectId" and "ana@example.com" not in answer.text


def test_two_subjects_point_at_the_one_to_drop(api):
    answer = api.post(
        "/api/journeys/act-onb-2026/simulate",
        json={"subjectId": "usr_plain_ana", "subjectAttributes": {}},
        headers=OWNER,
    )
    detail = only_problem(answer, 400, "invalid_subject")
    assert detail["path"] == "/subjectAttributes"
    assert detail["given"] == ["subjectId", "subjectAttributes"]


def test_a_body_that_is_not_json_gets_line_and_column(api):
    answer = api.post("/api/journeys", content=b'{\n  "name": "x",,\n}', headers={**OWNER, **JSON})
    detail = only_problem(answer, 400, "invalid_json")
    assert (detail["in"], detail["path"], detail["line"], detail["column"]) == ("body", "", 2, 15)
    assert "at line 2, column 15" in answer.json()["error"]


def test_a_repeated_key_is_located_by_pointer_line_and_column(api):
    answer = api.post(
        "/api/journeys",
        content=b'{"steps": [{"id": "a", "id": "b"}]}',
        headers={**OWNER, **JSON},
    )
    detail = only_problem(answer, 400, "invalid_document")
    assert (detail["path"], detail["key"], detail["line"]) == ("/steps/0/id", "id", 1)


def test_a_repeated_key_that_is_an_email_is_masked(api):
    answer = api.post(
        "/api/_sim/events",
        content=b'{"ana@example.com": 1, "ana@example.com": 2}',
        headers={**OWNER, **JSON},
    )
    assert only_problem(answer, 400, "invalid_document")["path"] == "/a•••@e•••.com"
    assert "ana@example.com" not in answer.text


def test_a_stale_patch_points_at_updated_at(api):
    journey = api.get("/api/journeys/act-onb-2026?version=draft", headers=OWNER)
    if journey.status_code == 404:
        assert api.post("/api/journeys/act-onb-2026/draft", headers=OWNER).status_code in (200, 201)
    answer = api.patch(
        "/api/journeys/act-onb-2026",
        json={"updatedAt": "2000-01-01T00:00:00Z", "description": "stale"},
        headers=OWNER,
    )
    detail = only_problem(answer, 409, "draft_conflict")
    assert detail["path"] == "/updatedAt" and detail["updatedAt"] != "2000-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("route", "body", "path"),
    [
        (
            "/api/journeys/internal/translate-pinpoint",
            {"export": {}, "goalWindowDays": 3},
            "/goalWindowDays",
        ),
        (
            "/api/journeys/internal/translate-pinpoint",
            {"export": {}, "goalEvent": ""},
            "/goalEvent",
        ),
        ("/api/journeys/internal/import-bundle", {"bundle": {}, "replace": "yes"}, "/replace"),
        (
            "/api/journeys/internal/import-bundle",
            {"bundle": {}, "ana@example.com": 1},
            "/a•••@e•••.com",
        ),
    ],
)
def test_import_refusals_are_located_and_never_echo_pii(api, route, body, path):
    answer = api.post(route, json=body, headers=SYNC)
    detail = only_problem(answer, 400, "invalid_request")
    assert detail["path"] == path and "ana@example.com" not in answer.text
    assert "goal_window_days" not in answer.text  # the API's names, not Python's
