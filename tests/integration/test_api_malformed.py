"""Malformed input always gets a 4xx with a code, never a 500; and a bounded schemathesis
run over ``/openapi.json`` with every check finds no failure of any kind: no server
error, no response outside the schema, no schema-valid request refused and no
schema-invalid one accepted."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir

OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
JSON = {**OWNER, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api():
    with api_client() as client:
        yield client


def assert_4xx(response, code: str | None = None) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"error", "code", "status", "details"}
    assert body["status"] == response.status_code
    if code is not None:
        assert body["code"] == code, body
    return body


def draft(api) -> dict:
    created = api.post("/api/journeys", json={"name": "Malformed target"}, headers=OWNER)
    assert created.status_code == 201
    return created.json()


@pytest.mark.parametrize(
    "payload",
    [b"{", b"{'name': 'single quotes'}", b'{"name": "x",}', b"\xff\xfe\x00", b"NaN-ish", b"[1, 2"],
)
def test_invalid_json(api, payload):
    assert_4xx(api.post("/api/journeys", content=payload, headers=JSON), "invalid_json")


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "a string",
        42,
        None,
        {"name": None},
        {"name": ""},
        {"name": "x", "steps": "not a list"},
        {"name": "x", "steps": [{"id": "a", "type": "teleport"}]},
        {"name": "x", "steps": [{"id": "bad id!", "type": "exit"}]},
        {"name": "x", "steps": [{"type": "exit"}]},
        {"name": "x", "goalEventWindowDays": "seven"},
        {"name": "x", "goalEventWindowDays": 10**30},
        {"name": "x", "id": "../../etc/passwd"},
        {"name": "x", "steps": [{"id": "b", "type": "branch", "mode": "random", "arms": []}]},
    ],
)
def test_wrong_types_and_shapes(api, payload):
    body = assert_4xx(api.post("/api/journeys", json=payload, headers=OWNER), "invalid_request")
    assert body["details"] and all("path" in d and "message" in d for d in body["details"])


_WHOLE_WRITTEN_WITHOUT_POINT = "must be a whole number, not 7.0 (write 7)"
FILE_RULES = [
    ({"steps": []}, "/steps", "a journey needs at least one step (steps[0] is the entry step)"),
    ({"goalEventWindowDays": 7.0}, "/goalEventWindowDays", _WHOLE_WRITTEN_WITHOUT_POINT),
    ({"goalEventWindowDays": "7"}, "/goalEventWindowDays", "must be a whole number, not a string"),
    (
        {"goalEventWindowDays": True},
        "/goalEventWindowDays",
        "must be a whole number, not a boolean",
    ),
]
"""Journey content ``journeysim validate`` refuses in a file: the API's create and
patch bodies refuse it too, at the same pointer and in the same words."""


@pytest.mark.parametrize(("content", "path", "message"), FILE_RULES)
def test_create_refuses_what_a_journey_file_may_not_hold(api, content, path, message):
    from simulator.validation import validate

    as_file = validate({"id": "j", "name": "x", "triggerContractId": "t", **content})
    # The file's finding prefixes the field ("journey: goalEventWindowDays must be ...").
    assert [(f.code.value, f.path, f.message.endswith(message)) for f in as_file] == [
        ("invalid_document", path, True)
    ]
    answer = api.post("/api/journeys", json={"name": "x", **content}, headers=OWNER)
    body = assert_4xx(answer, "invalid_request")
    assert [(d["path"], d["message"]) for d in body["details"]] == [(path, message)]


@pytest.mark.parametrize(("content", "path", "message"), FILE_RULES)
def test_patch_refuses_what_a_journey_file_may_not_hold(api, content, path, message):
    target = draft(api)
    answer = api.patch(
        f"/api/journeys/{target['id']}",
        json={"updatedAt": target["updatedAt"], **content},
        headers=OWNER,
    )
    body = assert_4xx(answer, "invalid_request")
    assert [(d["path"], d["message"]) for d in body["details"]] == [(path, message)]
    kept = api.get(f"/api/journeys/{target['id']}", headers=OWNER).json()
    assert kept["steps"] == [{"id": "exit", "type": "exit"}] and "goalEventWindowDays" not in kept


def test_a_create_without_steps_still_gets_the_single_exit_step(api):
    created = api.post("/api/journeys", json={"name": "x", "goalEventWindowDays": 7}, headers=OWNER)
    assert created.status_code == 201, created.text
    assert created.json()["steps"] == [{"id": "exit", "type": "exit"}]
    assert created.json()["goalEventWindowDays"] == 7


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"]
)
def test_a_body_sent_as_another_content_type_is_named_as_such(api, content_type):
    # curl -d sends application/x-www-form-urlencoded unless told otherwise: the answer
    # must say what to change, not that a JSON object is "not a valid dictionary".
    headers = {**OWNER, "Content-Type": content_type}
    response = api.post("/api/journeys", content=b'{"name": "x"}', headers=headers)
    body = assert_4xx(response, "invalid_request")
    assert "Content-Type: application/json" in body["error"] and content_type in body["error"]
    assert body["details"] == [
        {
            "in": "header",
            "path": "/content-type",
            "message": f"expected application/json, got {content_type}",
            "type": "content_type",
        }
    ]


def test_wrong_step_type_points_at_the_field(api):
    payload = {
        "name": "x",
        "steps": [{"id": "s", "type": "send", "communicationId": 7, "next": "e"}],
    }
    body = assert_4xx(api.post("/api/journeys", json=payload, headers=OWNER), "invalid_request")
    assert body["details"][0]["path"] == "/steps/0/communicationId"


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/api/journeys", {"name": "x", "owner": "me"}),
        ("patch", "/api/journeys/{id}", {"updatedAt": "{updatedAt}", "status": "active"}),
        ("post", "/api/journeys/{id}/simulate", {"subjectAttributes": {}, "dryRun": True}),
    ],
)
def test_unknown_fields_are_refused(api, method, path, payload):
    journey = draft(api)
    text = json.dumps(payload).replace("{updatedAt}", journey["updatedAt"])
    url = path.format(id=journey["id"])
    body = assert_4xx(api.request(method, url, content=text, headers=JSON), "invalid_request")
    assert body["details"][0]["type"] == "extra_forbidden"


def test_bodies_over_the_limit(api):
    limit = api.backend.settings.max_body_bytes
    padding = "x" * limit
    body = assert_4xx(
        api.post("/api/journeys", json={"name": "x", "description": padding}, headers=OWNER),
        "payload_too_large",
    )
    (detail,) = body["details"]
    assert (detail["in"], detail["path"], detail["limit"]) == ("body", "", limit)

    def chunks():  # no Content-Length: the guard counts what arrives
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    chunked = api.post("/api/journeys", content=chunks(), headers=JSON)
    assert_4xx(chunked, "payload_too_large")
    assert api.get("/api/journeys", headers=OWNER).status_code == 200  # still serving


def test_ten_thousand_step_graphs(api):
    steps = [
        {"id": f"s{i}", "type": "wait", "duration": "P1D", "next": f"s{i + 1}"} for i in range(9999)
    ]
    steps.append({"id": "s9999", "type": "exit"})
    created = api.post("/api/journeys", json={"name": "huge", "steps": steps}, headers=OWNER)
    assert_4xx(created, "too_many_steps")
    journey = draft(api)
    patch = {"updatedAt": journey["updatedAt"], "steps": steps}
    assert_4xx(
        api.patch(f"/api/journeys/{journey['id']}", json=patch, headers=OWNER), "too_many_steps"
    )
    cyclic = [{**s, "next": "s0"} if s["id"] == "s9998" else s for s in steps]
    assert_4xx(
        api.post("/api/journeys", json={"name": "c", "steps": cyclic}, headers=OWNER),
        "too_many_steps",
    )


def test_cyclic_graphs_are_kept_as_drafts_and_refused_at_publish(api):
    steps = [
        {"id": "a", "type": "wait", "duration": "P1D", "next": "b"},
        {"id": "b", "type": "wait", "duration": "P1D", "next": "a"},
    ]
    created = api.post("/api/journeys", json={"name": "loop", "steps": steps}, headers=OWNER)
    assert created.status_code == 201  # a draft may be unfinished
    body = assert_4xx(api.post(f"/api/journeys/{created.json()['id']}/publish", headers=OWNER))
    assert body["code"] == "validation_failed"
    cycle = [f for f in body["details"] if f["code"] == "cycle_detected"]
    assert cycle and "a" in cycle[0]["message"] and "b" in cycle[0]["message"]
    trace = api.post(
        f"/api/journeys/{created.json()['id']}/simulate",
        json={"subjectAttributes": {}},
        headers=OWNER,
    )
    assert trace.status_code == 200  # the dry-run stops at the repeated step with a warning


def test_deep_nesting_is_refused_before_parsing_recursion(api):
    predicate: dict = {"kind": "attribute", "name": "plan", "op": "exists"}
    for _ in range(200):
        predicate = {"kind": "not", "of": predicate}
    steps = [
        {
            "id": "b",
            "type": "branch",
            "mode": "conditional",
            "rules": [{"when": predicate, "next": "x"}],
            "defaultNext": "x",
        },
        {"id": "x", "type": "exit"},
    ]
    deep = api.post("/api/journeys", json={"name": "deep", "steps": steps}, headers=OWNER)
    assert_4xx(deep, "nesting_too_deep")
    assert_4xx(api.post("/api/journeys", content=b"[" * 100_000, headers=JSON), "nesting_too_deep")
    assert_4xx(api.post("/api/journeys", content=b"[" * 5_000 + b"]" * 5_000, headers=JSON))


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "code"),
    [
        (
            "post",
            "/api/journeys",
            {
                "content": b"name=x",
                "headers": {**OWNER, "Content-Type": "application/x-www-form-urlencoded"},
            },
            "invalid_request",
        ),
        ("post", "/api/journeys", {"content": b"", "headers": JSON}, "invalid_request"),
        ("get", "/api/journeys/%00%ff", {"headers": OWNER}, "journey_not_found"),
        ("get", "/api/journeys/" + "é" * 300, {"headers": OWNER}, "journey_not_found"),
        ("get", "/api/journeys/act-onb-2026?version=-1", {"headers": OWNER}, "invalid_request"),
        (
            "get",
            "/api/journeys/act-onb-2026/audit?before=abc",
            {"headers": OWNER},
            "invalid_request",
        ),
        (
            "get",
            "/api/journeys/act-onb-2026/audit?before=99999999999999999999999",
            {"headers": OWNER},
            "invalid_request",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            {"json": {"subjectId": "x" * 5000}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            {"json": {"subjectAttributes": [1]}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            {"json": {"subjectAttributes": {}, "at": "yesterday"}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            {"json": {"subjectAttributes": {}, "at": "2026-06-01T00:00:00"}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "post",
            "/api/journeys/act-onb-2026/simulate",
            {"json": {"subjectAttributes": {}, "overrides": "holdout"}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "patch",
            "/api/journeys/act-onb-2026",
            {"json": {"updatedAt": "not a timestamp", "name": "y"}, "headers": OWNER},
            "invalid_request",
        ),
        (
            "get",
            "/api/journeys",
            {"headers": {"Authorization": "Bearer " + "x" * 10_000}},
            "unauthorized",
        ),
        ("get", "/api/journeys", {"headers": {"Authorization": "Bearer"}}, "unauthorized"),
    ],
)
def test_odd_requests(api, method, url, kwargs, code):
    assert_4xx(api.request(method, url, **kwargs), code)


# --- schemathesis ---------------------------------------------------------------------------


# Bounded and reproducible (a fixed seed, a few examples an operation), with every
# check schemathesis has, positive and negative data alike:
# * fuzzing on every operation;
# * coverage (boundary values, missing and unexpected fields, wrong methods, missing
#   credentials) on every operation but the two whose bodies hold the recursive step
#   and predicate schemas, which the coverage phase enumerates combinatorially (minutes);
# * stateful sequences over the links schemathesis infers (create → get/patch/publish…).
# Publish may answer 400 validation_failed to a schema-valid request: the request has
# no body, and whether the stored draft validates is state no schema can describe.
RECURSIVE_BODIES = [
    "create_journey_api_journeys_post",
    "patch_draft_api_journeys__journey_id__patch",
]
CONFIG = {
    "seed": 20260601,
    "headers": OWNER,
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": True},
        "stateful": {"enabled": True, "max-steps": 12},
        "fuzzing": {"enabled": True},
    },
    "generation": {"max-examples": 12},
    "operations": [
        {"include-operation-id": RECURSIVE_BODIES, "phases": {"coverage": {"enabled": False}}},
        {
            # The runtime's answers depend on state no schema describes: the clock
            # cannot go back (400), an execution or journey must exist (404), a viewer
            # may not move the clock (403), an import may conflict (409), and a
            # Pinpoint export's validity is the importer's to judge (400 with a report).
            "include-operation-id": [
                "advance_api__sim_clock_advance_post",
                "events_api__sim_events_post",
                "dispatch_api_journeys_internal_dispatch_post",
                "import_bundle_api_journeys_internal_import_bundle_post",
                "translate_pinpoint_api_journeys_internal_translate_pinpoint_post",
                "forget_end_user_api_journeys_internal_forget_end_user_post",
                "start_execution_api_journeys_internal_start_execution_post",
            ],
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                }
            },
        },
        {
            # The internal routes take the workspace's syncApiKey, not a member token:
            # with it, schemathesis reaches their bodies instead of a 403.
            "include-path-regex": "^/api/journeys/internal/",
            "headers": {"Authorization": "Bearer sync_acme_local_only"},
        },
        {
            "include-operation-id": "publish_api_journeys__journey_id__publish_post",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "402", "403", "404", "409"]
                }
            },
        },
    ],
}


def _whole(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: _whole(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


def whole_numbers_as_integers(case) -> None:
    """Send whole numbers as JSON integers (``338``, not ``338.0``).

    The one rule of the API no schema can state: JSON Schema's ``integer`` is any
    number with no fraction, ``338.0`` included, while the API refuses ``338.0`` where
    it wants an integer (``goalEventWindowDays``, a predicate's ``withinDays``), as
    ``journeysim validate`` refuses it in a file: one set of document rules (see
    ``simulator.models.base.Integer``). Generated data keeps every other value."""
    if isinstance(case.body, dict | list):
        case.body = _whole(case.body)


def _contract_schema(app):
    config = schemathesis.Config.from_dict(CONFIG)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@pytest.fixture(scope="module")
def api_schema(api):
    return _contract_schema(api.app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_openapi_contract(case):
    whole_numbers_as_integers(case)
    case.call_and_validate()  # every check


def _forget_journeys(client) -> None:
    """Back to the freshly loaded fixtures: every stateful scenario starts from the same
    server state, so that Hypothesis sees the same answers when it replays one."""
    store = client.backend.store
    db = store.db
    for table in (store.journeys_table, store.versions_table, store.audit_table):
        keys = [
            k["AttributeName"] for k in db.describe_table(TableName=table)["Table"]["KeySchema"]
        ]
        for page in db.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                db.delete_item(TableName=table, Key={k: item[k] for k in keys})
    client.backend.load_project(fixtures_dir() / "acme")


def test_openapi_contract_over_sequences_of_calls():
    with api_client() as client:
        machine = _contract_schema(client.app).as_state_machine()

        class FromTheFixtures(machine):
            def setup(self) -> None:
                _forget_journeys(client)

            def before_call(self, case) -> None:
                whole_numbers_as_integers(case)

        bounded = settings(
            max_examples=20,
            derandomize=True,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        FromTheFixtures.run(settings=bounded)


def test_openapi_documents_every_error_status(api):
    document = api.get("/openapi.json").json()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) == 29  # 16 authoring + 13 runtime (internal, stats, _sim)
    for operation in operations:
        statuses = set(operation["responses"])
        assert {"400", "401", "413", "503"} <= statuses, operation["operationId"]
        assert "422" not in statuses
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema_ref = response["content"]["application/json"]["schema"]["$ref"]
                assert schema_ref.endswith("/ErrorBody")
    assert document["components"]["securitySchemes"].keys() == {"HTTPBearer", "APIKeyCookie"}


ROUTES = [
    ("get", "/api/journeys"),
    ("post", "/api/journeys"),
    ("get", "/api/journeys/act-onb-2026"),
    ("patch", "/api/journeys/act-onb-2026"),
    ("post", "/api/journeys/act-onb-2026/draft"),
    ("post", "/api/journeys/act-onb-2026/publish"),
    ("post", "/api/journeys/act-onb-2026/pause"),
    ("post", "/api/journeys/act-onb-2026/resume"),
    ("post", "/api/journeys/act-onb-2026/archive"),
    ("get", "/api/journeys/act-onb-2026/audit"),
    ("post", "/api/journeys/act-onb-2026/simulate"),
    ("get", "/api/workspace"),
    ("get", "/api/communications"),
    ("get", "/api/segments"),
    ("get", "/api/trigger-contracts"),
    ("get", "/api/subjects"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_guards_body_size_and_depth(api, method, path):
    big = b'{"name": "' + b"x" * api.backend.settings.max_body_bytes + b'"}'
    assert_4xx(api.request(method, path, content=big, headers=JSON), "payload_too_large")
    deep = b"[" * 70 + b"]" * 70
    assert_4xx(api.request(method, path, content=deep, headers=JSON), "nesting_too_deep")
    untouched = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
    assert untouched["status"] == "draft"  # a refused request changed nothing


def test_happy_responses_match_the_documented_schemas(api):
    from jsonschema import Draft202012Validator

    document = api.get("/openapi.json").json()

    def conforms(method: str, template: str, response) -> dict:
        operation = document["paths"][template][method]
        declared = operation["responses"][str(response.status_code)]
        schema = declared["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": document["components"]})
        problems = [error.message for error in validator.iter_errors(response.json())]
        assert problems == [], (method, template, problems[:3])
        return response.json()

    one = "/api/journeys/{journey_id}"
    created = conforms("post", "/api/journeys", api.post("/api/journeys", json={
        "name": "Schema check", "steps": [
            {"id": "w", "type": "wait", "untilEvent": {"eventName": "e", "timeout": "P1D",
                                                        "timeoutNext": "x"}, "next": "x"},
            {"id": "x", "type": "exit"}]}, headers=OWNER))  # fmt: skip
    path = f"/api/journeys/{created['id']}"
    conforms("get", "/api/journeys", api.get("/api/journeys", headers=OWNER))
    patch = {"updatedAt": created["updatedAt"], "description": "checked"}
    conforms("patch", one, api.patch(path, json=patch, headers=OWNER))
    conforms("post", one + "/publish", api.post(path + "/publish", headers=OWNER))
    conforms("get", one, api.get(path, headers=OWNER))
    conforms("post", one + "/draft", api.post(path + "/draft", headers=OWNER))
    conforms("post", one + "/pause", api.post(path + "/pause", headers=OWNER))
    conforms("get", one + "/audit", api.get(path + "/audit", headers=OWNER))
    for body in ({"subjectId": "usr_trial_checkout", "overrides": ["holdout"]},
                 {"subjectAttributes": {"seats": 4}, "version": "draft"}):  # fmt: skip
        trace = api.post("/api/journeys/trial-conv-2026/simulate", json=body, headers=OWNER)
        conforms("post", one + "/simulate", trace)
    for listing in ("/api/workspace", "/api/communications", "/api/segments",
                    "/api/trigger-contracts", "/api/subjects"):  # fmt: skip
        conforms("get", listing, api.get(listing, headers=OWNER))
    conforms("get", one, api.get("/api/journeys/nope", headers=OWNER))
