"""``--synthetic`` subjects fitted to a journey: they enter and walk it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.codes import Decision, EntryDecision
from simulator.engine.dryrun import DEFAULT_START, simulate
from simulator.engine.fitting import fitted_subject
from simulator.engine.predicates import evaluate
from simulator.models import AttributeOp, AttributePredicate, Segment
from simulator.paths import fixtures_dir
from simulator.project import load_project

SEEDS = range(20)


@pytest.fixture(scope="module")
def project():
    return load_project(fixtures_dir() / "acme")


@pytest.mark.parametrize(
    "journey_id",
    [
        "act-onb-2026",
        "trial-conv-2026",
        "renewal-qbr-2026",
        "expansion-nudge-2026",
        "win-back-2026",
    ],
)
def test_seeds_0_to_19_enter_every_starter_journey_and_reach_an_executed_send(project, journey_id):
    journey, world = project.journeys[journey_id], project.world
    sent = 0
    for seed in SEEDS:
        subject = fitted_subject(journey, world, seed, DEFAULT_START)
        trace = simulate(journey, subject, world=world, seed=seed)
        assert trace.entry.decision is EntryDecision.ENTERED, (seed, trace.entry)
        sent += any(s.send and s.decision is Decision.EXECUTED for s in trace.steps)
    assert sent >= 18  # the README states the figure: 100 of 100 on the starter journeys


def test_a_fitted_subject_is_reproducible_and_synthetic(project):
    journey = project.journeys["expansion-nudge-2026"]
    one = fitted_subject(journey, project.world, 3, DEFAULT_START)
    assert one == fitted_subject(journey, project.world, 3, DEFAULT_START)
    assert one.synthetic and one.end_user_id.startswith("syn_")
    assert one != fitted_subject(journey, project.world, 4, DEFAULT_START)


def test_an_attribute_that_only_has_to_exist_reads_as_its_name_says(project):
    """``trialEndsAt exists`` gets a timestamp, so the welcome e-mail says when the
    trial ends (it said "runs until example")."""
    journey = project.journeys["trial-conv-2026"]
    subject = fitted_subject(journey, project.world, 3, DEFAULT_START)
    assert subject.attributes["trialEndsAt"] == "2026-06-15T14:00:00Z"
    trace = simulate(journey, subject, world=project.world, seed=3)
    welcome = next(s.send for s in trace.steps if s.step_id == "send-trial-welcome")
    assert "runs until 2026-06-15T14:00:00Z" in welcome.rendered.body


def test_an_audience_a_synthetic_id_cannot_join_is_reported_not_faked(project):
    world = project.world
    static = Segment(id="seg-vip", name="VIPs", kind="static", subject_ids=["usr_vip"])
    world = dataclasses.replace(world, segments={**world.segments, "seg-vip": static})
    journey = project.journeys["act-onb-2026"].model_copy(update={"audience_id": "seg-vip"})
    subject = fitted_subject(journey, world, 0, DEFAULT_START)
    trace = simulate(journey, subject, world=world)
    assert trace.entry.decision is EntryDecision.NOT_ELIGIBLE
    assert subject.end_user_id != "usr_vip"


_VALUES = st.one_of(
    st.integers(-1000, 1000),
    st.text("abcxyz", min_size=1, max_size=5),
    st.sampled_from(["2026-05-01T00:00:00Z", "2026-07-01T12:00:00Z"]),
)


@given(
    op=st.sampled_from(list(AttributeOp)),
    value=_VALUES,
    options=st.lists(_VALUES, min_size=1, max_size=3),
    want=st.booleans(),
    name=st.sampled_from(["plan", "account.tier"]),
)
def test_every_attribute_leaf_is_made_true_or_false_as_asked(op, value, options, want, name):
    from simulator.engine import fitting
    from simulator.models import Subject

    # starts_with compares text only: a number operand can never be matched
    assume(not (op is AttributeOp.STARTS_WITH and want and not isinstance(value, str)))
    operand = options if op in (AttributeOp.IN, AttributeOp.NOT_IN) else value
    leaf = AttributePredicate(name=name, op=op, value=operand)
    attributes: dict = {}
    fitting._attribute(leaf, want, attributes, DEFAULT_START)
    subject = Subject(end_user_id="u", attributes=attributes)
    world = _WORLD
    assert evaluate(leaf, subject, world=world, at=datetime(2026, 6, 1, tzinfo=UTC)).result is want


_WORLD = load_project(fixtures_dir() / "acme").world
