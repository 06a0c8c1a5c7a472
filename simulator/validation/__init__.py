"""Validation of journeys and the documents they refer to (SPEC §2).

``validate`` checks one journey; ``validate_communication``, ``validate_segment``
and ``validate_trigger_contract`` check the other documents; ``validate_world``
checks all of a world's non-journey documents at once. Every function is pure,
never raises on bad input, and returns findings with JSON pointers.
"""

from simulator.validation.communication import validate_communication, validate_trigger_contract
from simulator.validation.context import CONTEXT_VARIABLES, ValidationContext
from simulator.validation.document import pydantic_findings
from simulator.validation.graph import JourneyGraph, Reference, build_graph, find_cycles
from simulator.validation.journey import validate
from simulator.validation.segments import validate_segment
from simulator.validation.steps import LONG_WAIT_DAYS
from simulator.validation.world import DocumentKey, validate_world

__all__ = [
    "CONTEXT_VARIABLES",
    "LONG_WAIT_DAYS",
    "DocumentKey",
    "JourneyGraph",
    "Reference",
    "ValidationContext",
    "build_graph",
    "find_cycles",
    "pydantic_findings",
    "validate",
    "validate_communication",
    "validate_segment",
    "validate_trigger_contract",
    "validate_world",
]
