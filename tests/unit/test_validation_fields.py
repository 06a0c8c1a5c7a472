"""Unknown-field errors list the fields the object allows (and guess the one meant)."""

from __future__ import annotations

import pytest

from simulator.models import Communication, Journey, Segment, Subject, Workspace
from simulator.validation.document import load_document
from simulator.validation.fields import allowed_fields

_BRANCH = {
    "id": "b",
    "type": "branch",
    "mode": "conditional",
    "rules": [{"when": {"kind": "event_fired", "eventName": "x", "days": 3}, "next": "e"}],
    "defaultNext": "e",
}
_WAIT = {
    "id": "w",
    "type": "wait",
    "untilEvent": {"event": "x", "eventName": "x", "timeout": "P1D", "timeoutNext": "e"},
    "next": "e",
}


@pytest.mark.parametrize(
    ("model", "document", "path", "expected"),
    [
        (
            Communication,
            {"id": "c", "name": "C", "kind": "marketing", "channels": ["email"], "body": "",
             "subject": "Hi"},
            "/subject",
            "communication: unknown field 'subject' (did you mean 'subjectLine'? allowed: body, "
            "channels, from, id, kind, name, subjectLine, version)",
        ),
        (
            Journey,
            {"id": "j", "name": "J", "steps": [_BRANCH, _WAIT, {"id": "e", "type": "exit"}]},
            "/steps/0/rules/0/when/days",
            "step 'b': unknown field 'days' (allowed: eventName, kind, where, withinDays)",
        ),
        (
            Journey,
            {"id": "j", "name": "J", "steps": [_WAIT, {"id": "e", "type": "exit"}]},
            "/steps/0/untilEvent/event",
            "step 'w': unknown field 'event' (did you mean 'eventName'? allowed: eventName, "
            "timeout, timeoutNext)",
        ),
        (
            Workspace,
            {"id": "w", "projectKey": "k", "name": "W", "member": []},
            "/member",
            "workspace: unknown field 'member' (did you mean 'members'? allowed: dailyCap, "
            "defaultGoalEventWindowDays, frequencyCap, holdoutPct, id, knownAttributes, members, "
            "name, piiAttributes, projectKey, quietHours, syncApiKey, tier)",
        ),
    ],
    ids=["communication", "predicate-in-a-rule", "until-event", "workspace"],
)  # fmt: skip
def test_an_unknown_field_lists_the_allowed_ones(model, document, path, expected):
    _, parsed, findings = load_document(document, model, model.__name__.lower())
    assert parsed is None
    assert {f.path: f.message for f in findings}[path] == expected


def test_allowed_fields_follow_tags_lists_and_maps():
    assert allowed_fields(Segment, ("predicate", "all", "of", 0, "in_segment", "x")) == [
        "kind",
        "segmentId",
    ]
    assert allowed_fields(Subject, ("suppressed", 0, "x")) == ["at", "channel", "reason"]
    assert allowed_fields(Journey, ("nowhere", "x")) == []
