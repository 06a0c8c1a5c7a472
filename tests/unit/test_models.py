"""The domain models: camelCase wire format, defaults of SPEC §1, refusal of unknown keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from simulator.models import (
    DEFAULT_PII_ATTRIBUTES,
    AdaptiveBranchStep,
    Channel,
    ChannelPreferences,
    Communication,
    ConditionalBranchStep,
    ExitStep,
    Journey,
    PredicateAdapter,
    Subject,
    Tier,
    Workspace,
)


def test_journey_defaults_to_a_single_exit_step():
    journey = Journey.model_validate({"id": "j1", "name": "J"})
    assert journey.steps == [ExitStep(id="exit")]
    assert journey.to_wire()["steps"] == [{"id": "exit", "type": "exit"}]


def test_branch_steps_are_discriminated_on_mode():
    journey = Journey.model_validate(
        {
            "id": "j1",
            "name": "J",
            "goalEventName": "done",
            "steps": [
                {
                    "id": "b1",
                    "type": "branch",
                    "mode": "conditional",
                    "rules": [
                        {
                            "when": {
                                "kind": "attribute",
                                "name": "plan",
                                "op": "eq",
                                "value": "pro",
                            },
                            "next": "b2",
                        }
                    ],
                    "defaultNext": "b2",
                },
                {
                    "id": "b2",
                    "type": "branch",
                    "mode": "adaptive",
                    "arms": [{"armId": "a", "next": "x"}, {"armId": "b", "next": "x"}],
                },
                {"id": "x", "type": "exit"},
            ],
        }
    )
    assert isinstance(journey.steps[0], ConditionalBranchStep)
    assert isinstance(journey.steps[1], AdaptiveBranchStep)
    assert journey.step("b2").arms[1].arm_id == "b"


def test_wire_format_is_camel_case_and_round_trips():
    doc = {
        "id": "j1",
        "name": "J",
        "audienceId": "seg",
        "goalEventName": "ev",
        "goalEventWindowDays": 3,
        "steps": [
            {"id": "s", "type": "send", "communicationId": "c", "channel": "email", "next": "w"},
            {
                "id": "w",
                "type": "wait",
                "untilEvent": {"eventName": "e", "timeout": "P1D", "timeoutNext": "x"},
                "next": "x",
            },
            {"id": "x", "type": "exit"},
        ],
    }
    journey = Journey.model_validate(doc)
    assert journey.to_wire() == {**doc, "description": ""}


def test_unknown_fields_are_refused_with_their_location():
    with pytest.raises(ValidationError) as info:
        Journey.model_validate({"id": "j1", "name": "J", "stpes": []})
    error = info.value.errors()[0]
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ("stpes",)


def test_schema_key_is_allowed_on_documents_but_not_serialised():
    journey = Journey.model_validate({"$schema": "https://x/j.json", "id": "j1", "name": "J"})
    assert journey.schema_url == "https://x/j.json"
    assert "$schema" not in journey.to_wire()


@pytest.mark.parametrize("step_id", ["", "-lead", "has space", "x" * 65, "é"])
def test_step_ids_must_match_the_pattern(step_id):
    with pytest.raises(ValidationError):
        Journey.model_validate({"id": "j", "name": "J", "steps": [{"id": step_id, "type": "exit"}]})


def test_workspace_defaults_follow_the_spec():
    ws = Workspace.model_validate({"id": "w", "projectKey": "pk", "name": "W"})
    assert ws.holdout_pct == 5
    assert ws.default_goal_event_window_days == 7
    assert ws.quiet_hours is None
    assert tuple(ws.pii_attributes) == DEFAULT_PII_ATTRIBUTES
    assert ws.tier is Tier.GROWTH


def test_quiet_hours_defaults_and_checks():
    ws = Workspace.model_validate({"id": "w", "projectKey": "pk", "name": "W", "quietHours": {}})
    assert (ws.quiet_hours.start, ws.quiet_hours.end, ws.quiet_hours.timezone) == (
        "21:00",
        "08:00",
        "UTC",
    )
    for bad in ({"start": "25:00"}, {"timezone": "Mars/Olympus"}):
        with pytest.raises(ValidationError):
            Workspace.model_validate(
                {"id": "w", "projectKey": "pk", "name": "W", "quietHours": bad}
            )


def test_unset_channel_preference_is_none_not_false():
    prefs = ChannelPreferences.model_validate({"email": False})
    assert prefs.for_channel(Channel.EMAIL) is False
    assert prefs.for_channel(Channel.MOBILE_PUSH) is None


def test_subject_timestamps_need_an_offset_and_zones_must_exist():
    base = {"endUserId": "u1"}
    with pytest.raises(ValidationError):
        Subject.model_validate({**base, "events": [{"name": "e", "at": "2026-01-01T00:00:00"}]})
    with pytest.raises(ValidationError):
        Subject.model_validate({**base, "timezone": "Nowhere/Town"})
    subject = Subject.model_validate({**base, "timezone": "Asia/Tokyo"})
    assert subject.timezone == "Asia/Tokyo"


def test_communication_needs_a_channel_and_keeps_from():
    comm = Communication.model_validate(
        {
            "id": "c",
            "name": "C",
            "kind": "marketing",
            "channels": ["email"],
            "body": "hi",
            "from": "team@example.com",
        }
    )
    assert comm.to_wire()["from"] == "team@example.com"
    with pytest.raises(ValidationError):
        Communication.model_validate(
            {"id": "c", "name": "C", "kind": "marketing", "channels": [], "body": "hi"}
        )


def test_predicates_nest():
    predicate = PredicateAdapter.validate_python(
        {
            "kind": "not",
            "of": {
                "kind": "any",
                "of": [
                    {
                        "kind": "event_fired",
                        "eventName": "e",
                        "withinDays": 3,
                        "where": {"kind": "attribute", "name": "plan", "op": "in", "value": ["a"]},
                    },
                    {"kind": "in_segment", "segmentId": "s"},
                ],
            },
        }
    )
    assert predicate.of.of[0].where.value == ["a"]
    with pytest.raises(ValidationError):
        PredicateAdapter.validate_python({"kind": "sometimes"})


_WORKSPACE = {"id": "ws", "projectKey": "k", "name": "W"}


@pytest.mark.parametrize(
    ("document", "model", "where"),
    [
        ({**_WORKSPACE, "holdoutPct": "5"}, Workspace, ("holdoutPct",)),
        ({**_WORKSPACE, "holdoutPct": True}, Workspace, ("holdoutPct",)),
        ({**_WORKSPACE, "holdoutPct": 5.0}, Workspace, ("holdoutPct",)),
        (
            {**_WORKSPACE, "frequencyCap": {"maxSends": "3", "windowDays": 7}},
            Workspace,
            ("frequencyCap", "maxSends"),
        ),
        ({"endUserId": "u", "globalOptOut": "yes"}, Subject, ("globalOptOut",)),
        (
            {"endUserId": "u", "channelPreferences": {"email": 1}},
            Subject,
            ("channelPreferences", "email"),
        ),
        (
            {
                "id": "c",
                "name": "C",
                "kind": "marketing",
                "channels": ["email"],
                "body": "b",
                "version": "2",
            },
            Communication,
            ("version",),
        ),
        ({"id": "j", "name": "J", "goalEventWindowDays": "7"}, Journey, ("goalEventWindowDays",)),
    ],
)
def test_numbers_and_booleans_are_json_typed_not_coerced(document, model, where):
    # The schemas say integer / boolean; lax pydantic would read "5" as 5 and "yes" as
    # true, so a file the published schema refuses would validate.
    with pytest.raises(ValidationError) as caught:
        model.model_validate(document)
    [error] = caught.value.errors()
    assert error["loc"] == where
    assert error["type"] in {"int_type", "bool_type"}


def test_a_number_field_takes_integers_and_refuses_text():
    assert (
        PredicateAdapter.validate_python(
            {"kind": "event_fired", "eventName": "e", "withinDays": 3}
        ).within_days
        == 3
    )
    with pytest.raises(ValidationError, match="valid number"):
        PredicateAdapter.validate_python(
            {"kind": "event_fired", "eventName": "e", "withinDays": "3"}
        )


_MEMBERS_WORKSPACE = {"id": "w", "projectKey": "pk", "name": "W"}
_SYNC_KEY = {"syncApiKey": "sync_key_123"}


def _member(user_id: str, role: str, token: str) -> dict:
    return {"userId": user_id, "role": role, "token": token}


def test_credentials_that_repeat_are_refused_at_the_second_and_never_shown():
    members = [
        _member("usr_viewer", "viewer", "tok_shared_123"),
        _member("usr_owner", "owner", "tok_shared_123"),
        _member("usr_editor", "editor", "sync_key_123"),
    ]
    with pytest.raises(ValidationError) as caught:
        Workspace.model_validate({**_MEMBERS_WORKSPACE, "members": members, **_SYNC_KEY})
    errors = caught.value.errors()
    assert [(e["loc"], e["type"]) for e in errors] == [
        (("members", 1, "token"), "duplicate_credential"),
        (("syncApiKey",), "duplicate_credential"),
    ]
    assert "members/0/token" in errors[0]["msg"] and "members/2/token" in errors[1]["msg"]
    shown = str(caught.value) + repr(errors)
    assert "tok_shared_123" not in shown and "sync_key_123" not in shown


def test_a_sync_key_written_before_the_members_is_the_first_occurrence():
    members = [_member("usr_editor", "editor", "sync_key_123")]
    document = {**_SYNC_KEY, **_MEMBERS_WORKSPACE, "members": members}
    with pytest.raises(ValidationError) as caught:
        Workspace.model_validate(document)
    (error,) = caught.value.errors()
    assert error["loc"] == ("members", 0, "token") and "syncApiKey" in error["msg"]


def test_distinct_credentials_are_accepted():
    members = [_member("a", "owner", "tok_a_12345"), _member("b", "viewer", "tok_b_12345")]
    workspace = Workspace.model_validate({**_MEMBERS_WORKSPACE, "members": members, **_SYNC_KEY})
    assert [m.token for m in workspace.members] == ["tok_a_12345", "tok_b_12345"]


@pytest.mark.parametrize("time", ["21:00\n", "25:00", "9:00", "1９:00"])
def test_a_quiet_hours_time_is_exactly_hh_mm(time):
    # Python's $ matches before a final newline, and \d takes any Unicode digit.
    with pytest.raises(ValidationError, match="must be a 24-hour time HH:MM"):
        Workspace.model_validate({**_MEMBERS_WORKSPACE, "quietHours": {"start": time}})
