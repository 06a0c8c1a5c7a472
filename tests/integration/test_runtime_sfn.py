"""The Step Functions handle on moto: the dispatcher is created once, names are AWS's
idempotency key, and executions end as the state machine's final states would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from simulator.backend.aws import AwsSession, AwsSettings, MotoServer
from simulator.runtime import DISPATCHER_NAME, StepFunctions, execution_name

_AT = datetime(2026, 6, 3, 9, tzinfo=UTC)


@pytest.fixture(params=["in-process", "moto-server"])
def sfn(request):
    if request.param == "in-process":
        with AwsSession(AwsSettings(table_prefix="sfn-test")) as session:
            yield StepFunctions(session)
        return
    with MotoServer() as server:
        settings = AwsSettings(table_prefix="sfn-test").with_endpoint(server.endpoint_url)
        with AwsSession(settings) as session:
            yield StepFunctions(session)


def test_the_dispatcher_is_created_once_with_the_real_definition(sfn):
    arn = sfn.ensure_dispatcher()
    assert arn == sfn.ensure_dispatcher() == StepFunctions(sfn.session).ensure_dispatcher()
    described = sfn.client.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == DISPATCHER_NAME
    assert json.loads(described["definition"])["StartAt"] == "Dispatch"


def test_the_same_name_is_the_same_execution_even_after_it_closed(sfn):
    name = execution_name("act-onb-2026", 1, "usr_a", "evt_b")
    arn = sfn.start(name, '{"n": 1}')
    assert arn.endswith(f":execution:{DISPATCHER_NAME}:{name}")
    assert sfn.start(name, '{"n": 1}') == arn
    assert sfn.describe(arn)["status"] == "RUNNING"
    sfn.close(arn, "SUCCEEDED", _AT)
    assert sfn.describe(arn)["status"] == "SUCCEEDED"
    assert sfn.start(name, '{"n": 1}') == arn  # AWS refuses a second one: still this one
    assert (
        len(sfn.client.list_executions(stateMachineArn=sfn.ensure_dispatcher())["executions"]) == 1
    )


def test_failed_and_aborted_executions(sfn):
    failed = sfn.start(execution_name("j", 1, "usr_f", "e"), "{}")
    sfn.close(failed, "FAILED", _AT)
    assert sfn.describe(failed)["status"] == "FAILED"
    running = sfn.start(execution_name("j", 1, "usr_r", "e"), "{}")
    assert sfn.abort(running) is True
    assert sfn.describe(running)["status"] == "ABORTED"
    assert sfn.abort(running) is False  # not running any more
    assert sfn.abort(failed) is False


def test_an_unknown_execution_describes_as_none(sfn):
    assert sfn.describe(sfn.execution_arn("nobody")) is None
