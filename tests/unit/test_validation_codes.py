"""Every finding code of SPEC §2, each from a small hand-written document, at its pointer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from simulator.codes import FindingCode, Severity, severity_of
from simulator.strategies import sample_world
from simulator.validation import (
    ValidationContext,
    validate,
    validate_communication,
    validate_segment,
)

WORLD = sample_world()
NOW = datetime(2026, 6, 1, tzinfo=UTC)
EXIT = {"id": "done", "type": "exit"}
C = FindingCode


def journey(*steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    document = {
        "id": "onboarding",
        "name": "Onboarding",
        "triggerContractId": "trig-signup",
        "goalEventName": "user.activated",
        "steps": list(steps) if steps else [EXIT],
    }
    document.update(fields)
    return {key: value for key, value in document.items() if value is not None}


def wait(step_id: str, next_: str = "done", **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "type": "wait", "duration": "P1D", "next": next_, **fields}


def send(step_id: str, communication: str = "welcome-email") -> dict[str, Any]:
    return {"id": step_id, "type": "send", "communicationId": communication, "next": "done"}


def conditional(step_id: str, when: Any, **fields: Any) -> dict[str, Any]:
    rules = [{"when": when, "next": "done"}]
    return {"id": step_id, "type": "branch", "mode": "conditional", "rules": rules,
            "defaultNext": "done", **fields}  # fmt: skip


def adaptive(step_id: str, *arm_ids: str) -> dict[str, Any]:
    arms = [{"armId": arm_id, "next": "done"} for arm_id in arm_ids]
    return {"id": step_id, "type": "branch", "mode": "adaptive", "arms": arms}


def webhook(step_id: str, **fields: Any) -> dict[str, Any]:
    step = {"id": step_id, "type": "webhook", "url": "https://hooks.example.com/x", "next": "done"}
    return {**step, **fields}


def plan(op: str, **value: Any) -> dict[str, Any]:
    return {"kind": "attribute", "name": "plan", "op": op, **value}


# (case id, journey, code, pointer, words the message must contain)
JOURNEY_CASES = [
    ("missing-field", journey({"id": "s", "type": "send", "next": "done"}, EXIT),
     C.INVALID_DOCUMENT, "/steps/0", ["'s'", "communicationId"]),
    ("unknown-type", journey({"id": "s", "type": "sned", "next": "done"}, EXIT),
     C.INVALID_DOCUMENT, "/steps/0/type", ["'sned'", "send"]),
    ("bad-step-id", journey({"id": "has space", "type": "exit"}),
     C.INVALID_DOCUMENT, "/steps/0/id", ["has space"]),
    ("unknown-field", journey({**wait("w"), "nxt": "done"}, EXIT),
     C.INVALID_DOCUMENT, "/steps/0/nxt", ["'w'", "'nxt'", "did you mean 'next'?", "allowed: "]),
    ("empty-steps", journey(steps=[]), C.INVALID_DOCUMENT, "/steps", ["at least one step"]),
    ("duplicate-step", journey(wait("w"), EXIT, {"id": "w", "type": "exit"}),
     C.DUPLICATE_STEP_ID, "/steps/2/id", ["'w'", "steps[0]"]),
    ("dangling-next", journey(wait("w", "dnoe"), EXIT),
     C.UNKNOWN_STEP_REFERENCE, "/steps/0/next", ["'w'", "'dnoe'", "did you mean 'done'"]),
    ("dangling-rule", journey({**conditional("b", plan("exists")), "rules": [
        {"when": plan("exists"), "next": "nowhere"}]}, EXIT),
     C.UNKNOWN_STEP_REFERENCE, "/steps/0/rules/0/next", ["'b'", "rules[0].next", "'nowhere'"]),
    ("dangling-default", journey(conditional("b", plan("exists"), defaultNext="gone"), EXIT),
     C.UNKNOWN_STEP_REFERENCE, "/steps/0/defaultNext", ["'b'", "defaultNext", "'gone'"]),
    ("dangling-arm", journey({**adaptive("ab", "x", "y"), "arms": [
        {"armId": "x", "next": "done"}, {"armId": "y", "next": "lost"}]}, EXIT),
     C.UNKNOWN_STEP_REFERENCE, "/steps/0/arms/1/next", ["'ab'", "arms[1].next", "'lost'"]),
    ("dangling-timeout", journey({"id": "w", "type": "wait", "next": "done", "untilEvent": {
        "eventName": "user.activated", "timeout": "P3D", "timeoutNext": "later"}}, EXIT),
     C.UNKNOWN_STEP_REFERENCE, "/steps/0/untilEvent/timeoutNext", ["'w'", "'later'"]),
    ("cycle", journey(wait("start", "c"), wait("b", "c"), wait("c", "d"),
                      conditional("d", plan("exists"), defaultNext="b"), EXIT),
     C.CYCLE_DETECTED, "/steps/3/defaultNext", ["b → c → d → b"]),
    ("self-loop", journey(wait("start", "loop"), {"id": "loop", "type": "wait", "next": "loop",
                          "untilEvent": {"eventName": "x", "timeout": "P1D",
                                         "timeoutNext": "done"}}, EXIT),
     C.CYCLE_DETECTED, "/steps/1/next", ["loop → loop"]),
    ("unknown-communication", journey(send("s", "welcome-mail"), EXIT),
     C.UNKNOWN_COMMUNICATION, "/steps/0/communicationId",
     ["'s'", "'welcome-mail'", "did you mean 'welcome-email'?"]),
    ("transactional", journey(send("s", "receipt"), EXIT),
     C.SEND_STEP_USES_TRANSACTIONAL_COMM, "/steps/0/communicationId", ["'s'", "'receipt'"]),
    ("channel", journey({**send("s"), "channel": "mobile_push"}, EXIT),
     C.CHANNEL_NOT_SUPPORTED, "/steps/0/channel", ["'mobile_push'", "'welcome-email'", "email"]),
    ("duration", journey(wait("w", duration="3 days"), EXIT),
     C.INVALID_DURATION, "/steps/0/duration", ["'w'", "'3 days'"]),
    ("timeout", journey({"id": "w", "type": "wait", "next": "done", "untilEvent": {
        "eventName": "user.activated", "timeout": "soon", "timeoutNext": "done"}}, EXIT),
     C.INVALID_DURATION, "/steps/0/untilEvent/timeout", ["'w'", "'soon'"]),
    ("wait-no-shape", journey({"id": "w", "type": "wait", "next": "done"}, EXIT),
     C.INVALID_WAIT, "/steps/0", ["'w'", "exactly one", "none"]),
    ("wait-two-shapes", journey(wait("w", until="2030-01-01T00:00:00Z"), EXIT),
     C.INVALID_WAIT, "/steps/0", ["'w'", "duration and until"]),
    ("wait-until-text", journey({"id": "w", "type": "wait", "until": "tomorrow", "next": "done"},
                                EXIT),
     C.INVALID_WAIT, "/steps/0/until", ["'w'", "'tomorrow'"]),
    ("wait-until-naive", journey({"id": "w", "type": "wait", "until": "2030-01-01T00:00:00",
                                  "next": "done"}, EXIT),
     C.INVALID_WAIT, "/steps/0/until", ["'w'", "offset"]),
    ("wait-until-past-the-calendar", journey({"id": "w", "type": "wait", "next": "done",
                                              "until": "9999-12-31T23:59:59-05:00"}, EXIT),
     C.INVALID_WAIT, "/steps/0/until", ["'w'", "'9999-12-31T23:59:59-05:00'", "years 1 to 9999"]),
    ("wait-until-before-the-calendar", journey({"id": "w", "type": "wait", "next": "done",
                                                "until": "0001-01-01T00:00:00+05:00"}, EXIT),
     C.INVALID_WAIT, "/steps/0/until", ["'w'", "outside the calendar in UTC"]),
    ("one-arm", journey(adaptive("ab", "x"), EXIT),
     C.BRANCH_NEEDS_TWO_ARMS, "/steps/0/arms", ["'ab'", "1 arm"]),
    ("nine-arms", journey(adaptive("ab", *"abcdefghi"), EXIT),
     C.BRANCH_NEEDS_TWO_ARMS, "/steps/0/arms", ["'ab'", "9 arm", "2 to 8"]),
    ("no-rules", journey({**conditional("b", plan("exists")), "rules": []}, EXIT),
     C.BRANCH_NEEDS_TWO_ARMS, "/steps/0/rules", ["'b'", "no rules"]),
    ("duplicate-arm", journey(adaptive("ab", "x", "y", "x"), EXIT),
     C.DUPLICATE_ARM_ID, "/steps/0/arms/2/armId", ["'ab'", "'x'", "arms[0]"]),
    ("no-goal", journey(adaptive("ab", "x", "y"), EXIT, goalEventName=None),
     C.ADAPTIVE_BRANCH_WITHOUT_GOAL, "/steps/0", ["'ab'", "goalEventName"]),
    ("audience", journey(audienceId="seg-nobody"),
     C.UNKNOWN_SEGMENT, "/audienceId", ["'seg-nobody'"]),
    ("rule-segment", journey(conditional("b", {"kind": "in_segment", "segmentId": "seg-x"}), EXIT),
     C.UNKNOWN_SEGMENT, "/steps/0/rules/0/when/segmentId", ["'b'", "'seg-x'"]),
    ("rule-segment-typo", journey(conditional("b", {"kind": "in_segment", "segmentId": "seg-prro"}),
                                  EXIT),
     C.UNKNOWN_SEGMENT, "/steps/0/rules/0/when/segmentId", ["did you mean 'seg-pro'?"]),
    ("audience-typo", journey(audienceId="seg-active-pr"),
     C.UNKNOWN_SEGMENT, "/audienceId", ["did you mean 'seg-active-pro'?"]),
    ("trigger", journey(triggerContractId="trig-signin"),
     C.UNKNOWN_TRIGGER_CONTRACT, "/triggerContractId",
     ["'trig-signin'", "did you mean 'trig-signup'?"]),
    ("in-needs-list", journey(conditional("b", plan("in", value="pro")), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when/value", ["'b'", "'plan'", "'in'", "list"]),
    ("gt-needs-number", journey(conditional("b", plan("gt", value=True)), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when/value", ["'gt'", "number"]),
    ("exists-no-value", journey(conditional("b", plan("exists", value="pro")), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when/value", ["'exists'", "no value"]),
    ("eq-needs-value", journey(conditional("b", plan("eq")), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when", ["'eq'", "needs a value"]),
    ("empty-all", journey(conditional("b", {"kind": "all", "of": []}), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when/of", ["'all'", "at least one"]),
    ("nested-predicate", journey(conditional("b", {"kind": "not", "of": {
        "kind": "event_fired", "eventName": "x", "where": plan("starts_with", value=3)}}), EXIT),
     C.INVALID_PREDICATE, "/steps/0/rules/0/when/of/where/value", ["'starts_with'", "string"]),
    ("webhook-syntax", journey(webhook("h", bodyTemplate='{"a": 1}\n{{ endUserId }'), EXIT),
     C.TEMPLATE_SYNTAX_ERROR, "/steps/0/bodyTemplate", ["'h'", "line 2"]),
    ("header-syntax", journey(webhook("h", headers={"X-A/B": "{% if %}"}), EXIT),
     C.TEMPLATE_SYNTAX_ERROR, "/steps/0/headers/X-A~1B", ["'h'", "'X-A/B'", "line 1"]),
    ("blocked-attribute", journey(webhook("h", bodyTemplate="{{ event._source }}\n"
                                          "{{ event.__init__ }}"), EXIT),
     C.TEMPLATE_SYNTAX_ERROR, "/steps/0/bodyTemplate", ["'h'", "line 2", "'__init__'"]),
    ("call-of-variable", journey(webhook("h", bodyTemplate="{{ endUserId }}\n{{ nickname() }}"),
                                 EXIT),
     C.TEMPLATE_SYNTAX_ERROR, "/steps/0/bodyTemplate",
     ["'h'", "'nickname'", "line 2", "not a function the sandbox provides", "fail at render"]),
    ("unreachable", journey(wait("w"), EXIT, wait("orphan")),
     C.UNREACHABLE_STEP, "/steps/2", ["'orphan'", "'w'"]),
    ("manual", journey(triggerContractId=None), C.MANUAL_TRIGGER_ONLY, "", ["'onboarding'"]),
    ("long-wait", journey(wait("w", duration="P400D"), EXIT),
     C.LONG_WAIT, "/steps/0/duration", ["'w'", "'P400D'", "400 days"]),
    ("long-timeout", journey({"id": "w", "type": "wait", "next": "done", "untilEvent": {
        "eventName": "user.activated", "timeout": "P2Y", "timeoutNext": "done"}}, EXIT),
     C.LONG_WAIT, "/steps/0/untilEvent/timeout", ["'w'", "'P2Y'"]),
    ("http", journey(webhook("h", url="http://hooks.example.com/x"), EXIT),
     C.INSECURE_WEBHOOK_URL, "/steps/0/url", ["'h'", "http://hooks.example.com/x"]),
    ("loopback-http", journey(webhook("h", url="http://127.0.0.1:8080/x"), EXIT),
     C.INSECURE_WEBHOOK_URL, "/steps/0/url", ["'h'"]),
    ("not-a-url", journey(webhook("h", url="not a url"), EXIT),
     C.INVALID_DOCUMENT, "/steps/0/url", ["'h'", "'not a url'", "not a URL"]),
    ("no-scheme", journey(webhook("h", url="hooks.example.com/x"), EXIT),
     C.INVALID_DOCUMENT, "/steps/0/url", ["'h'", "no scheme"]),
    ("ftp", journey(webhook("h", url="ftp://hooks.example.com/x"), EXIT),
     C.INVALID_DOCUMENT, "/steps/0/url", ["'h'", "not an HTTP URL"]),
    ("no-host", journey(webhook("h", url="https:///x"), EXIT),
     C.INVALID_DOCUMENT, "/steps/0/url", ["'h'", "no host"]),
    ("unknown-variable", journey(webhook("h", bodyTemplate="{{ endUserId }}\n{{ fristName }}"),
                                 EXIT),
     C.TEMPLATE_UNKNOWN_VARIABLE, "/steps/0/bodyTemplate", ["'h'", "'fristName'", "line 2"]),
    ("until-past", journey({"id": "w", "type": "wait", "until": "2026-05-31T23:00:00Z",
                            "next": "done"}, EXIT),
     C.WAIT_UNTIL_IN_PAST, "/steps/0/until", ["'w'", "2026-05-31T23:00:00Z"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("document", "code", "pointer", "words"),
    [case[1:] for case in JOURNEY_CASES],
    ids=[case[0] for case in JOURNEY_CASES],
)
def test_each_code_is_reported_once_at_its_pointer(document, code, pointer, words):
    findings = validate(document, ValidationContext(world=WORLD, now=NOW))

    assert [(f.code, f.path) for f in findings] == [(code, pointer)]
    finding = findings[0]
    assert finding.severity is severity_of(code)
    for word in words:
        assert word in finding.message


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("P1Y", "'P1Y' lasts up to 366 days, longer than 365 days"),
        ("P12M", "'P12M' lasts up to 366 days, longer than 365 days"),
        ("P366D", "'P366D' lasts 366 days, longer than 365 days"),
        ("P11M30D", "'P11M30D' lasts up to 371 days, longer than 365 days"),
        ("P365DT1M", "'P365DT1M' lasts 365 days 1 minute, longer than 365 days"),
        ("P365D", None),
        ("P11M", None),
    ],
)
def test_long_wait_judges_a_wait_by_the_longest_it_can_last(duration, message):
    """``P1Y`` said "is about 365 days, longer than 365 days"; a year can last 366."""
    findings = validate(journey(wait("w", duration=duration), EXIT), ValidationContext(world=WORLD))
    assert [f.message for f in findings] == (
        [f"wait step 'w' duration {message}"] if message else []
    )
    assert all(f.code is C.LONG_WAIT for f in findings)


def test_wait_until_in_past_says_now_in_utc_to_the_second():
    document = journey(
        {"id": "w", "type": "wait", "until": "2020-03-02T09:00:00Z", "next": "done"}, EXIT
    )
    paris_now = datetime(2026, 12, 4, 20, 4, 56, 114917, tzinfo=timezone(timedelta(hours=1)))
    (finding,) = validate(document, ValidationContext(world=WORLD, now=paris_now))
    assert finding.code is FindingCode.WAIT_UNTIL_IN_PAST
    assert finding.message.endswith(
        "waits until 2020-03-02T09:00:00Z, which is before now (2026-12-04T19:04:56Z)"
    )


def test_findings_about_a_step_name_it():
    findings = validate(journey(send("s", "receipt"), EXIT), ValidationContext(world=WORLD))

    assert findings[0].step_id == "s"


def test_segment_cycle_is_reported_in_the_segment_that_closes_it():
    world = sample_world()
    loop = {"kind": "in_segment", "segmentId": "seg-active-pro"}
    edited = {"id": "seg-pro", "name": "Pro", "kind": "rules",
              "predicate": {"kind": "any", "of": [plan("eq", value="pro"), loop]}}  # fmt: skip

    findings = validate_segment(edited, ValidationContext(world=world))

    assert [(f.code, f.path) for f in findings] == [(C.SEGMENT_CYCLE, "/predicate/of/1/segmentId")]
    assert "seg-active-pro → seg-pro → seg-active-pro" in findings[0].message


def test_communication_templates_are_checked_at_their_fields():
    comm = {"id": "promo", "name": "Promo", "kind": "marketing", "channels": ["email"],
            "subjectLine": "Hi {{ firstName }", "body": "line\n{{ plna }}"}  # fmt: skip

    findings = validate_communication(comm, ValidationContext(world=WORLD))

    assert [(f.code, f.path) for f in findings] == [
        (C.TEMPLATE_UNKNOWN_VARIABLE, "/body"),
        (C.TEMPLATE_SYNTAX_ERROR, "/subjectLine"),
    ]
    assert "line 2" in findings[0].message
    assert "'plna'" in findings[0].message


def test_every_code_has_a_case():
    covered = {case[2] for case in JOURNEY_CASES} | {C.SEGMENT_CYCLE}

    assert covered == set(FindingCode)


def test_warnings_alone_do_not_make_errors():
    findings = validate(journey(triggerContractId=None), ValidationContext(world=WORLD))

    assert [f.severity for f in findings] == [Severity.WARNING]
