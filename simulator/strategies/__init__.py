"""Hypothesis strategies for journeysim documents, shipped as API.

Use them to property-test your own tooling around journeys (exporters, linters,
CI checks), as journeysim's own tests do::

    from hypothesis import given
    from simulator.strategies import worlds_and_journeys
    from simulator.validation import ValidationContext, validate

    @given(worlds_and_journeys())
    def test_generated_journeys_are_clean(pair):
        world, journey = pair
        assert validate(journey, ValidationContext(world=world)) == []

* :func:`worlds` — a workspace with marketing and transactional communications,
  segments (composed without cycles) and trigger contracts.
* :func:`valid_journeys` — wire-form journeys that validate with **no findings at
  all** against their world (``until`` waits lie in 2030–2039, so a ``now`` before
  2030 keeps ``wait_until_in_past`` away): acyclic, every step reachable from
  ``steps[0]``, every path ending in an exit step.
* :data:`MUTATIONS` — functions that break a valid journey in exactly one way and
  return the one error code validation must then report.
* :func:`journey_of_size` — a deterministic valid journey of ``n`` steps
  (benchmarks), against :func:`sample_world`.
* :func:`pii_cases`, :data:`TRANSFORMING_TEMPLATES` and :func:`leaks` — subjects whose
  PII values turn up everywhere, templates that transform them, and the leak check of
  the masking property tests (:mod:`simulator.strategies.pii`).
"""

from simulator.strategies.documents import (
    ATTRIBUTES,
    EVENTS,
    identifiers,
    ids,
    predicates,
    sample_world,
    templates,
    worlds,
)
from simulator.strategies.journeys import (
    journey_of_size,
    valid_journey_models,
    valid_journeys,
    worlds_and_journeys,
)
from simulator.strategies.mutations import (
    MUTATIONS,
    Mutation,
    break_duration,
    dangling_reference,
    drop_goal,
    duplicate_step_id,
    introduce_cycle,
    mutated_journeys,
    mutations,
    use_transactional_communication,
)
from simulator.strategies.pii import (
    EMAIL_FORMS,
    PHONE_FORMS,
    TRANSFORMING_TEMPLATES,
    PiiCase,
    leaks,
    pii_cases,
)

__all__ = [
    "ATTRIBUTES",
    "EMAIL_FORMS",
    "EVENTS",
    "MUTATIONS",
    "PHONE_FORMS",
    "TRANSFORMING_TEMPLATES",
    "Mutation",
    "PiiCase",
    "break_duration",
    "dangling_reference",
    "drop_goal",
    "duplicate_step_id",
    "identifiers",
    "ids",
    "introduce_cycle",
    "journey_of_size",
    "leaks",
    "mutated_journeys",
    "mutations",
    "pii_cases",
    "predicates",
    "sample_world",
    "templates",
    "use_transactional_communication",
    "valid_journey_models",
    "valid_journeys",
    "worlds",
    "worlds_and_journeys",
]
