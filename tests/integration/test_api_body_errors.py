"""A body the API cannot read is one ``400 invalid_json`` problem at the place it goes
wrong (``line``/``column`` in characters, ``position`` an integer byte offset), and a
wrong dry-run ``version`` is one problem at ``/version`` (or ``?version=``) saying what
is allowed, whatever pydantic's union made of it."""

from __future__ import annotations

import sys

import pytest
from api_problems import only_problem
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from simulator.api.testing import api_client

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
JSON = {**OWNER, "Content-Type": "application/json"}
SIMULATE = "/api/journeys/act-onb-2026/simulate"
LIMIT = sys.get_int_max_str_digits()


@pytest.fixture(scope="module")
def api():
    with api_client(publish=True) as client:
        yield client


def located(detail: dict) -> tuple[int, int, int]:
    where = detail["line"], detail["column"], detail["position"]
    assert all(type(number) is int for number in where), detail
    return where


# --- integers of too many digits ------------------------------------------------------


def test_an_integer_of_too_many_digits_is_located_at_the_number(api):
    body = b'{\n  "name": "x",\n  "goalEventWindowDays": ' + b"9" * 5000 + b"\n}"
    answer = api.post("/api/journeys", content=body, headers=JSON)
    detail = only_problem(answer, 400, "invalid_json")
    assert (detail["in"], detail["path"], detail["type"]) == (
        "body",
        "/goalEventWindowDays",
        "too_many_digits",
    )
    assert located(detail) == (3, 26, body.index(b"9"))
    assert "integer has too many digits" in detail["message"] and detail["limit"] == LIMIT
    assert "at line 3, column 26" in answer.json()["error"]


def test_the_pointer_of_a_long_integer_names_where_it_is_nested(api):
    body = b'{"subjectAttributes": {"plan": "pro", "n": [1, -' + b"1" * 4400 + b"]}}"
    detail = only_problem(api.post(SIMULATE, content=body, headers=JSON), 400, "invalid_json")
    assert detail["path"] == "/subjectAttributes/n/1"
    assert located(detail) == (1, body.index(b"-1111") + 1, body.index(b"-1111"))


@pytest.mark.parametrize(
    ("digits", "code"), [(LIMIT, "invalid_request"), (LIMIT + 1, "invalid_json")]
)
def test_the_digit_limit_is_pythons(api, digits, code):
    body = b'{"name": "x", "goalEventWindowDays": ' + b"7" * digits + b"}"
    detail = only_problem(api.post("/api/journeys", content=body, headers=JSON), 400, code)
    assert detail["path"] == "/goalEventWindowDays"  # over 365, or unreadable


# --- text that is not UTF-8 -----------------------------------------------------------


def test_a_body_that_is_not_utf8_is_located_at_the_first_bad_byte(api):
    body = '{\n  "name": "Zoë ‘x’ '.encode() + b"\xff\xfe" + b'"\n}'
    answer = api.post("/api/journeys", content=body, headers=JSON)
    detail = only_problem(answer, 400, "invalid_json")
    assert (detail["in"], detail["path"], detail["type"]) == ("body", "", "invalid_encoding")
    # Column in characters (ë, ‘ and ’ are one each), position in bytes (2, 3 and 3).
    assert located(detail) == (2, 20, body.index(b"\xff"))
    assert "not UTF-8" in detail["message"] and "0xff" in detail["message"]
    assert "not UTF-8" in answer.json()["error"]


def test_a_byte_order_mark_counts_in_the_position(api):
    body = b'\xef\xbb\xbf{"name": "\x80"}'
    detail = only_problem(
        api.post("/api/journeys", content=body, headers=JSON), 400, "invalid_json"
    )
    assert located(detail) == (1, 11, 13)


def test_a_surrogate_written_as_bytes_is_not_utf8(api):
    # json.loads lets ED A0 80 (U+D800 encoded as UTF-8) through as a lone surrogate.
    body = b'{"subjectAttributes": {"plan": "\xed\xa0\x80"}}'
    detail = only_problem(api.post(SIMULATE, content=body, headers=JSON), 400, "invalid_json")
    assert detail["type"] == "invalid_encoding"
    assert located(detail) == (1, 33, body.index(b"\xed"))


# --- half a surrogate pair --------------------------------------------------------------


def test_a_lone_surrogate_escape_is_refused_at_the_string(api):
    body = b'{\n  "subjectAttributes": {\n    "plan": "pro \\ud800 x"\n  }\n}'
    answer = api.post(SIMULATE, content=body, headers=JSON)
    detail = only_problem(answer, 400, "invalid_json")
    assert (detail["in"], detail["path"], detail["type"]) == (
        "body",
        "/subjectAttributes/plan",
        "lone_surrogate",
    )
    assert located(detail) == (3, 13, body.index(b'"pro'))
    assert "\\ud800" in detail["message"] and "surrogate" in detail["message"]


def test_a_lone_surrogate_in_a_key_names_its_member(api):
    body = b'{"subjectAttributes": {"ok": 1, "\\udc00": 2}}'
    detail = only_problem(api.post(SIMULATE, content=body, headers=JSON), 400, "invalid_json")
    assert detail["path"] == "/subjectAttributes/\ufffd"
    assert located(detail) == (1, 33, 32)


