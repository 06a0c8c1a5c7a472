"""The auth matrix: every route × {no token, bad token, viewer, editor, owner, another
workspace's owner} (plus the session cookie), with the status each must get.

Two workspaces share one store: ``acme`` (the fixtures) and ``globex`` (a copy with its
own id and tokens). Each case sets up a fresh journey in the state its route needs, as
acme's owner, then makes the request as the identity under test.
"""

from __future__ import annotations

import json
import shutil
import uuid

import pytest

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir

GLOBEX_OWNER = "tok_owner_globex_gil"
IDENTITIES = {
    "none": {},
    "bad-token": {"Authorization": "Bearer tok_not_a_member"},
    "other-scheme": {"Authorization": "Basic dG9rX293bmVyX2FjbWVfYWRh"},
    "viewer": {"Authorization": "Bearer tok_viewer_acme_cy"},
    "editor": {"Authorization": "Bearer tok_editor_acme_ben"},
    "owner": {"Authorization": "Bearer tok_owner_acme_ada"},
    "owner-cookie": {"Cookie": "session=tok_owner_acme_ada"},
    "other-owner": {"Authorization": f"Bearer {GLOBEX_OWNER}"},
}

# route: (method, path, state the journey needs, body, success status, who may)
# "who may": "read" (every member), "write" (editor, owner), "owner" (owner only).
ROUTES = {
    "list": ("GET", "/api/journeys", None, None, 200, "read"),
    "create": ("POST", "/api/journeys", None, "new", 201, "write"),
    "get": ("GET", "/api/journeys/{id}", "draft", None, 200, "read"),
    "patch": ("PATCH", "/api/journeys/{id}", "draft", "patch", 200, "write"),
    "bump": ("POST", "/api/journeys/{id}/draft", "active", None, 201, "write"),
    "publish": ("POST", "/api/journeys/{id}/publish", "draft", None, 200, "write"),
    "pause": ("POST", "/api/journeys/{id}/pause", "active", None, 200, "write"),
    "resume": ("POST", "/api/journeys/{id}/resume", "paused", None, 200, "write"),
    "archive": ("POST", "/api/journeys/{id}/archive", "paused", None, 200, "write"),
    "audit": ("GET", "/api/journeys/{id}/audit", "draft", None, 200, "read"),
    "simulate": ("POST", "/api/journeys/{id}/simulate", "draft", "synthetic", 200, "read"),
    "simulate-overrides": (
        "POST",
        "/api/journeys/{id}/simulate",
        "draft",
        "override",
        200,
        "owner",
    ),
    "workspace": ("GET", "/api/workspace", None, None, 200, "read"),
    "communications": ("GET", "/api/communications", None, None, 200, "read"),
    "segments": ("GET", "/api/segments", None, None, 200, "read"),
    "trigger-contracts": ("GET", "/api/trigger-contracts", None, None, 200, "read"),
    "subjects": ("GET", "/api/subjects", None, None, 200, "read"),
}
ROLES = {"read": {"viewer", "editor", "owner"}, "write": {"editor", "owner"}, "owner": {"owner"}}


def expected(route: str, identity: str) -> tuple[int, str | None]:
    _, path, _, _, success, who = ROUTES[route]
    if identity in {"none", "bad-token", "other-scheme"}:
        return 401, "unauthorized"
    if identity == "other-owner":
        # Another workspace's journey does not exist for them; their own lists work.
        return (404, "journey_not_found") if "{id}" in path else (success, None)
    role = "owner" if identity == "owner-cookie" else identity
    if role in ROLES[who]:
        return success, None
    return 403, ("overrides_require_owner" if who == "owner" else "forbidden")


@pytest.fixture(scope="module", params=["in-process", "moto-server"])
def api(request, tmp_path_factory):
    globex = tmp_path_factory.mktemp("globex") / "project"
    shutil.copytree(fixtures_dir() / "acme", globex)
    workspace = json.loads((globex / "workspace.json").read_text())
    workspace.update(id="globex", projectKey="pk_test_globex", name="Globex")
    workspace["syncApiKey"] = "sync_globex_only"  # acme's secret is acme's alone
    workspace["members"] = [{"userId": "usr_owner_gil", "role": "owner", "token": GLOBEX_OWNER}]
    (globex / "workspace.json").write_text(json.dumps(workspace))
    with api_client(moto_server=request.param == "moto-server") as client:
        client.backend.load_project(globex)
        yield client


def _journey_in_state(api, state: str) -> dict:
    owner = IDENTITIES["owner"]
    journey_id = f"auth-{uuid.uuid4().hex[:10]}"
    template = api.get("/api/journeys/act-onb-2026", headers=owner).json()
    body = {k: template[k] for k in ("name", "audienceId", "triggerContractId", "steps")}
    journey = api.post("/api/journeys", json={**body, "id": journey_id}, headers=owner).json()
    if state in {"active", "paused"}:
        assert api.post(f"/api/journeys/{journey_id}/publish", headers=owner).status_code == 200
    if state == "paused":
        assert api.post(f"/api/journeys/{journey_id}/pause", headers=owner).status_code == 200
    return api.get(f"/api/journeys/{journey_id}", headers=owner).json() | journey


def _body(kind: str | None, journey: dict | None):
    return {
        None: None,
        "new": {"name": "Auth matrix"},
        "patch": {"updatedAt": (journey or {}).get("updatedAt"), "description": "changed"},
        "synthetic": {"subjectAttributes": {"plan": "pro"}},
        "override": {"subjectId": "usr_plain_ana", "overrides": ["holdout"]},
    }[kind]


@pytest.mark.parametrize("identity", list(IDENTITIES))
@pytest.mark.parametrize("route", list(ROUTES))
def test_auth_matrix(api, route, identity):
    method, path, state, body_kind, _, _ = ROUTES[route]
    journey = _journey_in_state(api, state) if state else None
    url = path.format(id=journey["id"]) if journey else path
    response = api.request(
        method, url, json=_body(body_kind, journey), headers=IDENTITIES[identity]
    )
    status, code = expected(route, identity)
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["code"] == code
    if route == "list" and identity == "other-owner":
        assert not any(entry["id"].startswith("auth-") for entry in response.json())
        assert {entry["id"] for entry in response.json()} >= {"act-onb-2026"}  # globex's copy
    if route == "workspace" and status == 200:
        assert response.json()["id"] == ("globex" if identity == "other-owner" else "acme")


def test_a_bearer_header_and_a_cookie_that_disagree_are_refused(api):
    headers = {"Authorization": "Bearer tok_not_a_member", "Cookie": "session=tok_owner_acme_ada"}
    response = api.get("/api/journeys", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "ambiguous_credentials"


def test_a_workspace_never_sees_anothers_journey_even_by_exact_id(api):
    acme = _journey_in_state(api, "draft")
    other = IDENTITIES["other-owner"]
    assert (
        api.get(f"/api/journeys/{acme['id']}", headers=other).json()["code"] == "journey_not_found"
    )
    missing = api.get("/api/journeys/never-existed", headers=other).json()
    assert missing["code"] == "journey_not_found"  # the same answer: no existence leak


def test_anonymous_requests_learn_nothing_about_the_body(api):
    response = api.post("/api/journeys", json={"unknown": True})
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    patch = api.patch("/api/journeys/act-onb-2026", json={"updatedAt": 1})
    assert patch.status_code == 401
