"""The shipped Hypothesis strategies and deterministic journeys."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from simulator.codes import Severity
from simulator.strategies import (
    MUTATIONS,
    journey_of_size,
    sample_world,
    use_transactional_communication,
    worlds,
)
from simulator.validation import ValidationContext, validate, validate_world

WORLD = sample_world()


@pytest.mark.parametrize("size", [1, 2, 5, 6, 17, 500])
def test_journey_of_size_is_valid_and_has_that_many_unique_steps(size):
    journey = journey_of_size(size, WORLD)

    assert len(journey["steps"]) == size
    assert len({step["id"] for step in journey["steps"]}) == size
    assert validate(journey, ValidationContext(world=WORLD)) == []
    assert journey_of_size(size, WORLD) == journey


@pytest.mark.parametrize("size", [1, 6, 40])
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_mutations_break_any_valid_journey_in_exactly_one_way(mutation, size):
    journey = journey_of_size(size, WORLD)

    broken, code = mutation(journey, WORLD, random.Random(size))
    errors = {
        f.code
        for f in validate(broken, ValidationContext(world=WORLD))
        if f.severity is Severity.ERROR
    }

    assert errors == {code}
    assert journey == journey_of_size(size, WORLD), "the original must be left untouched"


def test_sending_transactional_needs_a_transactional_communication():
    marketing_only = replace(
        WORLD, communications={k: c for k, c in WORLD.communications.items() if k != "receipt"}
    )

    with pytest.raises(ValueError, match="no transactional"):
        use_transactional_communication(journey_of_size(3), marketing_only, random.Random(0))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_generated_worlds_are_clean(world):
    assert all(findings == [] for findings in validate_world(world).values())
    kinds = {c.kind for c in world.communications.values()}
    assert kinds == {"marketing", "transactional"}
