"""The runtime's handle on Step Functions: the dispatcher state machine and its
executions, through boto3 (moto in-process by default, a moto server or AWS by
configuration, as the store).

* :meth:`StepFunctions.ensure_dispatcher` creates the ``disp`` state machine from the
  real ASL definition of :mod:`simulator.runtime.statemachine` once per session.
* :meth:`StepFunctions.start` starts (or finds) the execution of a name. AWS makes a
  name unique per state machine: the same name with the same input while running
  returns the same ARN; after it closed, ``ExecutionAlreadyExists``. Either way the
  execution of that name is *the* execution of that (journey, version, subject,
  event), so :meth:`start` answers its ARN.
* :meth:`StepFunctions.close` ends an execution as the state machine would
  (:mod:`~simulator.runtime.motoshim` on moto); :meth:`StepFunctions.abort` stops it
  (``ABORTED``, used by erasure). :meth:`StepFunctions.reopen` undoes a close or a
  stop on moto, when the tables were put back to an earlier state
  (:meth:`~simulator.runtime.runtime.Runtime.reload`).

The dispatcher's Lambda ARN is a name only (journeysim plays the Task state itself
on its virtual clock); on AWS, deploy the dispatcher under that name.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Literal

from simulator.runtime.motoshim import close_execution, reopen_execution
from simulator.runtime.statemachine import DISPATCHER_NAME, dispatcher_definition

__all__ = ["ExecutionStatus", "StepFunctions"]

ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
_ROLE = "journeysim-dispatcher"


class StepFunctions:
    """The dispatcher state machine and its executions, for one AWS session."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._machine_arn: str | None = None
        self._guard = threading.Lock()

    @property
    def client(self) -> Any:
        return self.session.client("stepfunctions")

    def _account_and_region(self) -> tuple[str, str]:
        account = self.session.client("sts").get_caller_identity()["Account"]
        return account, self.session.settings.region

    def ensure_dispatcher(self) -> str:
        """The ARN of ``disp``, created on first use (an existing one is reused)."""
        with self._guard:
            if self._machine_arn is None:
                self._machine_arn = self._find_or_create()
            return self._machine_arn

    def _find_or_create(self) -> str:
        for page in self.client.get_paginator("list_state_machines").paginate():
            for machine in page.get("stateMachines", []):
                if machine["name"] == DISPATCHER_NAME:
                    return machine["stateMachineArn"]
        account, region = self._account_and_region()
        function = f"arn:aws:lambda:{region}:{account}:function:journeysim-dispatcher"
        created = self.client.create_state_machine(
            name=DISPATCHER_NAME,
            definition=dispatcher_definition(function),
            roleArn=f"arn:aws:iam::{account}:role/{_ROLE}",
        )
        return created["stateMachineArn"]

    def execution_arn(self, name: str) -> str:
        """The ARN an execution of ``name`` has (AWS's own format)."""
        machine = self.ensure_dispatcher()
        return machine.replace(":stateMachine:", ":execution:", 1) + f":{name}"

    def start(self, name: str, payload: str) -> str:
        """Start the execution ``name`` with JSON ``payload``; its ARN, also when an
        execution of that name exists already (whether this call started it is the
        runtime's record to say: its execution item is written put-if-absent)."""
        client = self.client
        try:
            response = client.start_execution(
                stateMachineArn=self.ensure_dispatcher(), name=name, input=payload
            )
        except client.exceptions.ExecutionAlreadyExists:
            return self.execution_arn(name)
        return response["executionArn"]

    def describe(self, arn: str) -> dict[str, Any] | None:
        """``DescribeExecution``'s answer, or ``None`` when there is no such execution."""
        client = self.client
        try:
            return client.describe_execution(executionArn=arn)
        except client.exceptions.ExecutionDoesNotExist:
            return None

    def close(self, arn: str, status: Literal["SUCCEEDED", "FAILED"], at: datetime) -> None:
        """End the execution as its state machine's final state would."""
        close_execution(arn, status, at)

    def reopen(self, arn: str) -> bool:
        """Make a closed or stopped execution ``RUNNING`` again (moto only: the tables it
        is recorded in were put back to before it closed); whether it was done."""
        return reopen_execution(arn)

    def abort(self, arn: str) -> bool:
        """Stop a running execution (``ABORTED``); ``False`` when it was not running."""
        described = self.describe(arn)
        if described is None or described["status"] != "RUNNING":
            return False
        self.client.stop_execution(executionArn=arn, cause="end user forgotten")
        return True
