"""The trace model: stable camelCase JSON, virtual times, a readable masked timeline."""

from __future__ import annotations

import json

import pytest

from simulator.codes import Gate
from simulator.engine import simulate
from simulator.engine.timeline import excerpt, format_timeline
from simulator.engine.trace import TraceGate, TraceModel, TraceSend, TraceWarning
from simulator.paths import fixtures_dir
from simulator.project import load_project


@pytest.fixture(scope="module")
def acme():
    return load_project(fixtures_dir() / "acme")


def _trace(acme, journey: str, subject: str, **kwargs):
    return simulate(
        acme.journeys[journey], acme.world.subjects[subject], world=acme.world, **kwargs
    )


def test_json_is_sorted_camel_case_and_utc(acme):
    text = _trace(acme, "act-onb-2026", "usr_quiet_tokyo").to_json()
    assert text.endswith("}\n")
    document = json.loads(text)
    assert json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text
    step = document["steps"][0]
    assert {"stepId", "deferredUntil", "decision", "reason"} <= set(step)
    assert step["deferredUntil"] == "2026-06-01T23:00:00Z"
    assert "step_id" not in text and "+00:00" not in text


def test_the_shape_of_spec_3_7(acme):
    document = json.loads(_trace(acme, "trial-conv-2026", "usr_trial_checkout").to_json())
    assert {
        "journeyId",
        "version",
        "subject",
        "startedAt",
        "seed",
        "overridesApplied",
        "entry",
        "steps",
        "outcome",
        "warnings",
    } <= set(document)
    assert set(document["subject"]) == {"id", "synthetic", "attributes"}
    send = document["steps"][0]
    assert {"stepId", "type", "at", "decision", "gates", "send"} <= set(send)
    assert {
        "channel",
        "communicationId",
        "communicationVersion",
        "rendered",
        "missingVariables",
    } <= set(send["send"])
    assert {"gate", "passed", "overridden"} <= set(send["gates"][0])
    adaptive = next(s for s in document["steps"] if s["stepId"] == "offer-subject-test")
    assert {"mode", "selection", "arms", "chosenArmId"} <= set(adaptive["branch"])
    assert set(adaptive["branch"]["arms"][0]) == {
        "armId",
        "subjectsReached",
        "goalEvents",
        "posteriorMean",
    }
    assert document["outcome"]["goal"] == {
        "eventName": "subscription.converted",
        "windowDays": 14,
        "converted": True,
        "at": "2026-06-04T14:00:00Z",
    }


def test_timeline_shows_time_step_decision_reason_and_masked_message(acme):
    text = format_timeline(_trace(acme, "act-onb-2026", "usr_quiet_tokyo"))
    assert "2026-06-01 14:00Z" in text and "send-welcome" in text
    assert "deferred" in text and "quiet_hours" in text
    assert "subject: Welcome to Acme Analytics, H•••!" in text
    assert "Haruto" not in text and "haruto.sato@example.com" not in text
    skipped = format_timeline(_trace(acme, "act-onb-2026", "usr_daily_cap_hit"))
    assert "daily_cap_exceeded" in skipped and "2 of 2 sends on 2026-06-01" in skipped
    overridden = format_timeline(_trace(acme, "act-onb-2026", "usr_holdout", overrides=["holdout"]))
    assert "overrides: holdout" in overridden and "holdout overridden" in overridden


def test_excerpt_strips_tags_and_truncates():
    assert excerpt("<p>a</p>\n\n<p>b &lt; c</p>") == "a b < c"
    assert excerpt("x" * 500, 10) == "x" * 9 + "…"


def _parts(model):
    """``model`` and every trace model inside it."""
    yield model
    for value in model.__dict__.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, TraceModel):
                yield from _parts(item)


@pytest.mark.parametrize(
    ("journey", "subject"),
    [
        ("act-onb-2026", "usr_plain_ana"),
        ("act-onb-2026", "usr_quiet_tokyo"),
        ("expansion-nudge-2026", "usr_expansion_candidate"),
    ],
)
def test_parts_the_engine_builds_are_what_validation_makes_of_them(acme, journey, subject):
    # The engine builds trace parts without validating them: each must be the model
    # that validating its own fields gives, with the same fields set.
    parts = list(_parts(_trace(acme, journey, subject)))
    assert len({type(part) for part in parts}) >= 8
    for part in parts:
        values = {name: getattr(part, name) for name in part.model_fields_set}
        validated = type(part).model_validate(values)
        assert validated == part, type(part).__name__
        assert validated.model_fields_set == part.model_fields_set


def test_build_scrubs_free_text_fills_defaults_and_refuses_unknown_fields():
    send = TraceSend.build(
        channel="email",
        communication_id="c",
        communication_version=1,
        error="bounced: ana@example.com",
    )
    assert send.error == "bounced: a•••@e•••.com"
    assert send.missing_variables == [] and send.rendered is None
    assert TraceGate.build(gate=Gate.OPT_OUT, passed=True).overridden is False
    assert send.model_fields_set == {
        "channel",
        "communication_id",
        "communication_version",
        "error",
    }
    assert TraceWarning.build_masked(code="x", message="ana@example.com").message == (
        "ana@example.com"
    )
    with pytest.raises(TypeError, match="TraceWarning has no field stepid"):
        TraceWarning.build(code="x", message="m", stepid="s")
