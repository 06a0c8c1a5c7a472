"""The runtime (issue 10): executions of journeys on Step Functions, driven by the
shared engine. This package grows module by module; what is here is complete and tested.
"""

from simulator.runtime.naming import MAX_NAME_LENGTH, execution_name, is_valid_execution_name
from simulator.runtime.sfn import ExecutionStatus, StepFunctions
from simulator.runtime.statemachine import DISPATCHER_NAME, dispatcher_definition

__all__ = [
    "DISPATCHER_NAME",
    "MAX_NAME_LENGTH",
    "ExecutionStatus",
    "StepFunctions",
    "dispatcher_definition",
    "execution_name",
    "is_valid_execution_name",
]
