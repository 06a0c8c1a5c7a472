"""The runtime defers sends by quiet hours with the dry-run's gates (one code path):
across the autumn change in New York, a send at the second 01:10 waits for the second
01:30 and is delivered then, never at the earlier, already past, 01:30."""

from __future__ import annotations

import json
import shutil

import pytest
from runtime_routes import ADVANCE, EDITOR, EVENTS, OWNER, signup

from simulator.api.testing import api_client
from simulator.paths import fixtures_dir


@pytest.fixture
def api(tmp_path):
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    workspace = json.loads((project / "workspace.json").read_text())
    workspace["quietHours"] = {"start": "22:00", "end": "01:30", "timezone": "America/New_York"}
    (project / "workspace.json").write_text(json.dumps(workspace))
    with api_client(project, publish=True) as client:
        yield client


def _at(api) -> list[tuple[str, str]]:
    rows = api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json()
    return [(row["status"], row["currentStepId"]) for row in rows]


def test_a_welcome_at_the_second_0110_is_sent_at_the_second_0130(api):
    # 06:10Z on 2026-11-01 is 01:10 EST in Ana's New York (the workspace zone)
    api.post(EVENTS, json=signup("e1", "usr_plain_ana", "2026-11-01T06:10:00Z"), headers=EDITOR)
    api.post(ADVANCE, json={"to": "2026-11-01T06:29:00Z"}, headers=OWNER)
    assert _at(api) == [("RUNNING", "send-welcome")]
    outbox = api.get("/api/_sim/outbox?journeyId=act-onb-2026", headers=OWNER).json()
    assert outbox["messages"] == []
    api.post(ADVANCE, json={"to": "2026-11-01T06:30:00Z"}, headers=OWNER)
    assert _at(api) == [("RUNNING", "wait-3d")]
    outbox = api.get("/api/_sim/outbox?journeyId=act-onb-2026", headers=OWNER).json()
    assert [m["sentAt"] for m in outbox["messages"]] == ["2026-11-01T06:30:00Z"]
