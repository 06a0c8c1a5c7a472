"""translate() on the Pinpoint material migrators really have (issue 9).

boto3 dumps, ``--cli-input-json`` files, template request bodies, exports without
response-only metadata, one missing field, CUSTOM ``EndpointTypes``, activity
descriptions, random splits that decide nothing, and a goal given on import. The
fixtures in ``fixtures/pinpoint/`` are written from the shapes of the Pinpoint API
reference and botocore's service model.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from importers.pinpoint import import_files, read_source, translate
from importers.pinpoint.loader import not_json_hint
from simulator.codes import MALFORMED_INPUT_CODES, ImportCode
from simulator.errors import InputError
from simulator.paths import fixtures_dir

PINPOINT = fixtures_dir() / "pinpoint"
REQUESTS = PINPOINT / "templates-requests"


def _load(name: str) -> Any:
    return json.loads((PINPOINT / name).read_text())


def _codes(report) -> list[str]:
    return [entry.code for entry in report]


def _templates(folder: Path) -> dict[str, Any]:
    return {str(path): json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


# --- boto3 dumps and --cli-input-json -------------------------------------------------


def test_a_boto3_dump_translates_as_the_export_without_its_response_metadata():
    dumped = _load("boto3-get-journey.json")
    bare = {k: v for k, v in dumped.items() if k != "ResponseMetadata"}
    bundle, report = translate(dumped)
    plain, plain_report = translate(bare)
    assert bundle.journeys == plain.journeys and bundle.id_map == plain.id_map
    ignored = [e for e in report if e.code == ImportCode.RESPONSE_METADATA_IGNORED]
    assert [(e.severity, e.location) for e in ignored] == [("info", "/ResponseMetadata")]
    assert len(report) == len(plain_report) + 1


def test_response_metadata_is_ignored_in_template_files_too():
    document = json.loads((REQUESTS / "Onboarding.json").read_text())
    bundle, report = translate(_load("boto3-get-journey.json"), {"Onboarding.json": document})
    assert not [e for e in report if e.code in MALFORMED_INPUT_CODES]
    ignored = [e for e in report if e.code == ImportCode.RESPONSE_METADATA_IGNORED]
    assert {e.document for e in ignored} == {"export", "Onboarding.json"}
    assert "inapp-onboarding" in {c.id for c in bundle.communications}


def test_create_journey_cli_input_is_read_as_the_journey_it_wraps():
    bundle, report = translate(_load("create-journey.cli-input.json"))
    assert bundle.source.application_id == "7d1c5e9a2b4f4a8c9e3d6b0a1f2c3e4d"
    assert [j.id for j in bundle.journeys] == ["trial-ending"]  # no JourneyId: from the name
    assert bundle.id_map == {"heads-up": "heads-up", "pause": "pause", "nudge": "nudge"}
    located = [e.location for e in report if e.document == "export" and e.location]
    assert located and all(loc.startswith("/WriteJourneyRequest") for loc in located)


def test_update_journey_cli_input_keeps_the_journey_id():
    bundle, _ = translate(_load("update-journey.cli-input.json"))
    assert bundle.source.journey_id == "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b"
    assert [j.id for j in bundle.journeys] == ["e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b"]


def test_a_broken_cli_input_is_reported_against_its_own_shape():
    export = _load("create-journey.cli-input.json")
    del export["ApplicationId"]
    export["WriteJourneyRequest"]["Activities"]["pause"]["Wait"]["WaitTime"]["WaitFor"] = "2 days"
    _, report = translate(export)
    problems = [(e.code, e.location) for e in report if e.code in MALFORMED_INPUT_CODES]
    assert problems == [
        ("not_iso_duration", "/WriteJourneyRequest/Activities/pause/Wait/WaitTime/WaitFor"),
        ("missing_required", ""),
    ]


# --- one problem, one error -----------------------------------------------------------


def test_a_single_missing_field_is_one_error_not_one_per_activity():
    bundle, report = translate(_load("missing-name.get-journey.json"))
    errors = [e for e in report if e.severity == "error"]
    assert [(e.code, e.location) for e in errors] == [("missing_required", "/JourneyResponse")]
    assert bundle.journeys == []
    (not_read,) = [e for e in report if e.code == ImportCode.JOURNEY_NOT_TRANSLATED]
    assert not_read.severity == "info" and not_read.location == "/JourneyResponse"
    assert not_read.message.endswith(
        "its activities hello, later, again, split, push were not read"
    )


def test_a_problem_inside_an_activity_names_that_activity_only():
    export = _load("missing-name.get-journey.json")
    export["JourneyResponse"]["Name"] = "Named now"
    export["JourneyResponse"]["Activities"]["later"]["Wait"]["WaitTime"]["WaitFor"] = "1 day"
    _, report = translate(export)
    errors = [e for e in report if e.severity == "error"]
    assert [(e.code, e.activity_id) for e in errors] == [("not_iso_duration", "later")]
    assert not [e for e in report if e.code == ImportCode.ACTIVITY_NOT_TRANSLATED]


# --- templates as migrators keep them ---------------------------------------------------


def test_template_request_bodies_of_every_kind_become_communications():
    run = import_files(PINPOINT / "all-activities.write-journey.json", REQUESTS)
    assert not [e for e in run.report if e.code in MALFORMED_INPUT_CODES]
    comms = {c.id: c for c in run.bundle.communications}
    assert set(comms) >= {
        "email-welcome-email",
        "email-digest-email",
        "push-reminder-push",
        "inapp-news-banner",
        "inapp-onboarding",
    }
    welcome = comms["email-welcome-email"]
    assert welcome.version == 1 and welcome.subject_line is not None
    assert "firstName" in welcome.subject_line and "<h1>" in welcome.body
    assert comms["push-reminder-push"].subject_line.startswith("Hi ")
    banner = comms["inapp-news-banner"]
    assert banner.channels == ["in_app_push"] and banner.body.startswith("Dashboards")
    assert comms["inapp-onboarding"].version == 4
    sms = run.bundle.journeys[0].step(run.bundle.id_map["sms1"])
    assert "Reply STOP" in (sms.body_template or "")  # the wrapped SMS request was used


def test_a_request_body_warns_where_its_name_came_from():
    run = import_files(PINPOINT / "all-activities.write-journey.json", REQUESTS)
    notes = {
        Path(e.document).name: e.message
        for e in run.report
        if e.code == ImportCode.TEMPLATE_REQUEST_BODY
    }
    assert set(notes) == {
        "WelcomeEmail.json",
        "PromoSms.json",
        "ReminderPush.json",
        "NewsBanner.json",
    }
    assert "'WelcomeEmail' after the file name" in notes["WelcomeEmail.json"]
    assert "'PromoSms' (its TemplateName)" in notes["PromoSms.json"]
    severities = {e.severity for e in run.report if e.code == ImportCode.TEMPLATE_REQUEST_BODY}
    assert severities == {"warning"}


def test_missing_response_only_metadata_is_info_not_a_problem():
    run = import_files(PINPOINT / "all-activities.write-journey.json", REQUESTS)
    (note,) = [e for e in run.report if e.code == ImportCode.MISSING_RESPONSE_METADATA]
    assert note.severity == "info" and Path(note.document).name == "DigestEmail.json"
    assert "LastModifiedDate or CreationDate" in note.message


def test_a_segment_without_arn_or_creation_date_is_still_a_segment():
    segments = _load("segments.json")
    item = copy.deepcopy(segments["SegmentsResponse"]["Item"][0])
    del item["Arn"], item["CreationDate"]
    bundle, report = translate(_load("welcome-series.get-journey.json"), {}, {"s.json": item})
    assert not [e for e in report if e.code in MALFORMED_INPUT_CODES]
    assert item["Id"] in {s.id for s in bundle.segments}
    assert ImportCode.MISSING_RESPONSE_METADATA in _codes(report)


def test_non_json_files_in_the_templates_folder_are_reported_as_skipped(tmp_path):
    for name in ("WelcomeEmail.json", "notes.txt"):
        (tmp_path / name).write_bytes((REQUESTS / name).read_bytes())
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "html").mkdir()
    run = import_files(PINPOINT / "welcome-series.get-journey.json", tmp_path)
    skipped = [e for e in run.report if e.code == ImportCode.FILE_SKIPPED]
    assert [e.severity for e in skipped] == ["warning", "warning"]
    assert str(tmp_path / "html") in skipped[0].message and "a folder" in skipped[0].message
    assert str(tmp_path / "notes.txt") in skipped[1].message
    assert run.report[:2] == skipped and run.bundle.report == run.report


def test_a_template_link_to_nothing_is_said_to_be_one(tmp_path):
    """A dangling Gone.json was 'a folder', a loop of links 'not a .json file'."""
    (tmp_path / "WelcomeEmail.json").write_bytes((REQUESTS / "WelcomeEmail.json").read_bytes())
    (tmp_path / "Gone.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "Loop.json").symlink_to("Loop.json")
    run = import_files(PINPOINT / "welcome-series.get-journey.json", tmp_path)
    said = [e.message for e in run.report if e.code == ImportCode.FILE_SKIPPED]
    assert len(said) == 2
    assert all("is a link that leads to no file (dangling, or a loop)" in m for m in said)


# --- one name, two definitions --------------------------------------------------------


def _copy_json(source: Path, target: Path, change=lambda document: None) -> Path:
    document = json.loads(source.read_text())
    change(document)
    target.write_text(json.dumps(document, indent=2))
    return target


def test_a_template_in_two_files_is_taken_from_the_first_and_the_other_reported(tmp_path):
    """Two files defining ``WelcomeEmail`` once gave the last file read, silently."""
    original = _copy_json(
        PINPOINT / "templates" / "WelcomeEmail.json", tmp_path / "WelcomeEmail.json"
    )

    def second(document: dict) -> None:
        document["EmailTemplateResponse"]["Subject"] = "SECOND VERSION"

    v2 = _copy_json(original, tmp_path / "WelcomeEmail-v2.json", second)  # sorts first
    run = import_files(PINPOINT / "welcome-series.get-journey.json", tmp_path)
    (welcome,) = [c for c in run.bundle.communications if c.id == "email-welcome-email"]
    assert welcome.subject_line == "SECOND VERSION"
    (duplicate,) = [e for e in run.report if e.code == ImportCode.DUPLICATE_TEMPLATE]
    assert duplicate.severity == "warning" and duplicate.document == str(original)
    assert duplicate.location == "/EmailTemplateResponse/TemplateName"
    assert f"{original}: email template 'WelcomeEmail' is also defined in {v2}" in (
        duplicate.message
    )
    assert run.position(duplicate) is not None and run.position(duplicate)[0] == original


def test_a_segment_in_two_files_is_taken_from_the_first_and_the_other_reported(tmp_path):
    """A segment id in two ``--segments`` files kept the first, silently."""
    item = _load("segments.json")["SegmentsResponse"]["Item"][0]
    (tmp_path / "a.json").write_text(json.dumps({"SegmentResponse": item}))
    second = tmp_path / "b.json"
    second.write_text(json.dumps({"SegmentResponse": {**item, "Name": "SECOND"}}))
    run = import_files(PINPOINT / "welcome-series.get-journey.json", segments=tmp_path)
    assert [s.name for s in run.bundle.segments if s.id == item["Id"]] == [item["Name"]]
    (duplicate,) = [e for e in run.report if e.code == ImportCode.DUPLICATE_SEGMENT]
    assert duplicate.severity == "warning" and duplicate.document == str(second)
    assert duplicate.location == "/SegmentResponse/Id"
    assert f"{second}: segment {item['Id']!r} is also defined in {tmp_path / 'a.json'}," in (
        duplicate.message
    )


def test_a_segment_twice_in_one_export_names_where_the_first_is():
    segments = _load("segments.json")
    items = segments["SegmentsResponse"]["Item"]
    items.append({**items[0], "Name": "SECOND"})
    bundle, report = translate(_load("welcome-series.get-journey.json"), {}, {"s.json": segments})
    assert [s.name for s in bundle.segments if s.id == items[0]["Id"]] == [items[0]["Name"]]
    (duplicate,) = [e for e in report if e.code == ImportCode.DUPLICATE_SEGMENT]
    assert duplicate.location == f"/SegmentsResponse/Item/{len(items) - 1}/Id"
    assert "also defined in s.json at /SegmentsResponse/Item/0," in duplicate.message


def test_two_journeys_with_one_id_keep_both_and_say_the_second_was_renamed():
    export = _load("list-journeys.json")
    first, second = export["JourneysResponse"]["Item"][:2]
    second["Id"] = first["Id"]
    bundle, report = translate(export)
    renamed = f"{first['Id']}-2"
    assert [j.id for j in bundle.journeys][:2] == [first["Id"], renamed]
    (entry,) = [e for e in report if e.code == ImportCode.DUPLICATE_JOURNEY_ID]
    assert entry.severity == "warning" and entry.journey_id == renamed
    assert entry.location == "/JourneysResponse/Item/1/Id"
    assert f"imported as {renamed!r}" in entry.message


# --- activities -----------------------------------------------------------------------


def test_custom_endpoint_types_are_reported_and_descriptions_kept():
    bundle, report = translate(_load("boto3-get-journey.json"))
    (endpoint,) = [e for e in report if e.code == ImportCode.CUSTOM_ENDPOINT_TYPES]
    assert endpoint.activity_id == "crm" and "EMAIL, CUSTOM" in endpoint.message
    assert endpoint.location == "/JourneyResponse/Activities/crm/CUSTOM/EndpointTypes"
    description = bundle.journeys[0].description
    assert "remind: First nudge, an hour after the cart was left" in description
    assert "abTest: An A/B test whose variants were merged later" in description
    (kept,) = [e for e in report if e.code == ImportCode.ACTIVITY_DESCRIPTION]
    assert "remind, abTest" in kept.message


def test_a_random_split_whose_branches_meet_collapses_to_that_path():
    bundle, report = translate(_load("boto3-get-journey.json"))
    journey = bundle.journeys[0]
    assert [step.id for step in journey.steps] == ["remind", "crm", "exit"]
    assert journey.step("remind").next == "crm"
    assert "abTest" not in bundle.id_map
    (collapsed,) = [e for e in report if e.code == ImportCode.RANDOM_SPLIT_COLLAPSED]
    assert collapsed.activity_id == "abTest" and "'crm'" in collapsed.message


def test_a_random_split_whose_branches_all_end_ends_the_journey():
    export = {
        "Name": "n",
        "StartActivity": "r",
        "Activities": {"r": {"RandomSplit": {"Branches": [{"Percentage": 50}, {}]}}},
    }
    bundle, report = translate(export)
    assert [step.type for step in bundle.journeys[0].steps] == ["exit"]
    assert ImportCode.RANDOM_SPLIT_COLLAPSED in _codes(report)


def test_a_misplaced_next_activity_says_where_it_belongs():
    export = {
        "Name": "n",
        "Activities": {
            "a": {"EMAIL": {"TemplateName": "T"}, "NextActivity": "b"},
            "b": {"ConditionalSplit": {"NextActivity": "a"}},
        },
    }
    _, report = translate(export)
    messages = {e.location: e.message for e in report if e.code == ImportCode.UNKNOWN_KEY}
    assert "goes inside the activity's type object" in messages["/Activities/a/NextActivity"]
    assert (
        "TrueActivity and FalseActivity" in messages["/Activities/b/ConditionalSplit/NextActivity"]
    )
    errors = [e for e in report if e.severity == "error"]
    assert {e.activity_id for e in errors} == {"a", "b"}


# --- a goal on import -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["reference-sample.journey-response.json", "all-activities.write-journey.json"]
)
def test_a_goal_event_makes_random_splits_validate(name):
    templates = _templates(PINPOINT / "templates")
    _, before = translate(_load(name), templates)
    assert "adaptive_branch_without_goal" in _codes(before)
    bundle, report = translate(_load(name), templates, goal_event="purchase", goal_window_days=14)
    assert [e for e in report if e.severity == "error"] == []
    journey = bundle.journeys[0]
    assert (journey.goal_event_name, journey.goal_event_window_days) == ("purchase", 14)
    assert ImportCode.GOAL_EVENT_SET in _codes(report)


def test_a_random_split_names_the_goal_it_was_given_instead_of_asking_for_one():
    export = _load("reference-sample.journey-response.json")
    (asking,) = [e for e in translate(export)[1] if e.code == ImportCode.RANDOM_SPLIT_ADAPTIVE]
    assert "--goal-event NAME" in asking.message and "goalEvent" in asking.message
    _, report = translate(export, goal_event="purchase")
    (given,) = [e for e in report if e.code == ImportCode.RANDOM_SPLIT_ADAPTIVE]
    assert "goal event 'purchase'" in given.message
    assert "--goal-event" not in given.message and "needs" not in given.message
    assert (given.severity, given.activity_id) == ("warning", "abTest")


def test_without_a_window_the_goal_uses_the_workspace_default():
    bundle, report = translate(_load("reference-sample.journey-response.json"), goal_event="x")
    assert bundle.journeys[0].goal_event_window_days is None
    (note,) = [e for e in report if e.code == ImportCode.GOAL_EVENT_SET]
    assert "defaultGoalEventWindowDays" in note.message


@pytest.mark.parametrize(
    ("event", "days"), [(None, 7), ("x", 0), ("x", 366)], ids=["no-event", "zero", "too-long"]
)
def test_bad_goal_arguments_are_a_value_error(event, days):
    with pytest.raises(ValueError, match="goal_window_days"):
        translate({"Name": "n"}, goal_event=event, goal_window_days=days)


# --- text that is not JSON ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("{'JourneyResponse': {'Name': 'x', 'LocalTime': False}}", "json.dumps(response"),
        (
            "{'JourneyResponse': {'CreationDate': datetime.datetime(2026, 1, 1, 0, 0)}}",
            "Python repr",
        ),
        ("const journey = {\n  Name: 'Welcome',\n};\n", "JSON.stringify"),
        ('module.exports = {"Name": "x"}', "JavaScript"),
        ('{\n  // exported by hand\n  "Name": "x"\n}', "JavaScript"),
        ("{Name: 'x', Activities: {}}", "JavaScript"),
    ],
)
def test_javascript_and_python_repr_inputs_get_a_hint(tmp_path, text, hint):
    path = tmp_path / "export.json"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        read_source(path)
    assert "not JSON" in raised.value.message and hint in raised.value.message


def test_plain_json_mistakes_get_no_hint():
    assert not_json_hint('{"Name": "x",}') is None
    assert not_json_hint('{"Name": "x" "StartActivity": "a"}') is None
