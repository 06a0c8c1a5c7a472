"""Journey-level Pinpoint settings in the import report: 0 is "no limit", incomplete
caps say what is missing, and advice followed validates."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from importers.pinpoint import translate
from simulator.models import Workspace

ADVICE = re.compile(r'set the workspace "?(dailyCap|frequencyCap|quietHours)"?:? (\{[^}]*\})')
WORKSPACE = {"id": "ws", "projectKey": "pk", "name": "W"}


def _export(limits: dict[str, Any]) -> dict[str, Any]:
    wait = {"Wait": {"WaitTime": {"WaitFor": "P1D"}}}
    return {"Name": "Caps", "StartActivity": "w", "Limits": limits, "Activities": {"w": wait}}


def _limits_report(limits: dict[str, Any]) -> dict[str, str]:
    """The ``limits_setting`` messages by the member of ``Limits`` they are about."""
    _, report = translate(_export(limits))
    return {
        entry.location.rsplit("/", 1)[-1]: entry.message
        for entry in report
        if entry.code == "limits_setting"
    }


def apply_advice(message: str, workspace: dict[str, Any]) -> dict[str, Any]:
    """``workspace`` with the setting ``message`` advises (if any) applied; a value the
    advice leaves to the reader (``N``) is taken as 1, the least any cap allows. The
    advice is read as a YAML flow mapping, so unquoted keys parse too."""
    found = ADVICE.search(message)
    if found is None:
        return workspace
    body = re.sub(r"\bN\b", "1", found.group(2))
    return {**workspace, found.group(1): yaml.safe_load(body)}


def test_zero_caps_mean_no_limit_and_advise_no_setting():
    """The QA repro: DailyCap 0 and TimeframeCap {Cap: 0, Days: 0} were advised as
    dailyCap {maxSends: 0} and frequencyCap {maxSends: 0, windowDays: 0}, which the
    workspace validation refuses (maxSends >= 1). In Pinpoint, 0 turns a limit off."""
    report = _limits_report({"DailyCap": 0, "TimeframeCap": {"Cap": 0, "Days": 0}})
    assert set(report) == {"DailyCap", "TimeframeCap"}
    assert "no daily cap" in report["DailyCap"]
    assert "no timeframe cap" in report["TimeframeCap"]
    for message in report.values():
        assert "no setting needed" in message
        assert ADVICE.search(message) is None, message


@pytest.mark.parametrize(
    ("cap", "missing", "kept"),
    [({"Cap": 5}, "no Days", '"maxSends": 5'), ({"Days": 7}, "no Cap", '"windowDays": 7')],
)
def test_a_timeframe_cap_missing_a_member_is_incomplete_and_says_what_to_set(cap, missing, kept):
    message = _limits_report({"TimeframeCap": cap})["TimeframeCap"]
    assert "None" not in message
    assert "incomplete" in message and missing in message and kept in message
    Workspace.model_validate(apply_advice(message, WORKSPACE))


@pytest.mark.parametrize(
    ("limits", "setting", "value"),
    [
        ({"DailyCap": 3}, "dailyCap", {"maxSends": 3}),
        ({"TimeframeCap": {"Cap": 5, "Days": 7}}, "frequencyCap", {"maxSends": 5, "windowDays": 7}),
    ],
)
def test_a_whole_cap_is_advised_as_the_workspace_setting_to_paste(limits, setting, value):
    (message,) = _limits_report(limits).values()
    applied = apply_advice(message, WORKSPACE)
    assert applied[setting] == value
    Workspace.model_validate(applied)


def test_a_zero_in_either_member_turns_the_timeframe_cap_off():
    for cap in ({"Cap": 0, "Days": 7}, {"Cap": 5, "Days": 0}, {"Cap": 0}):
        message = _limits_report({"TimeframeCap": cap})["TimeframeCap"]
        assert "no setting needed" in message and ADVICE.search(message) is None


def test_other_zero_limits_say_they_are_no_limit():
    report = _limits_report({"TotalCap": 0, "EndpointReentryCap": 0})
    assert all("no setting needed" in message for message in report.values()), report


_COUNT = st.none() | st.integers(-3, 400)


@settings(max_examples=150, deadline=None)
@given(
    daily=_COUNT,
    total=_COUNT,
    reentry=_COUNT,
    timeframe=st.none() | st.fixed_dictionaries({}, optional={"Cap": _COUNT, "Days": _COUNT}),
)
@example(daily=None, total=None, reentry=None, timeframe={"Cap": -1})  # kept, yet no cap
@example(daily=None, total=None, reentry=None, timeframe={"Days": 400})
def test_every_limits_entry_tells_the_truth_and_its_advice_validates(
    daily, total, reentry, timeframe
):
    limits = {"DailyCap": daily, "TotalCap": total, "EndpointReentryCap": reentry}
    limits = {k: v for k, v in {**limits, "TimeframeCap": timeframe}.items() if v is not None}
    if isinstance(timeframe, dict):
        timeframe = {k: v for k, v in timeframe.items() if v is not None}
        limits["TimeframeCap"] = timeframe
    report = _limits_report(limits)
    assert set(report) == set(limits)  # each member given is reported, none silently
    workspace = dict(WORKSPACE)
    for member, message in report.items():
        assert "None" not in message, message
        if ADVICE.search(message):
            workspace = apply_advice(message, workspace)
        zero = limits[member] == 0 or (member == "TimeframeCap" and 0 in timeframe.values())
        assert ("no setting needed" in message) == (zero or timeframe == {} == limits[member])
    Workspace.model_validate(workspace)
