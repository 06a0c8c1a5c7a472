"""ISO-8601 durations and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simulator.durations import parse_duration, parse_timestamp


@pytest.mark.parametrize(
    ("text", "months", "span"),
    [
        ("P3D", 0, timedelta(days=3)),
        ("PT12H", 0, timedelta(hours=12)),
        ("P2W", 0, timedelta(weeks=2)),
        ("P1Y2M", 14, timedelta(0)),
        ("P1DT1H30M15S", 0, timedelta(days=1, hours=1, minutes=30, seconds=15)),
        ("PT1.5H", 0, timedelta(minutes=90)),
        ("PT0,5S", 0, timedelta(milliseconds=500)),
    ],
)
def test_valid_durations(text, months, span):
    duration = parse_duration(text)
    assert (duration.months, duration.span) == (months, span)


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "3D", "P3", "P-1D", "P1.5DT1H", "P1.5M", "3 days", "p3d", "P3DT", None]
)
def test_invalid_durations_say_why(text):
    with pytest.raises(ValueError, match=r"duration|fraction|whole"):
        parse_duration(text)


def test_months_are_calendar_months_clamped_to_the_month_end():
    jan31 = datetime(2026, 1, 31, 9, tzinfo=UTC)
    assert parse_duration("P1M").add_to(jan31) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert parse_duration("P1Y").add_to(datetime(2028, 2, 29, tzinfo=UTC)).day == 28
    assert parse_duration("P13M").add_to(jan31) == datetime(2027, 2, 28, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days"),
    [("P1Y", 366), ("P12M", 366), ("P365D", 365), ("P366D", 366), ("P11M30D", 371),
     ("P1M", 31), ("P2Y1M", 763)],
)  # fmt: skip
def test_the_longest_a_duration_lasts_counts_a_leap_year_and_31_day_months(text, days):
    assert parse_duration(text).longest == timedelta(days=days)


def test_timestamps_need_an_offset():
    assert parse_timestamp("2026-05-01T09:00:00Z") == datetime(2026, 5, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="offset"):
        parse_timestamp("2026-05-01T09:00:00")
    with pytest.raises(ValueError, match="timestamp"):
        parse_timestamp("yesterday")


@pytest.mark.parametrize(
    "text", ["P99999999999D", "PT99999999999999999999H", "P1000000Y", "P99999999999M", "P1001Y"]
)
def test_durations_past_a_thousand_years_are_refused_not_overflowed(text):
    with pytest.raises(ValueError, match="longer than 1000 years"):
        parse_duration(text)


def test_a_thousand_years_is_still_a_duration():
    assert parse_duration("P1000Y").months == 12_000
    assert parse_duration("P365000D").span == timedelta(days=365_000)
