"""Edge behaviours a QA pass found in the Journeys API: a trailing slash answered with a
bodiless ``307``, a ``Content-Encoding`` that was ignored or read as broken UTF-8,
audit timestamps that went backwards in seq order, a trigger contract's ``versionAt``
kept in year 10000, and ``forget-end-user`` masking the id otherwise than every other
answer."""

from __future__ import annotations

import gzip

import pytest
from runtime_routes import OWNER

from simulator.api.testing import api_client

IMPORT = "/api/journeys/internal/import-bundle"
FORMAT = "journeysim.import-bundle/v1"


@pytest.fixture(scope="module")
def api():
    with api_client() as client:
        yield client


# --- 1: a trailing slash -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "meant"),
    [
        ("GET", "/api/journeys/", "/api/journeys"),
        ("POST", "/api/journeys/act-onb-2026/publish/", "/api/journeys/act-onb-2026/publish"),
        ("GET", "/api/workspace/", "/api/workspace"),
    ],
)
def test_a_trailing_slash_is_a_404_naming_the_route_meant(api, method, path, meant):
    answer = api.request(method, path, headers=OWNER, follow_redirects=False)
    assert answer.status_code == 404, (answer.status_code, answer.headers, answer.text)
    body = answer.json()
    assert body["code"] == "not_found"
    assert meant in body["error"] and "trailing slash" in body["error"]
    assert body["details"] == [
        {
            "in": "path",
            "path": "",
            "message": body["error"],
            "type": "not_found",
            "suggestion": meant,
        }
    ]
    assert "location" not in answer.headers


def test_an_unknown_path_with_a_slash_is_a_plain_404(api):
    answer = api.get("/api/nothing/", headers=OWNER, follow_redirects=False)
    assert answer.status_code == 404
    assert answer.json()["details"] == []


# --- 2: Content-Encoding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(b'{"name": "Zipped"}')),
        ("gzip", b'{"name": "Plain but said to be zipped"}'),
        ("br", b'{"name": "x"}'),
        ("identity, gzip", b'{"name": "x"}'),
    ],
)
def test_a_content_encoding_is_refused_as_unsupported(api, encoding, body):
    headers = {**OWNER, "content-type": "application/json", "content-encoding": encoding}
    before = len(api.get("/api/journeys", headers=OWNER).json())
    answer = api.post("/api/journeys", content=body, headers=headers)
    assert answer.status_code == 415, answer.text
    error = answer.json()
    assert error["code"] == "unsupported_content_encoding"
    assert error["status"] == 415
    assert error["details"][0]["in"] == "header"
    assert error["details"][0]["path"] == "/content-encoding"
    assert answer.headers["accept-encoding"] == "identity"
    assert len(api.get("/api/journeys", headers=OWNER).json()) == before


def test_identity_is_no_encoding(api):
    headers = {**OWNER, "content-encoding": "identity"}
    answer = api.post("/api/journeys", json={"name": "Identity"}, headers=headers)
    assert answer.status_code == 201, answer.text
