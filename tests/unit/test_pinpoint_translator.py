"""translate(): every fixture export, totality, and inputs no one should trust."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from importers.pinpoint import bundle_schema, export_shape, import_files, translate
from importers.pinpoint.bundle import ImportBundle, ReportEntry
from importers.pinpoint.strategies import activities, journey_exports
from simulator.codes import MALFORMED_INPUT_CODES, ImportCode
from simulator.paths import fixtures_dir
from simulator.validation import validate

PINPOINT = fixtures_dir() / "pinpoint"
EXPECTED: dict[str, Any] = json.loads((PINPOINT / "expected.json").read_text())
EXPORTS = sorted(EXPECTED["exports"])


@cache
def _translated(name: str) -> tuple[ImportBundle, list[ReportEntry]]:
    run = import_files(PINPOINT / name, PINPOINT / "templates", PINPOINT / "segments.json")
    return run.bundle, run.report


def _raw_activities(export: Any) -> list[tuple[int, str]]:
    """(journey index, activity id) for every activity of a parsed export."""
    if "JourneysResponse" in export:
        journeys = export["JourneysResponse"]["Item"]
    else:
        journeys = [export.get("JourneyResponse") or export.get("WriteJourneyRequest") or export]
    return [(k, a) for k, journey in enumerate(journeys) for a in journey.get("Activities") or {}]


def _not_read(report: list[ReportEntry]) -> str:
    """The activity lists of ``journey_not_translated`` entries (journeys not translated)."""
    lists = [
        re.search(r"its activities (.*) were not read$", entry.message)
        for entry in report
        if entry.code == ImportCode.JOURNEY_NOT_TRANSLATED
    ]
    return "\n".join(found.group(1) for found in lists if found)


def _reported(activity: str, report: list[ReportEntry]) -> bool:
    return activity in {e.activity_id for e in report} or activity in _not_read(report)


def _assert_total(export: Any, bundle: ImportBundle, report: list[ReportEntry]) -> None:
    reported = {(e.journey_id, e.activity_id) for e in report if e.activity_id is not None}
    ids = [journey.id for journey in bundle.journeys]
    several = "JourneysResponse" in export
    for index, activity in _raw_activities(export):
        if index >= len(ids):  # the journey was not translated: its activities must be reported
            assert _reported(activity, report), activity
            continue
        key = f"{ids[index]}/{activity}" if several else activity
        assert key in bundle.id_map or (ids[index], activity) in reported, activity


def test_there_are_at_least_ten_export_fixtures_of_every_shape():
    shapes = {name.split(".")[-2] if name.count(".") > 1 else name for name in EXPORTS}
    assert len(EXPORTS) >= 10
    assert {"get-journey", "write-journey", "list-journeys.json"} <= shapes


@pytest.mark.parametrize("name", EXPORTS)
def test_each_fixture_translates_as_expected(name):
    expected = EXPECTED["exports"][name]
    bundle, report = _translated(name)
    codes = {entry.code for entry in report}
    assert len(bundle.journeys) == expected["journeys"]
    assert set(expected.get("reports", [])) <= codes, set(expected.get("reports", [])) - codes
    malformed = [e for e in report if e.code in MALFORMED_INPUT_CODES]
    assert bool(malformed) == (expected["exitCode"] == 1)
    for activity, step_type in expected.get("stepTypes", {}).items():
        step = bundle.journeys[0].step(bundle.id_map[activity])
        assert step.type == step_type, activity


@pytest.mark.parametrize("name", EXPORTS)
def test_each_fixture_is_total(name):
    bundle, report = _translated(name)
    _assert_total(json.loads((PINPOINT / name).read_text()), bundle, report)


@pytest.mark.parametrize("name", EXPORTS)
def test_each_bundle_validates_against_the_published_schema(name):
    bundle, _ = _translated(name)
    validator = jsonschema.Draft202012Validator(bundle_schema())
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(bundle.to_wire())
    ]
    assert errors == []
    assert ImportBundle.model_validate(bundle.to_wire()) == bundle


@pytest.mark.parametrize("name", [n for n in EXPORTS if EXPECTED["exports"][n]["exitCode"] == 0])
def test_each_journey_passes_validation_or_the_report_says_why(name):
    expected = EXPECTED["exports"][name]
    bundle, report = _translated(name)
    for index, journey in enumerate(bundle.journeys):
        errors = [e for e in report if e.severity == "error" and e.journey_id == journey.id]
        if expected["valid"]:
            assert errors == [], [e.message for e in errors]
        else:
            assert {e.code for e in errors} == set(expected["invalidBecause"])
            assert all(e.location.startswith(f"/journeys/{index}/") for e in errors)


@pytest.mark.parametrize("name", [n for n in EXPORTS if EXPECTED["exports"][n]["exitCode"] == 1])
def test_malformed_exports_give_every_problem_at_its_location_and_no_journey(name):
    bundle, report = _translated(name)
    problems = [
        {"location": e.location, "code": e.code} for e in report if e.code in MALFORMED_INPUT_CODES
    ]
    expected = EXPECTED["exports"][name]["problems"]
    assert sorted(problems, key=str) == sorted(expected, key=str)
    assert bundle.journeys == [] and bundle.id_map == {}


@pytest.mark.parametrize("template", sorted(EXPECTED["templates"]))
def test_template_fixtures_report_what_did_not_translate_with_its_position(template):
    expected = EXPECTED["templates"][template]
    _, report = _translated("all-activities.write-journey.json")
    name = template.removesuffix(".json")
    entries = [e for e in report if e.template == name]
    assert {e.document for e in entries} == {str(PINPOINT / "templates" / template)}
    assert set(expected["reports"]) <= {e.code for e in entries}
    unsupported = [
        [e.line, e.column] for e in entries if e.code == "template_unsupported" and e.line
    ]
    assert unsupported == expected.get("unsupportedAt", unsupported)
    syntax = [[e.line, e.column] for e in entries if e.code == "template_syntax_error"]
    assert syntax == ([expected["syntaxErrorAt"]] if "syntaxErrorAt" in expected else [])


def test_list_exports_key_the_id_map_by_journey_and_activity():
    bundle, _ = _translated("list-journeys.json")
    first, second, third = (journey.id for journey in bundle.journeys)
    assert bundle.id_map == {
        f"{first}/welcome": "welcome",
        f"{first}/pause": "pause",
        f"{second}/welcome": "welcome",
        f"{second}/pause": "pause",
        f"{third}/welcome": "welcome",
    }
    assert bundle.source.journey_id is None and bundle.source.application_id


def test_the_start_activity_is_the_entry_and_removed_activities_are_bypassed():
    bundle, report = _translated("holdout-contact-center.get-journey.json")
    journey = bundle.journeys[0]
    assert [s.id for s in journey.steps] == ["followUp", "exit"]
    assert journey.steps[0].next == "exit"
    assert "holdoutStart" not in bundle.id_map
    assert {"holdoutStart", "call", "loopA", "loopB"} <= {e.activity_id for e in report}


def test_evaluation_wait_comes_before_the_branch_it_delays():
    bundle, _ = _translated("welcome-series.get-journey.json")
    journey = bundle.journeys[0]
    wait = journey.step("openedSplit")
    branch = journey.step(wait.next)
    assert (wait.duration, branch.type, branch.mode) == ("PT12H", "branch", "conditional")
    assert branch.rules[0].when.kind == "event_fired"
    assert (branch.rules[0].next, branch.default_next) == ("reminderPush", "digestEmail")


def test_event_start_conditions_become_trigger_contracts_with_required_properties():
    bundle, _ = _translated("event-start-filters.write-journey.json")
    (contract,) = bundle.trigger_contracts
    assert contract.event_name == "cart.abandoned"
    assert contract.required_properties == {"store": "string", "cartValue": "number"}
    assert bundle.journeys[0].trigger_contract_id == contract.id
    assert bundle.journeys[0].audience_id == "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"


def test_segment_dimensions_become_predicates_on_mapped_attributes():
    bundle, _ = _translated("segment-conditions.get-journey.json")
    rules = bundle.journeys[0].step("route").rules
    first = rules[0].when.to_wire()
    leaves = {(leaf["name"], leaf["op"]) for leaf in first["of"] if leaf["kind"] == "attribute"}
    assert ("plan", "neq") in leaves and ("sessions", "gte") in leaves
    assert rules[3].when.kind == "in_segment"
    assert rules[2].when.where is not None


def test_segments_files_become_segments_and_missing_ones_placeholders():
    bundle, report = _translated("welcome-series.get-journey.json")
    segments = {s.id: s for s in bundle.segments}
    assert segments["3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c"].kind == "rules"
    assert segments["1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"].kind == "static"
    no_segments, report = translate(
        json.loads((PINPOINT / "welcome-series.get-journey.json").read_text())
    )
    assert [s.kind for s in no_segments.segments] == ["static"]
    assert ImportCode.SEGMENT_PLACEHOLDER in {e.code for e in report}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(journey_exports())
def test_generated_exports_translate_totally_into_valid_documents(export):
    bundle, report = translate(export)
    _assert_total(export, bundle, report)
    assert not [e for e in report if e.code in MALFORMED_INPUT_CODES]
    assert not [e for e in report if e.code == ImportCode.ACTIVITY_NOT_TRANSLATED]
    for journey in bundle.journeys:
        codes = {f.code for f in validate(journey)}
        assert not codes & {"invalid_document", "duplicate_step_id", "unknown_step_reference"}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(activities(max_activities=40))
def test_step_ids_are_valid_unique_and_traceable_to_activities(acts):
    bundle, _ = translate({"Name": "n", "Activities": acts})
    steps = [step.id for step in bundle.journeys[0].steps]
    assert len(steps) == len(set(steps))
    assert set(bundle.id_map.values()) <= set(steps)


_KEYS = st.sampled_from(
    ["JourneyResponse", "JourneysResponse", "Item", "Activities", "Name", "EMAIL", "Wait",
     "NextActivity", "StartActivity", "x"]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_KEYS | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_JSON, st.dictionaries(st.text(max_size=5), _JSON, max_size=2))
@example({"JourneysResponse": {}, "Activities": {"JourneyResponse": None}}, {})
def test_arbitrary_json_never_raises(export, templates):
    bundle, report = translate(export, templates, templates)
    assert bundle.report == report
    _assert_total_raw(export, report, bundle)


def _assert_total_raw(export: Any, report: list[ReportEntry], bundle: ImportBundle) -> None:
    if bundle.journeys:
        return  # shape-valid by chance: covered by the totality tests above
    # Only a bare journey's own Activities are activities: beside a (broken) wrapper
    # key they are an unknown key, reported as such.
    shape = export_shape(export)
    if shape == "GetJourneyResponse":
        journey = export.get("JourneyResponse")
    else:
        journey = export if shape in ("JourneyResponse", "WriteJourneyRequest") else None
    acts = journey.get("Activities") if isinstance(journey, dict) else None
    if isinstance(acts, dict):
        assert all(_reported(str(activity), report) for activity in acts)


def test_the_path_module_finds_the_fixtures():
    assert isinstance(PINPOINT, Path) and (PINPOINT / "templates").is_dir()
