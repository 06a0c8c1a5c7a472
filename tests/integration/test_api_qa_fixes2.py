"""Edge behaviours a QA pass found in the Journeys API: a trailing slash answered with a
bodiless ``307``, a ``Content-Encoding`` that was ignored or read as broken UTF-8,
audit timestamps that went backwards in seq order, a trigger contract's ``versionAt``
kept in year 10000, and ``forget-end-user`` masking the id otherwise than every other
answer."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pytest
from runtime_routes import ADVANCE, FORGET, OWNER, START, SYNC, signup

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
        # mtime=0: the bytes, part of the test's id, must be the same in every xdist worker
        ("gzip", gzip.compress(b'{"name": "Zipped"}', mtime=0)),
        ("gzip", b'{"name": "Plain but said to be zipped"}'),
        ("br", b'{"name": "x"}'),
        ("identity, gzip", b'{"name": "x"}'),
    ],
    ids=["gzip", "plain-said-gzip", "br", "identity-and-gzip"],
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


# --- 3: audit timestamps follow seq order ------------------------------------------


def _audit(api, journey_id: str = "act-onb-2026") -> list[dict]:
    entries = api.get(f"/api/journeys/{journey_id}/audit", headers=OWNER).json()
    return sorted(entries, key=lambda entry: entry["seq"])


def _never_backwards(entries: list[dict]) -> None:
    stamps = [datetime.fromisoformat(entry["timestamp"]) for entry in entries]
    shown = [(e["seq"], e["action"], e["timestamp"]) for e in entries]
    assert stamps == sorted(stamps), shown


def test_runtime_entries_after_a_publish_are_not_stamped_before_it():
    """Publishing at a standing clock stamps ``published`` a microsecond after
    ``created``; the execution it then starts was stamped at the clock's now, before."""
    with api_client() as api:
        assert api.post("/api/journeys/act-onb-2026/publish", headers=OWNER).status_code == 200
        started = api.post(START, json=signup("e-order"), headers=SYNC)
        assert started.json()["started"], started.text
        api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
        entries = _audit(api)
        actions = [entry["action"] for entry in entries]
        assert actions[:3] == ["created", "published", "execution.started"], actions
        _never_backwards(entries)


def test_a_bundle_imported_entry_is_not_stamped_before_the_edit_it_follows():
    with api_client(publish=True) as api:
        journey = api.get("/api/journeys/act-onb-2026", headers=OWNER).json()
        fields = ("id", "name", "steps", "triggerContractId")
        bundle = {"format": FORMAT, "journeys": [{key: journey[key] for key in fields}]}
        answer = api.post(IMPORT, json={"bundle": bundle, "replace": True}, headers=SYNC)
        assert answer.status_code == 200, answer.text
        entries = _audit(api)
        assert entries[-1]["action"] == "bundle-imported"
        _never_backwards(entries)


# --- 4: a trigger contract's versionAt in the calendar -----------------------------


def _contract(version_at: str, id_: str = "trig-late") -> dict:
    return {
        "id": id_,
        "name": "Late",
        "eventName": "user.late",
        "versionAt": version_at,
    }


@pytest.mark.parametrize("version_at", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_a_version_at_outside_the_calendar_in_utc_is_refused_at_its_pointer(api, version_at):
    bundle = {"format": FORMAT, "journeys": [], "triggerContracts": [_contract(version_at)]}
    answer = api.post(IMPORT, json={"bundle": bundle}, headers=SYNC)
    assert answer.status_code == 400, answer.text
    [detail] = answer.json()["details"]
    assert detail["path"] == "/bundle/triggerContracts/0/versionAt"
    assert detail["type"] == "invalid_document"
    assert "outside the calendar in UTC (years 1 to 9999)" in detail["message"]
    contracts = api.get("/api/trigger-contracts", headers=OWNER).json()
    assert "trig-late" not in [contract["id"] for contract in contracts]


def test_the_last_instant_of_the_calendar_is_a_version_at(api):
    last = _contract("9999-12-31T18:59:59-05:00", "trig-last")
    bundle = {"format": FORMAT, "journeys": [], "triggerContracts": [last]}
    answer = api.post(IMPORT, json={"bundle": bundle, "dryRun": True}, headers=SYNC)
    assert answer.status_code == 200, answer.text


def test_validate_refuses_the_same_version_at(run_cli, acme_copy):
    path = acme_copy / "triggers" / "trig-signup.json"
    contract = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(
        json.dumps({**contract, "versionAt": "9999-12-31T23:59:59-05:00"}, indent=2),
        encoding="utf-8",
    )
    result = run_cli("validate", str(acme_copy), "--format", "json")
    assert result.exit_code == 1, result.stdout
    findings = json.loads(result.stdout)["findings"]
    [finding] = [f for f in findings if f["file"].endswith("triggers/trig-signup.json")]
    assert (finding["code"], finding["path"]) == ("invalid_document", "/versionAt")
    assert "outside the calendar in UTC (years 1 to 9999)" in finding["message"]


def test_digits_past_the_microsecond_are_read_to_the_microsecond(api):
    """Accepted, as ``journeysim validate`` accepts them (the decision is documented on
    :data:`simulator.models.trigger.VersionStamp`): stored to the microsecond."""
    contract = _contract("2026-01-01T00:00:00.123456789Z", "trig-nanos")
    bundle = {"format": FORMAT, "journeys": [], "triggerContracts": [contract]}
    assert api.post(IMPORT, json={"bundle": bundle}, headers=SYNC).status_code == 200
    contracts = api.get("/api/trigger-contracts", headers=OWNER).json()
    [stored] = [c for c in contracts if c["id"] == "trig-nanos"]
    assert stored["versionAt"] == "2026-01-01T00:00:00.123456Z"


# --- 5: forget-end-user masks the id as every other answer does ---------------------


def test_forget_end_user_shows_the_id_as_the_executions_list_and_the_outbox_do():
    """The answer masked the id as a name (``u•••``), where every other answer masks
    the subject's PII values in it (``usr_plain_A•••``)."""
    with api_client(publish=True) as api:
        end_user_id = "usr_plain_ana"  # a subject with firstName Ana, a PII attribute
        assert api.post(START, json=signup("e-forget", end_user_id), headers=SYNC).json()["started"]
        api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
        listed = api.get("/api/journeys/act-onb-2026/executions", headers=OWNER).json()
        outbox = api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
        shown = {row["endUserId"] for row in (*listed, *outbox)}
        assert shown == {"usr_plain_A•••"}
        answer = api.post(FORGET, json={"endUserId": end_user_id}, headers=SYNC)
        assert answer.status_code == 200, answer.text
        assert answer.json()["endUserId"] == "usr_plain_A•••"
        assert answer.json()["erased"]["outboxMessages"] == 1
