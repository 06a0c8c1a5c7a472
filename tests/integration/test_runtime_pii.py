"""The runtime renders and delivers through the dry-run's renderer and masking (issue 8):
what it keeps and shows (the outbox, the executions list, dispatched steps, the audit
log, its errors) holds no raw PII value of the subject, nor an ``endUserId`` that is an
e-mail address or a phone number, even where only the raw values break a template."""

from __future__ import annotations

import json
import shutil

import pytest

from simulator.api.testing import api_client
from simulator.project import load_project
from simulator.strategies import leaks

SYNC = {"Authorization": "Bearer sync_acme_local_only"}
ARN_PREFIX = "arn:aws:states:us-east-1:123456789012:execution:disp:"
SUBJECTS = ("kwame.mensah@example.org", "+44 7700 900123")

RAW_ONLY_ERROR = (
    "{% if firstName in ('K•••', 'C•••') %}masked{% else %}"
    "{{ ('{' ~ lastName ~ '}').format() }}{% endif %}"
)
"""Renders with the masked values; with the raw ones ``str.format`` fails and its
``KeyError`` quotes the raw last name."""


@pytest.fixture(scope="module")
def project(pii_project, tmp_path_factory):
    """The PII project plus a journey whose message breaks on raw values only, and
    whose webhook body holds an address the template writes itself."""
    root = tmp_path_factory.mktemp("runtime-pii") / "acme"
    shutil.copytree(pii_project, root)
    communication = {
        "id": "comm-raw-only-error",
        "name": "Breaks on raw values",
        "kind": "marketing",
        "channels": ["email"],
        "version": 1,
        "subjectLine": "Hello",
        "body": RAW_ONLY_ERROR,
    }
    (root / "communications" / "comm-raw-only-error.json").write_text(json.dumps(communication))
    journey = {
        "id": "raw-only-error",
        "name": "Raw-only error",
        "triggerContractId": "trig-signup",
        "steps": [
            {
                "id": "send-raw",
                "type": "send",
                "communicationId": "comm-raw-only-error",
                "channel": "email",
                "next": "hook",
            },
            {
                "id": "hook",
                "type": "webhook",
                "url": "https://hooks.example.com/crm",
                "method": "POST",
                "bodyTemplate": '{"who": "{{ fullName }}", "cc": "{{ plan }}.desk@acme-help.org"}',
                "next": "exit",
            },
            {"id": "exit", "type": "exit"},
        ],
    }
    (root / "journeys" / "raw-only-error.json").write_text(json.dumps(journey))
    return root


def _secrets(project, subject_id: str) -> list[str]:
    loaded = load_project(project)
    subject = loaded.world.subjects[subject_id]
    pii = loaded.world.workspace.pii_attributes
    return [subject_id, *(str(v) for k, v in subject.attributes.items() if k in pii)]


@pytest.mark.parametrize("subject_id", SUBJECTS)
def test_no_runtime_surface_shows_a_raw_pii_value(project, subject_id):
    secrets = _secrets(project, subject_id)
    journeys = ("pii-transforms", "raw-only-error", "act-onb-2026")
    with api_client(project, publish=True) as api:
        owner = api.auth("owner")
        event = {
            "id": "evt-pii",
            "name": "user.signed_up",
            "at": "2026-06-01T14:00:00Z",
            "properties": {
                "endUserId": subject_id,
                "signupSource": "ads",
                "plan": "trial",
                "referrer": "Kwame Mensah",
            },
        }
        started = api.post("/api/journeys/internal/start-execution", json=event, headers=SYNC)
        assert started.status_code == 200, started.text
        assert {s["journeyId"] for s in started.json()["started"]} >= set(journeys)
        shown = []
        for arn in (s["executionArn"] for s in started.json()["started"]):
            dispatched = api.post(
                "/api/journeys/internal/dispatch", json={"executionArn": arn}, headers=SYNC
            )
            assert dispatched.status_code == 200, dispatched.text
            step = dispatched.json()["step"]
            shown.append(json.dumps(step))
            if step["stepId"] == "send-raw":  # broke on the raw last name, which it names
                assert (step["decision"], step["reason"]) == ("failed", "template_error")
                assert "KeyError" in step["send"]["error"], step
                assert f"'{secrets[2][0]}•••'" in step["send"]["error"], step
        advanced = api.post("/api/_sim/clock/advance", json={"by": "P12D"}, headers=owner)
        assert advanced.status_code == 200, advanced.text
        for journey_id in journeys:
            for tail in ("/executions", "/audit", "/step-stats"):
                response = api.get(f"/api/journeys/{journey_id}{tail}", headers=owner)
                assert response.status_code == 200, response.text
                shown.append(response.text)
        outbox = api.get("/api/_sim/outbox", headers=owner)
        by_user = api.get("/api/_sim/outbox", params={"endUserId": subject_id}, headers=owner)
        assert by_user.json() == outbox.json() and outbox.json()["messages"]
        shown.append(outbox.text)
        missing = api.post(
            "/api/journeys/internal/dispatch",
            json={"executionArn": f"arn:aws:states:x:execution:disp:j__v1__{subject_id}__e"},
            headers=SYNC,
        )
        assert missing.status_code == 404
        shown.append(missing.text)
        unknown = api.get(f"/api/journeys/{subject_id}", headers=owner)
        assert unknown.status_code == 404
        shown.append(unknown.text)
        # Text every ARN shows (its region, "us-east-1") is no leak of an address token.
        assert leaks("\n".join(shown), secrets, baseline=ARN_PREFIX) == []

        messages = outbox.json()["messages"]
        expected = {SUBJECTS[0]: "k•••@e•••.org", SUBJECTS[1]: "•••23"}[subject_id]
        assert {m["endUserId"] for m in messages} == {expected}
        [raw_send] = [
            s
            for s in api.get("/api/journeys/raw-only-error/step-stats", headers=owner).json()
            if s["stepId"] == "send-raw"
        ]
        assert raw_send["failed"] == 1  # nothing delivered on the raw error


