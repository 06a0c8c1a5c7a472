"""The one place that reaches into moto's Step Functions backend (MOTO-NOTES).

In moto's default mode a state machine's definition is stored, not run, so an
execution stays ``RUNNING`` until stopped. When the dispatcher has walked an execution
to its exit (or it failed beyond recovery), the state machine on AWS would end it by
its ``Succeed`` (or ``Fail``) state; here :func:`close_execution` sets the same final
status on moto's execution object, so ``DescribeExecution`` answers as AWS would.

When ``serve --state`` puts the tables back to the last saved state (a save failed),
:func:`reopen_execution` makes an execution the undone write closed or stopped run
again, as its restored record says.

It works for in-process moto and for a moto server started in this process (they
share moto's state). Against an external moto server or real AWS it returns ``False``
and changes nothing: there the state machine's own states end the execution.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from simulator.backend.aws import MOTO_LOCK

__all__ = ["close_execution", "reopen_execution"]


def _moto_execution(execution_arn: str) -> Any | None:
    """Moto's execution ``execution_arn``, or ``None`` when this process holds none."""
    try:
        from moto.stepfunctions.models import stepfunctions_backends
    except ImportError:  # moto is not installed where journeysim runs against AWS
        return None
    parts = execution_arn.split(":")
    if len(parts) < 8:
        return None
    region, account = parts[3], parts[4]
    try:
        return stepfunctions_backends[account][region].describe_execution(execution_arn)
    except Exception:  # not a moto execution of this process
        return None


def close_execution(
    execution_arn: str, status: Literal["SUCCEEDED", "FAILED"], at: datetime, cause: str = ""
) -> bool:
    """Give moto's execution ``execution_arn`` its final ``status`` at ``at``; ``False``
    when this process holds no moto execution of that ARN."""
    execution = _moto_execution(execution_arn)
    if execution is None:
        return False
    execution.status = status
    execution.stop_date = at
    if status == "FAILED":
        execution.error, execution.cause = "DispatchFailed", cause
    return True


def reopen_execution(execution_arn: str) -> bool:
    """Make moto's execution ``execution_arn`` ``RUNNING`` again, as it was before it was
    closed or stopped; ``False`` when this process holds no moto execution of that ARN."""
    execution = _moto_execution(execution_arn)
    if execution is None:
        return False
    with MOTO_LOCK:  # as a request to moto would be
        execution.status = "RUNNING"
        execution.stop_date = None
        execution.error = execution.cause = None
    return True
