"""Malformed documents become invalid_document findings at precise JSON pointers."""

from __future__ import annotations

from types import MappingProxyType

import pydantic
import pytest

from simulator.codes import FindingCode
from simulator.models import Journey, Segment, Workspace
from simulator.validation import pydantic_findings, validate, validate_segment


def refusal(model, document) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as caught:
        model.model_validate(document)
    return caught.value


BROKEN = {
    "name": "J",
    "steps": [
        {
            "id": "b",
            "type": "branch",
            "mode": "conditional",
            "defaultNext": "e",
            "rules": [
                {
                    "when": {
                        "kind": "not",
                        "of": {"kind": "attribute", "name": "x", "op": "almost"},
                    },
                    "next": "e",
                }
            ],
        },
        {"id": "s", "type": "send", "communication_id": 7, "next": "e", "send": True},
        {"id": "e", "type": "exit"},
    ],
}


def test_pointers_follow_the_document_and_drop_union_tags():
    findings = pydantic_findings(refusal(Journey, BROKEN), BROKEN, kind="journey")

    assert [f.path for f in findings] == [
        "",
        "/steps/0/rules/0/when/of/op",
        "/steps/1/communication_id",
        "/steps/1/send",
    ]
    assert findings[0].message == "journey is missing the required field 'id'"
    assert findings[3].message == (
        "step 's': unknown field 'send' (allowed: channel, communicationId, id, next, type)"
    )
    assert findings[3].step_id == "s"
    assert all(f.code is FindingCode.INVALID_DOCUMENT for f in findings)


def test_without_the_document_pointers_use_camel_case_aliases():
    findings = pydantic_findings(refusal(Journey, BROKEN))

    assert [f.path for f in findings] == [
        "",
        "/steps/0/rules/0/when/of/op",
        "/steps/1/communicationId",
        "/steps/1/send",
    ]


def test_an_unknown_tag_points_at_the_tag_field():
    document = {
        "id": "seg",
        "name": "S",
        "kind": "rules",
        "predicate": {"kind": "all", "of": [{"kind": "attr", "name": "x"}]},
    }

    (finding,) = validate_segment(document)

    assert finding.path == "/predicate/of/0/kind"
    assert "'attr'" in finding.message


def test_a_missing_tag_names_the_values_it_may_take():
    """A branch without ``mode`` said it "needs a 'mode' field", not which modes exist."""
    document = {
        "id": "j",
        "name": "J",
        "steps": [
            {"id": "b", "type": "branch", "defaultNext": "e", "rules": []},
            {"id": "x", "next": "e"},
            {"id": "e", "type": "exit"},
        ],
    }

    messages = {finding.path: finding.message for finding in validate(document)}

    assert messages["/steps/0"] == ("step 'b' needs a 'mode' field ('conditional' or 'adaptive')")
    assert messages["/steps/1"] == (
        "step 'x' needs a 'type' field ('send', 'wait', 'branch', 'webhook' or 'exit')"
    )


@pytest.mark.parametrize("value", [None, 3, "journey", ["a"], 2.5, True])
def test_a_non_object_is_one_finding_at_the_root(value):
    (finding,) = validate(value)

    assert (finding.code, finding.path) == (FindingCode.INVALID_DOCUMENT, "")
    assert finding.message.startswith("a journey must be a JSON object")


def test_any_mapping_is_accepted():
    document = MappingProxyType({"id": "j", "name": "J", "triggerContractId": "t"})

    assert validate(document) == []


def test_an_editor_schema_key_is_allowed():
    document = {
        "$schema": "https://example.com/journey.json",
        "id": "j",
        "name": "J",
        "triggerContractId": "t",
    }

    assert validate(document) == []


def test_a_missing_nested_field_points_at_its_object():
    document = {
        "id": "j",
        "name": "J",
        "triggerContractId": "t",
        "steps": [
            {
                "id": "w",
                "type": "wait",
                "next": "e",
                "untilEvent": {"eventName": "go", "timeout": "P1D"},
            },
            {"id": "e", "type": "exit"},
        ],
    }

    (finding,) = validate(document)

    assert finding.path == "/steps/0/untilEvent"
    assert finding.message == "step 'w': untilEvent is missing the required field 'timeoutNext'"


def test_segment_pointers_are_built_the_same_way():
    document = {"id": "s", "name": "S", "kind": "static", "subjectIds": "u1"}

    findings = pydantic_findings(refusal(Segment, document), document, kind="segment")

    assert [(f.path, f.message) for f in findings] == [
        ("/subjectIds", "segment: subjectIds must be an array, not a string")
    ]


