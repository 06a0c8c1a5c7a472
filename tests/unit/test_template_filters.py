"""The Jinja2 filters behind Pinpoint's helpers: faithful, bounded, never raising."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.filters import FILTERS, MAX_WIDTH
from simulator.javadates import format_java, parse_java
from simulator.templating import environment


@pytest.mark.parametrize(
    ("value", "output", "options", "expected"),
    [
        ("2020-09-19", "full", {}, "Saturday, September 19, 2020"),
        ("2020-09-19", "long", {}, "September 19, 2020"),
        ("2020-09-19", "medium", {}, "Sep 19, 2020"),
        ("2020-09-19", "short", {}, "9/19/20"),
        ("2020-09-19T22:30:00Z", "yyyy-MM-dd HH:mm", {"tz": "Asia/Tokyo"}, "2020-09-20 07:30"),
        ("09/19/2020", "EEE d MMM", {"input_format": "MM/dd/yyyy", "tz": "UTC"}, "Sat 19 Sep"),
        (1600473600000, "yyyy-MM-dd'T'HH:mmXXX", {}, "2020-09-19T00:00Z"),
        ("not a date", "full", {}, "not a date"),
        ("2020-09-19", "full", {"tz": "Not/AZone"}, "2020-09-19"),
        (67768036191676796000, "short", {}, "67768036191676796000"),  # past year 9999
        (-1e300, "short", {}, "-1e+300"),
    ],
)
def test_date_format_styles_patterns_and_zones(value, output, options, expected):
    assert FILTERS["date_format"](value, output, **options) == expected


def test_java_patterns_quote_literals_and_parse_back():
    moment = datetime(2026, 1, 5, 9, 7, tzinfo=UTC)
    assert format_java(moment, "'Week of' d MMMM, h:mm a ''yy") == "Week of 5 January, 9:07 AM '26"
    assert parse_java("05.01.2026 09:07", "dd.MM.yyyy HH:mm") == datetime(2026, 1, 5, 9, 7)


@pytest.mark.parametrize("name", ["ljust", "rjust", "center_pad"])
def test_padding_is_capped_so_a_template_cannot_allocate_at_will(name):
    assert len(FILTERS[name]("x", 10**12, "*")) == MAX_WIDTH


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("add", ("5", "2.3"), "7.3"),
        ("divide", (1, 0), ""),
        ("multiply", ("abc", 2), ""),
        ("modulo", (7.5, 2), "1.5"),
        ("ordinalize", (11,), "11th"),
        ("ordinalize", (103,), "103rd"),
        ("yesno", ("false",), "no"),
        ("yesno", (None,), "maybe"),
        ("inflect", (1, "apple", "apples", True), "1 apple"),
        ("abbreviate", ("abcdef", 2), "ab"),
        ("join_values", ("solo", ", ", "[", "]"), "[solo]"),
        ("decode64", ("%%%",), ""),
        ("first_value", ([],), ""),
    ],
)
def test_helpers_give_pinpoints_results_and_empty_text_for_unusable_input(name, args, expected):
    assert FILTERS[name](*args) == expected


def test_every_filter_is_registered_in_the_sandboxed_environment():
    for autoescape in (True, False):
        assert set(FILTERS) <= set(environment(autoescape).filters)


_ANY = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


@given(st.sampled_from(sorted(FILTERS)), st.lists(_ANY, min_size=1, max_size=4))
def test_no_filter_raises_on_any_input(name, args):
    try:
        FILTERS[name](*args)
    except TypeError as exc:  # too many arguments for this filter: Jinja2 reports those
        assert "argument" in str(exc)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_math_round_is_the_nearest_integer_with_halves_toward_plus_infinity(number):
    """ECMAScript's Math.round: the integer closest to x, the one closer to +infinity
    on a tie; that is floor(x + 1/2) in exact arithmetic (Fraction, no float rounding)."""
    expected = math.floor(Fraction(number) + Fraction(1, 2))
    assert FILTERS["math_round"](number) == expected
    assert FILTERS["math_round"](repr(number)) == expected
