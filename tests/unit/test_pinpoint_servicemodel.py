"""Input is held to botocore's Pinpoint service model, and the mirror models follow it."""

from __future__ import annotations

import inspect
import typing

import pytest
from pydantic import BaseModel

import importers.pinpoint.documents as documents
import importers.pinpoint.models as models
from importers.pinpoint.servicemodel import (
    RESPONSE_METADATA,
    check,
    export_shape,
    service_shapes,
)
from simulator.codes import ImportCode


def _mirrors() -> list[type[BaseModel]]:
    found = []
    for module in (models, documents):
        for name, value in vars(module).items():
            is_model = inspect.isclass(value) and issubclass(value, models.PinpointModel)
            if is_model and not name.startswith("_") and value is not models.PinpointModel:
                found.append(value)
    return found


@pytest.mark.parametrize("model", _mirrors(), ids=lambda m: m.__name__)
def test_each_mirror_model_has_the_members_and_required_set_of_its_shape(model):
    """Response-only metadata is optional in the mirrors: its absence is only noted."""
    shape = service_shapes()[model.__name__]
    aliases = {field.alias or name for name, field in model.model_fields.items()}
    required = {field.alias for field in model.model_fields.values() if field.is_required()}
    assert aliases == set(shape["members"])
    assert required == set(shape.get("required", [])) - RESPONSE_METADATA


@pytest.mark.parametrize("model", _mirrors(), ids=lambda m: m.__name__)
def test_each_enum_member_allows_exactly_the_shape_enum(model):
    shape = service_shapes()[model.__name__]
    for name, field in model.model_fields.items():
        member = service_shapes()[shape["members"][field.alias or name]["shape"]]
        literals = [
            a for a in typing.get_args(field.annotation) if typing.get_origin(a) is typing.Literal
        ]
        if member.get("enum") and literals:
            assert set(typing.get_args(literals[0])) == set(member["enum"]), name


def _problems(value, shape):
    return [(p.pointer, p.code) for p in check(value, shape)]


def test_miscased_activity_types_are_named_with_the_member_meant():
    problems = check({"Email": {}, "WAIT": {}, "conditionalSplit": {}}, "Activity")
    assert [(p.pointer, p.code) for p in problems] == [
        ("/Email", ImportCode.MISCASED_KEY),
        ("/WAIT", ImportCode.MISCASED_KEY),
        ("/conditionalSplit", ImportCode.MISCASED_KEY),
    ]
    assert "did you mean 'EMAIL'?" in problems[0].message
    assert "did you mean 'Wait'?" in problems[1].message


def test_what_a_miscased_key_holds_is_still_checked():
    assert _problems({"Wait": {"waitTime": {"WaitFor": "3 days"}}}, "Activity") == [
        ("/Wait/waitTime", ImportCode.MISCASED_KEY),
        ("/Wait/waitTime/WaitFor", ImportCode.NOT_ISO_DURATION),
    ]


def test_unknown_keys_get_a_close_suggestion_or_the_members():
    close, far = check({"NextActivityId": "a", "Colour": 1}, "WaitActivity")
    assert (close.code, close.pointer) == (ImportCode.UNKNOWN_KEY, "/NextActivityId")
    assert "did you mean 'NextActivity'?" in close.message
    assert "expected one of NextActivity, WaitTime" in far.message


@pytest.mark.parametrize(
    ("value", "shape", "expected"),
    [
        ({"Percentage": "10"}, "HoldoutActivity", [("/Percentage", ImportCode.WRONG_TYPE)]),
        ({"Percentage": True}, "HoldoutActivity", [("/Percentage", ImportCode.WRONG_TYPE)]),
        ({"Percentage": 10.5}, "HoldoutActivity", [("/Percentage", ImportCode.WRONG_TYPE)]),
        ({}, "HoldoutActivity", [("", ImportCode.MISSING_REQUIRED)]),
        ({"Percentage": None}, "HoldoutActivity", [("", ImportCode.MISSING_REQUIRED)]),
        ({"Operator": "any"}, "Condition", [("/Operator", ImportCode.VALUE_NOT_ALLOWED)]),
        ({"Conditions": {}}, "Condition", [("/Conditions", ImportCode.WRONG_TYPE)]),
        ({"Conditions": [None]}, "Condition", [("/Conditions/0", ImportCode.WRONG_TYPE)]),
        (
            {"ComparisonOperator": "EQUAL", "Value": "3"},
            "MetricDimension",
            [("/Value", ImportCode.WRONG_TYPE)],
        ),
        ({"ComparisonOperator": "EQUAL", "Value": 3}, "MetricDimension", []),
        (
            {"LocalTime": "true", "Name": "n"},
            "WriteJourneyRequest",
            [("/LocalTime", ImportCode.WRONG_TYPE)],
        ),
        ({"WaitFor": "PT12H"}, "WaitTime", []),
        ({"WaitFor": "12h"}, "WaitTime", [("/WaitFor", ImportCode.NOT_ISO_DURATION)]),
        ({"WaitUntil": "tomorrow"}, "WaitTime", [("/WaitUntil", ImportCode.NOT_ISO_TIMESTAMP)]),
        ({"Start": "9pm", "End": "08:00"}, "QuietTime", [("/Start", ImportCode.NOT_HHMM_TIME)]),
        ({"StartTime": "soon"}, "JourneySchedule", [("/StartTime", ImportCode.NOT_ISO_TIMESTAMP)]),
        ({"EMAIL": {"FUNDAY": []}}, "OpenHours", [("/EMAIL/FUNDAY", ImportCode.VALUE_NOT_ALLOWED)]),
        ("x", "Activity", [("", ImportCode.WRONG_TYPE)]),
    ],
)
def test_types_enums_required_members_and_formats_are_checked(value, shape, expected):
    assert _problems(value, shape) == expected


def test_evaluation_wait_durations_are_checked_too():
    split = {"EvaluationWaitTime": {"WaitFor": "two days"}}
    assert _problems(split, "MultiConditionalSplitActivity") == [
        ("/EvaluationWaitTime/WaitFor", ImportCode.NOT_ISO_DURATION)
    ]


def test_pointers_escape_slashes_and_tildes_in_keys():
    export = {"Name": "n", "Activities": {"a/b~c": {"Email": {}}}}
    assert _problems(export, "WriteJourneyRequest") == [
        ("/Activities/a~1b~0c/Email", ImportCode.MISCASED_KEY)
    ]


@pytest.mark.parametrize(
    ("document", "shape"),
    [
        ({"JourneyResponse": {}}, "GetJourneyResponse"),
        ({"journeyResponse": {}}, "GetJourneyResponse"),
        ({"JourneysResponse": {"Item": []}}, "ListJourneysResponse"),
        ({"Id": "x", "Name": "n", "ApplicationId": "a"}, "JourneyResponse"),
        ({"Name": "n", "Activities": {}}, "WriteJourneyRequest"),
        ([], None),
        ("text", None),
    ],
)
def test_the_export_shape_is_told_from_the_top_level_keys(document, shape):
    assert export_shape(document) == shape


def test_a_miscased_wrapper_is_reported_not_misread():
    assert _problems({"journeyResponse": {}}, "GetJourneyResponse") == [
        ("/journeyResponse", ImportCode.MISCASED_KEY),
        ("/journeyResponse", ImportCode.MISSING_REQUIRED),
        ("/journeyResponse", ImportCode.MISSING_REQUIRED),
        ("/journeyResponse", ImportCode.MISSING_REQUIRED),
    ]


def test_the_service_model_is_loaded_once():
    assert service_shapes() is service_shapes()
