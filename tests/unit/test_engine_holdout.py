"""Holdout: FNV-1a-32 exactly as SPEC §3.1, checked against an independent reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import assign_holdout, fnv1a32, simulate, synthetic_subject
from simulator.models import Journey, Workspace
from simulator.world import World


def reference_fnv1a32(data: bytes) -> int:
    """The FNV-1a 32-bit loop from the FNV specification, written out independently."""
    h = 2166136261
    for octet in data:
        h = h ^ octet
        h = (h * 16777619) % (2**32)
    return h


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)],
)
def test_published_vectors(text, expected):
    assert fnv1a32(text) == expected
    assert reference_fnv1a32(text.encode()) == expected


@given(st.text())
def test_matches_the_reference_loop_on_utf8(text):
    assert fnv1a32(text) == reference_fnv1a32(text.encode("utf-8"))


@pytest.mark.parametrize(
    "end_user_id", ["usr_holdout", "usr_plain_ana", "usr_trial_timeout", "José", "用户-42"]
)
def test_bucket_is_the_reference_hash_of_project_key_and_user(end_user_id):
    expected = reference_fnv1a32(f"pk_test_acme::{end_user_id}".encode()) % 100
    assert assign_holdout("pk_test_acme", end_user_id, 5).bucket == expected


def test_membership_flips_exactly_at_the_holdout_percentage():
    # usr_trial_timeout sits in bucket 5: outside a 5 % holdout, inside a 6 % one.
    assert assign_holdout("pk_test_acme", "usr_trial_timeout", 5).in_holdout is False
    assert assign_holdout("pk_test_acme", "usr_trial_timeout", 6).in_holdout is True
    assert assign_holdout("pk_test_acme", "usr_holdout", 5).in_holdout is True
    assert assign_holdout("pk_test_acme", "usr_holdout", 0).in_holdout is False


def _journey(journey_id: str, audience: str | None = None) -> Journey:
    return Journey.model_validate(
        {
            "id": journey_id,
            "name": journey_id,
            "audienceId": audience,
            "steps": [{"id": "exit", "type": "exit"}],
        }
    )


def test_holdout_status_is_the_same_in_every_trace():
    world = World(Workspace(id="w", projectKey="pk_test_acme", name="W", holdoutPct=50))
    subjects = [synthetic_subject({"n": n}) for n in range(40)]
    journeys = [_journey("one"), _journey("two"), _journey("three")]
    for subject in subjects:
        seen = set()
        for journey in journeys:
            for version in (None, 1, 7):
                trace = simulate(journey, subject, world=world, version=version, status="active")
                holdout = trace.entry.holdout
                seen.add((holdout.bucket, holdout.in_holdout, trace.entry.decision.value))
        assert len(seen) == 1, (subject.end_user_id, seen)
    decisions = {simulate(journeys[0], s, world=world).entry.decision.value for s in subjects}
    assert decisions == {"entered", "blocked"}