def test_the_outbox_webhook_body_is_masked_as_the_dry_run_shows_it(project):
    subject_id = SUBJECTS[0]
    with api_client(project, publish=True) as api:
        owner = api.auth("owner")
        event = {
            "id": "evt-hook",
            "name": "user.signed_up",
            "at": "2026-06-01T14:00:00Z",
            "properties": {"endUserId": subject_id, "signupSource": "ads", "plan": "trial"},
        }
        api.post("/api/journeys/internal/start-execution", json=event, headers=SYNC)
        api.post("/api/_sim/clock/advance", json={"by": "P1D"}, headers=owner)
        outbox = api.get(
            "/api/_sim/outbox", params={"journeyId": "raw-only-error"}, headers=owner
        ).json()["messages"]
        [hook] = [m for m in outbox if m["kind"] == "webhook"]
        assert hook["rendered"]["body"] == '{"who": "K•••", "cc": "f•••@a•••.org"}'
        trace = api.post(
            "/api/journeys/raw-only-error/simulate", json={"subjectId": subject_id}, headers=owner
        ).json()
        [dry_hook] = [s["webhook"] for s in trace["steps"] if s["stepId"] == "hook"]
        assert dry_hook["body"] == hook["rendered"]["body"]
        assert hook["endUserId"] == "k•••@e•••.org"
        assert "k•••@e•••.org" in hook["executionArn"] and subject_id not in hook["executionArn"]


def _keys(value):
    """The dict keys of a wire value, recursively (its shape, without its text)."""
    if isinstance(value, dict):
        return {key: _keys(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_keys(inner) for inner in value]
    return None


def test_a_dispatched_step_is_masked_as_the_dry_run_masks_it(tmp_path):
    """A last name "Kind" and a first name "Cap" mask the subject's values, never the
    step's keys (``kind``) or enum values and gate names (``daily_cap``)."""
    from datetime import UTC, datetime

    from simulator.backend.service import Backend
    from simulator.engine.dryrun import simulate
    from simulator.paths import fixtures_dir
    from simulator.runtime.runtime import InboundEvent

    root = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", root)
    path = root / "subjects" / "usr_plain_ana.json"
    subject = json.loads(path.read_text())
    subject["attributes"].update(lastName="Kind", firstName="Cap")
    path.write_text(json.dumps(subject))
    loaded = load_project(root)
    trace = simulate(
        loaded.journeys["act-onb-2026"], loaded.world.subjects["usr_plain_ana"], world=loaded.world
    )
    dry = {step.step_id: step.to_wire() for step in trace.steps}

    backend = Backend.start()
    try:
        backend.load_project(root, publish=True)
        runtime = backend.runtime
        runtime.ensure()
        ran = []
        runtime.listeners.append(lambda r: ran.append(r.step) if r.step else None)
        at = datetime(2026, 6, 1, 14, tzinfo=UTC)
        properties = {"signupSource": "ads", "plan": "trial", "endUserId": "usr_plain_ana"}
        runtime.start_execution("acme", InboundEvent("evt-kind", "user.signed_up", at, properties))
        runtime.advance_clock(datetime(2026, 6, 20, tzinfo=UTC))
    finally:
        backend.close()
    assert ran
    for step in ran:
        assert "•" not in json.dumps(_keys(step)), step
        for gate in step.get("gates") or []:
            assert "•" not in gate["gate"], gate
        if step["stepId"] in dry and step["decision"] == dry[step["stepId"]]["decision"]:
            assert _keys(step) == _keys(dry[step["stepId"]])
