"""Journey tests' pure parts: selection, expectations on real traces, coverage items, the
published schema, and scenario files made of arbitrary YAML (never a traceback)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import simulate
from simulator.errors import UsageError
from simulator.journeytests import (
    check_trace,
    compile_selection,
    journey_coverage,
    load_scenario_file,
    render_problems,
    render_results,
    run_case,
)
from simulator.journeytests.checks import step_expectation_pointer
from simulator.journeytests.coverage import CoverageItem, JourneyCoverage
from simulator.journeytests.model import Expectations
from simulator.journeytests.report import below, coverage_table, coverage_wire
from simulator.project import load_project
from simulator.schemas import schema_for


@pytest.fixture(scope="module")
def acme(acme_dir: Path):
    return load_project(acme_dir)


def test_selection_is_pytest_like():
    keep = compile_selection("(onboarding or trial) and not holdout")
    assert keep("tests/onboarding.journeytest.yaml::plain path")
    assert not keep("tests/onboarding.journeytest.yaml::the HOLDOUT keeps a subject out")
    assert not keep("tests/win-back.journeytest.yaml::price")
    for bad in ("a and", "(a", "a b", "or a", ")"):
        with pytest.raises(UsageError):
            compile_selection(bad)


def test_expectations_report_expected_actual_step_and_pointer(acme):
    trace = simulate(
        acme.journeys["act-onb-2026"], acme.world.subjects["usr_quiet_tokyo"], world=acme.world
    )
    written = {
        "entry": {"decision": "blocked"},
        "steps": {
            "send-welcome": [
                {"occurrence": 1, "decision": "deferred", "gates": {"quiet_hours": "failed"}},
                {"decision": "skipped"},
            ],
            "branch-activated": {"rule": 0},
        },
        "sends": [{"communication": "comm-welcome-email", "subjectContains": "Bienvenue"}],
        "outcome": {"goalConverted": True, "exitStep": "exit"},
    }
    expect = Expectations.model_validate(written)
    at = partial(step_expectation_pointer, {"cases": [{"expect": written}]}, 0)
    failures = check_trace(expect, trace, "/cases/0/expect", at)
    got = [(f.expectation, f.expected, f.actual, f.step_id, f.pointer) for f in failures]
    assert got == [
        ("entry.decision", "blocked", "entered", None, "/cases/0/expect/entry/decision"),
        ("steps.send-welcome.decision", "skipped", "executed", "send-welcome",
         "/cases/0/expect/steps/send-welcome/1/decision"),
        ("steps.branch-activated.rule", 0, "default", "branch-activated",
         "/cases/0/expect/steps/branch-activated/rule"),
        ("sends", "1 send", ["comm-welcome-email", "comm-reengage-email"], "send-reengage",
         "/cases/0/expect/sends"),
        ("sends[0].subjectContains", "Bienvenue", "Welcome to Acme Analytics, H•••!",
         "send-welcome", "/cases/0/expect/sends/0/subjectContains"),
        ("outcome.goalConverted", True, False, None, "/cases/0/expect/outcome/goalConverted"),
    ]  # fmt: skip
    assert failures[1].message == (
        "steps.send-welcome.decision at step 'send-welcome': expected 'skipped', got 'executed'"
    )


def test_coverage_items_of_a_journey_with_an_until_event_wait(acme):
    journey, world = acme.journeys["trial-conv-2026"], acme.world
    timeout = simulate(journey, world.subjects["usr_trial_timeout"], world=world)
    coverage = journey_coverage(journey, world, [timeout])
    assert coverage.counts("waits") == (1, 2)
    assert [i.label for i in coverage.uncovered if i.kind == "waits"] == [
        "wait-checkout resumed by event"
    ]
    assert coverage.counts("branches") == (2, 4)  # the default path and the urgency arm


def test_one_uncovered_item_in_thousands_is_below_100_and_never_shown_as_100():
    """2100 of 2101 items is 99.95 %: rounded, it read 100.0 % and passed --fail-under 100."""
    items = tuple(CoverageItem("branches", ("rule", str(n)), f"b{n}", "") for n in range(2101))
    entry = JourneyCoverage("chain", items, frozenset(item.key for item in items[:-1]), 2)
    assert below([entry], 100) and not below([entry], 99.95) and below([entry], 99.96)
    assert coverage_wire([entry], None)["percent"] == 99.9
    assert " 99.9%" in coverage_table([entry], None) and "100.0%" not in coverage_table(
        [entry], None
    )
    full = JourneyCoverage("chain", items, frozenset(item.key for item in items), 2)
    assert not below([full], 100) and coverage_wire([full], None)["percent"] == 100.0


def test_the_published_schema_accepts_every_acme_scenario_file(acme_dir: Path):
    validator = jsonschema.Draft202012Validator(schema_for("journey-test"))
    files = sorted((acme_dir / "tests").glob("*.journeytest.yaml"))
    assert len(files) == 5
    for path in files:
        document = yaml.safe_load(path.read_text())
        assert [e.message for e in validator.iter_errors(document)] == [], path.name
    assert not validator.is_valid({"cases": [{"name": "x", "subject": {}, "expext": {}}]})
    invalid = acme_dir / "tests" / "invalid" / "unknown-key.journeytest.yaml"
    assert not validator.is_valid(yaml.safe_load(invalid.read_text()))


_KEYS = [
    "journey", "cases", "name", "subject", "id", "file", "synthetic", "seed", "attributes",
    "at", "overrides", "futureEvents", "after", "armStats", "subjectsReached", "goalEvents",
    "expect", "entry", "decision", "reason", "path", "pathContains", "steps", "occurrence",
    "gates", "rule", "arm", "resumedBy", "next", "sends", "step", "communication", "channel",
    "subjectContains", "subjectMatches", "bodyContains", "bodyMatches", "noMissingVariables",
    "missingVariables", "outcome", "exitStep", "exited", "goalConverted", "snapshot",
    "send-welcome", "wait-3d", "branch-activated", "offer-subject-test", "urgency",
]  # fmt: skip
_WORDS = [
    *_KEYS, "act-onb-2026", "trial-conv-2026", "usr_plain_ana", "usr_trial_timeout",
    "entered", "blocked", "executed", "default", "event", "timeout", "email", "holdout",
    "P1D", "PT1H", "2026-06-01T14:00:00Z", "9999-12-31T23:00:00Z", "(", ".*", "",
]  # fmt: skip
_SCALARS = (
    st.none() | st.booleans() | st.integers(-2, 3) | st.floats(allow_nan=False, width=16)
    | st.sampled_from(_WORDS)
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
_CASE = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b", ""]), "subject": _VALUES},
    optional=dict.fromkeys(("expect", "at", "seed", "futureEvents", "armStats"), _VALUES),
)
_SCENARIOS = st.one_of(
    st.text(max_size=200),
    _VALUES.map(lambda value: yaml.safe_dump(value)),
    st.fixed_dictionaries(
        {"journey": st.sampled_from(["act-onb-2026", "trial-conv-2026", "nope"])},
        optional={"cases": st.lists(_CASE, max_size=3)},
    ).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_SCENARIOS)
def test_arbitrary_yaml_never_gives_a_traceback(tmp_path_factory, acme, text):
    path = tmp_path_factory.mktemp("scenario") / "x.journeytest.yaml"
    path.write_text(text, encoding="utf-8")
    _, cases, problems = load_scenario_file(path, "x.journeytest.yaml", acme)
    if problems:
        assert not cases
        assert all(
            p.file == "x.journeytest.yaml" and p.line >= 1 and p.column >= 1 for p in problems
        )
        assert render_problems(problems, "text").count("\n") == len(problems) + 1
        json.loads(render_problems(problems, "json"))
    else:
        results = [run_case(case) for case in cases]
        for fmt in ("text", "json", "junit", "github"):
            assert render_results(results, fmt)
