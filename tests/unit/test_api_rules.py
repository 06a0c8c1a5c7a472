"""The Journeys API's pure parts: lifecycle rules, credentials, timestamps, limits,
settings and error pointers (their doctests run in tests/unit/test_doctests.py)."""

from __future__ import annotations

import pytest

from simulator.api.openapi import json_pointer, request_error
from simulator.backend import lifecycle
from simulator.backend.auth import credentials
from simulator.backend.aws import AwsSettings
from simulator.backend.body import json_depth
from simulator.backend.errors import InvalidTransition
from simulator.backend.records import JourneyStatus, decode_blob, encode_blob, next_timestamp
from simulator.backend.settings import ApiSettings
from simulator.codes import FindingCode
from simulator.findings import make_finding

S = JourneyStatus


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (S.ACTIVE, "pause", S.PAUSED),
        (S.PAUSED, "resume", S.ACTIVE),
        (S.ACTIVE, "archive", S.ARCHIVED),
        (S.PAUSED, "archive", S.ARCHIVED),
    ],
)
def test_allowed_transitions(status, action, after):
    assert lifecycle.status_after(status, action) is after


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", ["pause", "resume", "archive"])
def test_every_other_transition_is_refused(status, action):
    allowed = {
        ("pause", S.ACTIVE),
        ("resume", S.PAUSED),
        ("archive", S.ACTIVE),
        ("archive", S.PAUSED),
    }
    if (action, status) in allowed:
        return
    with pytest.raises(InvalidTransition) as caught:
        lifecycle.status_after(status, action)
    assert caught.value.status == 409 and caught.value.code == "invalid_transition"


def test_archived_is_terminal_for_publish_too():
    assert lifecycle.status_after_publish(S.DRAFT) is S.ACTIVE
    assert lifecycle.status_after_publish(S.ACTIVE) is S.ACTIVE
    with pytest.raises(InvalidTransition):
        lifecycle.status_after_publish(S.ARCHIVED)


def test_blocking_code_names_the_seed_code_only_when_it_is_the_only_error():
    transactional = make_finding(FindingCode.SEND_STEP_USES_TRANSACTIONAL_COMM, "t", "/steps/0")
    cycle = make_finding(FindingCode.CYCLE_DETECTED, "c", "/steps/1/next")
    warning = make_finding(FindingCode.LONG_WAIT, "w", "/steps/2/duration")
    assert lifecycle.blocking_code([transactional, warning]) == "send_step_uses_transactional_comm"
    assert lifecycle.blocking_code([transactional, cycle]) == "validation_failed"


@pytest.mark.parametrize(
    ("authorizations", "cookies", "token"),
    [
        (["Bearer abc"], [], "abc"),
        (["BEARER abc"], ["abc"], "abc"),
        (["Bearer"], ["zzz"], None),
        (["Token abc"], ["zzz"], None),
        ([], ["zzz"], "zzz"),
        ([], ["zzz", "zzz"], "zzz"),
        ([], [""], None),
        ([], [], None),
    ],
)
def test_credentials(authorizations, cookies, token):
    assert credentials(authorizations, cookies) == token


@pytest.mark.parametrize(
    ("authorizations", "cookies"),
    [
        (["Bearer abc"], ["zzz"]),
        ([], ["abc", "zzz"]),
        (["Bearer abc", "Bearer zzz"], []),
    ],
)
def test_two_different_credentials_are_ambiguous(authorizations, cookies):
    from simulator.backend.errors import AmbiguousCredentials

    with pytest.raises(AmbiguousCredentials) as raised:
        credentials(authorizations, cookies)
    assert raised.value.status == 401 and "abc" not in raised.value.message


def test_timestamps_strictly_increase_even_when_the_clock_does_not():
    from datetime import UTC, datetime

    frozen = datetime(2026, 6, 1, tzinfo=UTC)
    stamps = [next_timestamp(frozen, None)]
    for _ in range(5):
        stamps.append(next_timestamp(frozen, stamps[-1]))
    assert stamps == sorted(stamps) and len(set(stamps)) == 6


