"""Edge behaviours a QA pass found in the Journeys API: a trailing slash answered with a
bodiless ``307``, a ``Content-Encoding`` that was ignored or read as broken UTF-8,
audit timestamps that went backwards in seq order, a trigger contract's ``versionAt``
kept in year 10000, and ``forget-end-user`` masking the id otherwise than every other
answer."""

from __future__ import annotations

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