def test_a_lone_surrogate_is_refused_on_every_route(api):
    answer = api.post("/api/_sim/events", content=b'{"name": "\\ud800"}', headers=JSON)
    detail = only_problem(answer, 400, "invalid_json")
    assert (detail["path"], detail["type"], located(detail)) == (
        "/name",
        "lone_surrogate",
        (1, 10, 9),
    )


def test_a_whole_surrogate_pair_is_a_character(api):
    body = b'{"subjectAttributes": {"plan": "\\ud83d\\ude00"}}'
    answer = api.post(SIMULATE, content=body, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["subject"]["attributes"]["plan"] == "\U0001f600"


# --- every body error: the same form --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{\n  "name": "x",,\n}', (2, 15, 16)),
        ('{"name": "é",'.encode(), (1, 14, 14)),
        (b'{"name": "x"', (1, 13, 12)),
        (b"\x80", (1, 1, 0)),
        (b"[" + b"1" * 4301 + b"]", (1, 2, 1)),
        (b'["\\ud800"]', (1, 2, 1)),
    ],
    ids=["syntax", "syntax-after-e-acute", "truncated", "not-utf8", "digits", "surrogate"],
)
def test_every_unreadable_body_is_one_problem_with_integer_position(api, body, where):
    detail = only_problem(
        api.post("/api/journeys", content=body, headers=JSON), 400, "invalid_json"
    )
    assert detail["in"] == "body"
    assert located(detail) == where


# --- numbers that are not finite ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "words"),
    [
        (b"NaN", "NaN is not JSON"),
        (b"-Infinity", "-Infinity is not JSON"),
        (b"1e400", "1e400 is too large"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_not_answered_as_null(api, written, words):
    """json reads NaN, Infinity and 1e400, and the dry-run answered 200 with the value
    turned into null: the subject the client sent was silently changed."""
    body = b'{"subjectAttributes": {\n  "plan": "pro", "seats": ' + written + b"}}"
    detail = only_problem(api.post(SIMULATE, content=body, headers=JSON), 400, "invalid_json")
    assert (detail["path"], detail["type"]) == ("/subjectAttributes/seats", "not_finite")
    assert located(detail) == (2, 27, body.index(written))
    assert detail["message"].startswith(words)


def test_not_finite_words_inside_a_string_are_text(api):
    body = {"subjectAttributes": {"plan": "pro", "note": "NaN Infinity 1e400"}}
    assert api.post(SIMULATE, json=body, headers=OWNER).status_code == 200


def test_a_route_that_takes_no_body_still_ignores_an_unreadable_one(api):
    answer = api.request("GET", "/api/workspace", content=b"\xff" + b"9" * 5000, headers=JSON)
    assert answer.status_code == 200, answer.text


# --- the dry-run's version ------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "v2", 0, -1, 10**9, 1.5, True, [1]])
def test_a_wrong_version_is_one_problem_at_version(api, version):
    answer = api.post(SIMULATE, json={"subjectAttributes": {}, "version": version}, headers=OWNER)
    detail = only_problem(answer, 400, "invalid_request")
    assert (detail["in"], detail["path"]) == ("body", "/version")
    assert detail["message"] == (
        'expected a version number from 1 to 999999999, "draft" or "latest"'
    )
    assert "literal" not in answer.text and "/int" not in answer.text


@pytest.mark.parametrize("version", ["0", "-1", "1000000000", "v1"])
def test_the_query_version_is_refused_in_the_same_words(api, version):
    answer = api.get(f"/api/journeys/act-onb-2026?version={version}", headers=OWNER)
    query = only_problem(answer, 400, "invalid_request")
    body = api.post(SIMULATE, json={"subjectAttributes": {}, "version": 0}, headers=OWNER)
    assert (query["in"], query["path"]) == ("query", "/version")
    assert query["message"] == only_problem(body, 400, "invalid_request")["message"]


@pytest.mark.parametrize("version", [1, "latest"])
def test_a_good_version_still_runs_and_an_unknown_one_is_still_not_found(api, version):
    answer = api.post(SIMULATE, json={"subjectAttributes": {}, "version": version}, headers=OWNER)
    assert answer.status_code == 200 and answer.json()["version"] == 1
    unknown = api.post(SIMULATE, json={"subjectAttributes": {}, "version": 9}, headers=OWNER)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "version_not_found")


def test_no_request_field_is_an_untagged_union_pydantic_would_report_per_branch(api):
    # A plain union reports one error per branch, under names such as
    # "literal['draft','latest']"; every one a request takes must be tagged (the tag is
    # in the body) or wrapped by a validator that gives one problem.
    bare = []

    def walk(node, path, wrapped):
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "union" and not wrapped:
                bare.append(path)
            for key, child in node.items():
                walk(child, f"{path}/{key}", kind == "function-wrap" and key == "schema")
        elif isinstance(node, list | tuple):
            for index, child in enumerate(node):
                walk(child, f"{path}/{index}", False)

    for route in api.app.routes:
        if isinstance(route, APIRoute):
            dependant = route.dependant
            fields = [*dependant.body_params, *dependant.query_params]
            for dependency in dependant.dependencies:
                fields += [*dependency.body_params, *dependency.query_params]
            for field in fields:
                schema = TypeAdapter(field.field_info.annotation).core_schema
                walk(schema, f"{route.path} {field.name}", False)
    assert not bare