def test_blobs_round_trip_unicode_and_compress():
    document = {
        "name": "Bienvenue 🎉",
        "steps": [{"id": f"s{i}", "type": "exit"} for i in range(500)],
    }
    blob = encode_blob(document)
    assert decode_blob(blob) == document
    assert len(blob) < len(str(document)) / 5


@pytest.mark.parametrize(
    ("text", "depth"),
    [(b"{}", 1), (b'{"a": {"b": [[]]}}', 4), (b'"[[[[["', 0), (b"[" * 500 + b"]" * 500, 500)],
    ids=["object", "nested", "brackets-in-a-string", "deep"],
)
def test_json_depth(text, depth):
    assert json_depth(text) == depth


def test_json_deeper_than_the_parser_can_go_counts_as_too_deep():
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) > 10_000


def test_json_pointer_skips_union_tags_and_escapes():
    body = {
        "steps": [{"type": "branch", "mode": "conditional", "rules": [{"when": {"kind": "not"}}]}]
    }
    loc = ["steps", 0, "branch", "conditional", "rules", 0, "when", "not", "of"]
    assert json_pointer(loc, body) == "/steps/0/rules/0/when/of"


def test_request_errors_become_invalid_json_or_invalid_request():
    assert (
        request_error([{"type": "json_invalid", "loc": ("body", 3), "ctx": {"error": "x"}}]).code
        == "invalid_json"
    )
    error = request_error([{"type": "missing", "loc": ("body", "name"), "msg": "Field required"}])
    assert error.code == "invalid_request" and error.status == 400
    assert error.details == [
        {"in": "body", "path": "/name", "message": "is required", "type": "missing"}
    ]


def test_settings_from_the_environment():
    settings = ApiSettings.from_env(
        {
            "JOURNEYSIM_AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "JOURNEYSIM_ENFORCE_TIER_LIMIT": "true",
            "JOURNEYSIM_TABLE_PREFIX": "team-a",
        }
    )
    assert settings.enforce_tier_limit is True
    aws = settings.aws
    assert (aws.endpoint_url, aws.region, aws.table_prefix) == (
        "http://127.0.0.1:5000",
        "eu-west-1",
        "team-a",
    )
    assert not aws.uses_in_process_moto
    assert ApiSettings.from_env({}).aws.uses_in_process_moto
    assert ApiSettings.from_env({}).enforce_tier_limit is False
    with pytest.raises(ValueError, match="JOURNEYSIM_AWS_MODE"):
        AwsSettings.from_env({"JOURNEYSIM_AWS_MODE": "azure"})


def test_client_kwargs_never_invent_credentials_for_real_aws():
    real = AwsSettings(in_process=False, region="eu-central-1")
    assert real.client_kwargs() == {"region_name": "eu-central-1"}
    local = AwsSettings().with_endpoint("http://127.0.0.1:5000")
    assert local.client_kwargs()["endpoint_url"] == "http://127.0.0.1:5000"
    assert local.client_kwargs()["aws_access_key_id"] == "testing"
    assert AwsSettings().client_kwargs()["region_name"] == "us-east-1"


def test_moto_lock_is_installed_once():
    from moto.core.botocore_stubber import BotocoreStubber

    from simulator.backend.aws import install_moto_lock

    install_moto_lock()
    wrapped = BotocoreStubber.process_request
    install_moto_lock()
    assert BotocoreStubber.process_request is wrapped
    assert getattr(wrapped, "_journeysim_locked", False)


def test_a_version_pinned_with_a_from_refused_since_still_runs_without_it():
    """A state file from before ``from`` had to be an address: its pinned documents
    made every dry-run and dispatch of that version a 500."""
    from simulator.backend.lifecycle import pinned_world
    from simulator.paths import fixtures_dir
    from simulator.project import load_project

    world = load_project(fixtures_dir() / "acme").world
    current = world.communications["comm-welcome-email"]
    stored = {**current.to_wire(), "from": "Acme", "body": "<p>as published</p>"}
    pinned = pinned_world(world, {"comm-welcome-email": stored}).communications
    assert pinned["comm-welcome-email"].body == "<p>as published</p>"
    assert pinned["comm-welcome-email"].from_ is None
