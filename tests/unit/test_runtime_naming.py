"""Execution names and the dispatcher definition, checked against Step Functions on moto."""

from __future__ import annotations

import json

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from simulator.runtime import (
    DISPATCHER_NAME,
    MAX_NAME_LENGTH,
    dispatcher_definition,
    execution_name,
    is_valid_execution_name,
)

_ROLE = "arn:aws:iam::123456789012:role/journeysim-dispatcher"
_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:journeysim-dispatch"


@pytest.fixture(scope="module")
def sfn():
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name=DISPATCHER_NAME, definition=dispatcher_definition(_LAMBDA), roleArn=_ROLE
        )["stateMachineArn"]
        yield client, arn


def test_a_plain_name_is_the_documented_pattern():
    assert execution_name("act-onb-2026", 3, "usr_a", "evt_b") == "act-onb-2026__v3__usr_a__evt_b"


@pytest.mark.parametrize(
    "end_user_id",
    [
        "kwame mensah",
        "a/b",
        "usr:1",
        "x" * 100,
        "tab\there",
        "ünïcødé",
        "emoji😀",
        "zero\u200bwidth",
    ],
)
def test_refused_or_long_names_are_shortened_to_a_valid_stable_distinct_name(end_user_id):
    name = execution_name("act-onb-2026", 1, end_user_id, "evt_1")
    assert is_valid_execution_name(name) and len(name) <= MAX_NAME_LENGTH
    assert name == execution_name("act-onb-2026", 1, end_user_id, "evt_1")
    assert name != execution_name("act-onb-2026", 1, end_user_id, "evt_2")
    assert name.startswith("act-onb-2026__v1__")


def test_names_that_differ_only_in_a_refused_character_stay_distinct():
    assert execution_name("j", 1, "a b", "e") != execution_name("j", 1, "a:b", "e")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(end_user_id=st.text(min_size=1, max_size=120), event_id=st.text(min_size=1, max_size=60))
def test_step_functions_accepts_every_name_we_make(sfn, end_user_id, event_id):
    client, arn = sfn
    name = execution_name("act-onb-2026", 2, end_user_id, event_id)
    started = client.start_execution(stateMachineArn=arn, name=name, input="{}")
    assert started["executionArn"].endswith(f":{name}")


def test_the_same_event_starts_the_same_execution(sfn):
    client, arn = sfn
    name = execution_name("trial-conv-2026", 1, "usr_same", "evt_same")
    first = client.start_execution(stateMachineArn=arn, name=name, input='{"a": 1}')
    again = client.start_execution(stateMachineArn=arn, name=name, input='{"a": 1}')
    assert first["executionArn"] == again["executionArn"]
    described = client.describe_execution(executionArn=first["executionArn"])
    assert described["status"] == "RUNNING"


def test_the_definition_is_a_dispatch_choice_wait_loop():
    states = json.loads(dispatcher_definition(_LAMBDA))["States"]
    assert states["Dispatch"]["Type"] == "Task" and states["Dispatch"]["Next"] == "Done?"
    assert states["Dispatch"]["Parameters"]["FunctionName"] == _LAMBDA
    assert states["Done?"]["Choices"][0]["Next"] == "Succeeded"
    assert states["Done?"]["Default"] == "Sleep"
    assert states["Sleep"] == {
        "Type": "Wait",
        "TimestampPath": "$.dispatch.wakeAt",
        "Next": "Dispatch",
    }
    assert states["Dispatch"]["Catch"][0]["Next"] == "Failed"
