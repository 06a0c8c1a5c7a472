"""Defects a third QA pass found against ``journeysim serve``, each driven through the
API in-process: a replacing import that kept the old draft's fields."""

from __future__ import annotations

import pytest

from simulator.api.testing import api_client

SYNC = {"Authorization": "Bearer sync_acme_local_only"}
OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
VIEWER = {"Authorization": "Bearer tok_viewer_acme_cy"}
IMPORT = "/api/journeys/internal/import-bundle"
FORMAT = "journeysim.import-bundle/v1"


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


# --- A2: a replacing import makes the draft exactly the bundle's journey ---------------


def _bundle(*journeys: dict, segments: tuple[dict, ...] = ()) -> dict:
    return {
        "format": FORMAT,
        "source": {"kind": "pinpoint", "name": "x"},
        "journeys": list(journeys),
        "communications": [],
        "segments": list(segments),
        "triggerContracts": [],
        "idMap": {},
        "report": [],
    }


_JOURNEY_FIELDS = ("audienceId", "triggerContractId", "goalEventName", "goalEventWindowDays")


def _version_one(api) -> dict:
    version = api.get("/api/journeys/win-back-2026?version=1", headers=VIEWER).json()
    return {field: version.get(field) for field in ("name", "steps", *_JOURNEY_FIELDS)}


@pytest.mark.parametrize("open_draft", [False, True], ids=["published-only", "with-draft"])
def test_a_replacing_import_leaves_nothing_of_the_old_draft(api, open_draft):
    """The bundle's journey was applied as a PATCH: the fields it left out kept the old
    journey's audience, trigger contract and goal, so the "imported" draft still
    listened to the old trigger with the old audience."""
    journey = "/api/journeys/win-back-2026"
    published = _version_one(api)
    assert all(published[field] is not None for field in _JOURNEY_FIELDS)
    if open_draft:
        assert api.post(f"{journey}/draft", headers=OWNER).status_code == 201
    imported = {
        "id": "win-back-2026",
        "name": "Imported",
        "steps": [{"id": "exit", "type": "exit"}],
    }
    static = {"id": "seg-churned-customers", "name": "Listed", "kind": "static", "subjectIds": []}
    body = {"replace": True, "bundle": _bundle(imported, segments=(static,))}
    answer = api.post(IMPORT, json=body, headers=SYNC)
    assert answer.status_code == 200, answer.text
    assert answer.json()["replaced"] == ["win-back-2026"]

    draft = api.get(f"{journey}?version=draft", headers=VIEWER).json()
    assert {field: draft.get(field) for field in _JOURNEY_FIELDS} == dict.fromkeys(_JOURNEY_FIELDS)
    assert (draft["name"], draft["description"], draft["steps"]) == (
        "Imported",
        "",
        imported["steps"],
    )
    assert draft["draft"] == {"basedOnVersion": 1}
    # the published version stays as history, untouched
    assert _version_one(api) == published
    # a replaced document is replaced whole too: the old rules do not linger
    segments = {s["id"]: s for s in api.get("/api/segments", headers=VIEWER).json()}
    assert segments["seg-churned-customers"] == static
