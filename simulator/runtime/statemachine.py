"""The dispatcher state machine ``disp`` (SPEC §5): a real Amazon States Language
definition, as the hosted product deploys it.

``Dispatch`` invokes the dispatcher (a Lambda function in production) with the
execution's ARN; the dispatcher advances the execution by one step and answers
``{"done": bool, "wakeAt": timestamp | null}``. ``Done?`` ends the execution when the
journey has exited; otherwise ``Sleep`` waits until ``wakeAt`` and dispatches again.
An error the dispatcher cannot recover from fails the execution (``FAILED``).

In moto's default mode the definition is stored, not run: the simulator's virtual clock
plays ``Sleep`` and ``Dispatch`` by calling the dispatcher itself, in time order.
"""

from __future__ import annotations

import json

__all__ = ["DISPATCHER_NAME", "dispatcher_definition"]

DISPATCHER_NAME = "disp"


def dispatcher_definition(dispatcher_function_arn: str) -> str:
    """The ASL document (JSON text) for a dispatcher Lambda at ``dispatcher_function_arn``.

    >>> doc = json.loads(dispatcher_definition("arn:aws:lambda:us-east-1:123456789012:function:d"))
    >>> doc["StartAt"], sorted(doc["States"])
    ('Dispatch', ['Dispatch', 'Done?', 'Failed', 'Sleep', 'Succeeded'])
    """
    definition = {
        "Comment": "journeysim dispatcher: one journey step per Dispatch, then Wait until wakeAt",
        "StartAt": "Dispatch",
        "States": {
            "Dispatch": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "FunctionName": dispatcher_function_arn,
                    "Payload": {"executionArn.$": "$$.Execution.Id"},
                },
                "ResultSelector": {"done.$": "$.Payload.done", "wakeAt.$": "$.Payload.wakeAt"},
                "ResultPath": "$.dispatch",
                "Retry": [
                    {
                        "ErrorEquals": [
                            "Lambda.ServiceException",
                            "Lambda.TooManyRequestsException",
                        ],
                        "IntervalSeconds": 2,
                        "MaxAttempts": 3,
                        "BackoffRate": 2.0,
                    }
                ],
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}
                ],
                "Next": "Done?",
            },
            "Done?": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.dispatch.done", "BooleanEquals": True, "Next": "Succeeded"}
                ],
                "Default": "Sleep",
            },
            "Sleep": {"Type": "Wait", "TimestampPath": "$.dispatch.wakeAt", "Next": "Dispatch"},
            "Succeeded": {"Type": "Succeed"},
            "Failed": {"Type": "Fail", "Error": "DispatchFailed", "Cause": "the dispatcher failed"},
        },
    }
    return json.dumps(definition, indent=2, sort_keys=True)