@pytest.mark.parametrize(
    ("kind", "extra", "path"),
    [
        (
            "static",
            {"predicate": {"kind": "attribute", "name": "plan", "op": "eq", "value": "vip"}},
            "/predicate",
        ),
        ("rules", {"subjectIds": ["u1"]}, "/subjectIds"),
    ],
)
def test_a_segment_field_of_the_other_kind_is_an_error_not_ignored(kind, extra, path):
    """A static segment's predicate (or a rules segment's subjectIds) would never be
    read: the segment would silently not mean what it says."""
    predicate = {"kind": "attribute", "name": "seats", "op": "exists"}
    base = {"predicate": predicate} if kind == "rules" else {"subjectIds": ["u2"]}
    document = {"id": "s", "name": "S", "kind": kind, **base, **extra}

    (finding,) = validate_segment(document)

    assert (finding.code, finding.path) == (FindingCode.INVALID_DOCUMENT, path)
    assert f"kind '{kind}'" in finding.message and "never" in finding.message


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ({"syncApiKey": "abc"}, "/syncApiKey"),
        ({"members": [{"userId": "u", "role": "owner", "token": "short"}]}, "/members/0/token"),
    ],
)
def test_a_short_secret_is_an_error_at_its_field(field, path):
    """Member tokens and the syncApiKey are bearer secrets of 8 or more characters."""
    document = {"id": "ws", "projectKey": "p", "name": "W", **field}

    findings = pydantic_findings(refusal(Workspace, document), document, kind="workspace")

    assert [f.path for f in findings] == [path]
    assert "at least 8 characters" in findings[0].message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("holdoutPct", "5", "workspace: holdoutPct must be a whole number, not a string"),
        ("holdoutPct", -1, "workspace: holdoutPct must be at least 0"),
        (
            "quietHours",
            {"start": "25:00"},
            "workspace: quietHours/start must be a 24-hour time HH:MM",
        ),
        ("name", "", "workspace: name must not be empty"),
        (
            "quietHours",
            {"timezone": "Mars/Olympus"},
            "workspace: quietHours/timezone: unknown IANA time zone 'Mars/Olympus'",
        ),
    ],
    ids=["type", "bound", "own-validator", "empty", "own-words"],
)
def test_field_problems_say_what_the_value_must_be(field, value, message):
    """pydantic's words ("Input should be a valid integer", "Value error, must be …",
    "String should have at least 1 character") read as 'must …' beside the field."""
    document = {"id": "ws", "projectKey": "pk", "name": "W", field: value}
    findings = pydantic_findings(refusal(Workspace, document), document, kind="workspace")
    assert [f.message for f in findings] == [message]


def test_a_value_outside_a_few_allowed_ones_is_quoted_and_masked_like_an_id():
    segment = {
        "id": "s",
        "name": "S",
        "kind": "rules",
        "predicate": {"kind": "channel_opted_in", "channel": "sms"},
    }
    findings = pydantic_findings(refusal(Segment, segment), segment, kind="segment")
    assert findings[0].message.endswith("not 'sms'")
    segment["predicate"]["channel"] = "ana@example.com"
    findings = pydantic_findings(refusal(Segment, segment), segment, kind="segment")
    assert findings[0].message.endswith("not 'a•••@e•••.com'")


@pytest.mark.parametrize(("tag", "said"), [(None, "not null"), (5, "not a number")])
def test_a_step_type_that_is_not_a_string_says_so_not_its_python_repr(tag, said):
    """``"type": null`` read ``unknown type 'None'``: Python's words for JSON's null."""
    document = {"id": "j", "name": "J", "steps": [{"id": "a", "type": tag}]}
    (finding,) = pydantic_findings(refusal(Journey, document), document, kind="journey")
    assert finding.path == "/steps/0/type"
    assert finding.message == (
        f"step 'a': type must be one of 'send', 'wait', 'branch', 'webhook', 'exit', {said}"
    )


def test_a_member_listed_twice_is_refused_at_the_second():
    """Two members of one userId (an owner and a viewer) were accepted: audit entries,
    which name the actor by userId, could not tell them apart."""
    members = [
        {"userId": "usr_ann", "role": "owner", "token": "tok_owner_1"},
        {"userId": "usr_ann", "role": "viewer", "token": "tok_viewer_1"},
    ]
    document = {"id": "ws", "projectKey": "pk", "name": "W", "members": members}
    findings = pydantic_findings(refusal(Workspace, document), document, kind="workspace")
    assert [(f.path, f.message) for f in findings] == [
        (
            "/members/1/userId",
            "workspace: members/1/userId: the same userId as members/0/userId: list each "
            "member once (audit entries name members by userId)",
        )
    ]


@pytest.mark.parametrize("sender", ["not-an-email", "acme.example.com", "Acme <>", "a@b"])
def test_a_from_that_is_not_an_email_address_is_refused(sender):
    from simulator.models import Communication

    document = {"id": "c", "name": "C", "kind": "marketing", "channels": ["email"],
                "body": "x", "from": sender}  # fmt: skip
    findings = pydantic_findings(refusal(Communication, document), document, kind="communication")
    assert [(f.path, f.message) for f in findings] == [
        (
            "/from",
            "communication: from must be an e-mail address, such as hello@example.com "
            "or Acme <hello@example.com>",
        )
    ]


@pytest.mark.parametrize(("rule", "said"), [("x", "not 'x'"), (1.5, "not 1.5")])
def test_a_value_no_member_of_a_union_takes_is_named_once(rule, said):
    """A step expectation's ``rule`` is a number or ``'default'``: the merged message
    dropped what was given when the members described it differently."""
    from simulator.journeytests.model import ScenarioFile

    steps = {"b": [{"rule": rule}]}
    data = {
        "journey": "j",
        "cases": [{"name": "a", "subject": {"id": "u"}, "expect": {"steps": steps}}],
    }
    findings = pydantic_findings(refusal(ScenarioFile, data), data, kind="journey test")
    assert [f.message for f in findings] == [
        f"journey test: cases/0/expect/steps/b/0/rule must be a whole number or 'default', {said}"
    ]
