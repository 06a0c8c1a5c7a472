"""Synthetic subjects: stable ids from attributes, reproducible Faker populations."""

from __future__ import annotations

import json

from simulator.engine import faker_subjects, synthetic_id, synthetic_subject
from simulator.engine.synthetic import TIME_ZONES


def test_synthetic_ids_hash_the_canonical_attributes():
    assert synthetic_id({"b": 1, "a": [1, 2]}) == synthetic_id({"a": [1, 2], "b": 1})
    assert synthetic_id({"a": 1}) != synthetic_id({"a": 2})
    assert synthetic_id({"a": 1}).startswith("syn_") and len(synthetic_id({"a": 1})) == 20


def test_synthetic_subject_keeps_its_events_and_extra_fields():
    subject = synthetic_subject(
        {"firstName": "Ana"},
        events=[{"name": "signed_up", "at": "2026-06-01T13:00:00Z"}],
        future_events=[{"name": "paid", "after": "P2D"}],
        timezone="Europe/Paris",
        globalOptOut=True,
    )
    assert subject.synthetic and subject.end_user_id == synthetic_id({"firstName": "Ana"})
    assert [e.name for e in subject.events] == ["signed_up"]
    assert subject.future_events[0].after == "P2D"
    assert (subject.timezone, subject.global_opt_out) == ("Europe/Paris", True)


def _wire(subjects) -> str:
    return json.dumps([s.model_dump(mode="json") for s in subjects], sort_keys=True)


def test_faker_populations_are_reproducible_and_seed_dependent():
    assert _wire(faker_subjects(42, 25)) == _wire(faker_subjects(42, 25))
    assert _wire(faker_subjects(42, 25)) != _wire(faker_subjects(43, 25))
    # A smaller population is a prefix of a larger one from the same seed.
    assert _wire(faker_subjects(42, 5)) == _wire(faker_subjects(42, 25)[:5])


def test_faker_subjects_look_real_and_vary():
    subjects = faker_subjects(1, 300)
    assert len({s.end_user_id for s in subjects}) == 300
    assert all(s.synthetic and s.timezone in TIME_ZONES for s in subjects)
    assert all("@" in s.attributes["email"] and s.attributes["phone"] for s in subjects)
    assert all(s.attributes["lastName"] for s in subjects)
    assert any("firstName" not in s.attributes for s in subjects)
    assert {s.channel_preferences.email for s in subjects} == {True, False, None}
    assert any(s.global_opt_out for s in subjects) and any(s.suppressed for s in subjects)
    assert any(s.send_history for s in subjects) and any(s.future_events for s in subjects)
    assert len({s.timezone for s in subjects}) == len(TIME_ZONES)
