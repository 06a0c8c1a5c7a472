"""ISO-8601 durations (``P3D``, ``PT12H``, ``P1Y2M``, ``P2W``) and calendar arithmetic,
and timestamps: parsed (with an offset) and written in UTC for people to read.

Years and months are calendar units: ``P1M`` from 31 January lands on the last day
of February, as a person reading the journey would expect. Fractions are allowed
only on the smallest unit given (``PT1.5H``). Negative durations are refused.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "Duration",
    "in_calendar",
    "parse_duration",
    "parse_timestamp",
    "utc_minute",
    "utc_seconds",
]

_PATTERN = re.compile(
    r"^P(?!$)"
    r"(?:(?P<years>\d+(?:[.,]\d+)?)Y)?"
    r"(?:(?P<months>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)"
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?"
    r")?$"
)
_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
_SECONDS = {"weeks": 604_800, "days": 86_400, "hours": 3_600, "minutes": 60, "seconds": 1}
_MAX_MONTHS = 12 * 1000
_MAX_SPAN = timedelta(days=365 * 1000)
"""The longest duration accepted: a thousand years (months, or the exact span)."""


@dataclass(frozen=True, slots=True)
class Duration:
    """A parsed duration: whole calendar months plus an exact time span."""

    months: int
    span: timedelta
    text: str

    def add_to(self, moment: datetime) -> datetime:
        """``moment`` advanced by this duration (months first, clamped to month end).

        >>> from datetime import datetime, timezone
        >>> parse_duration("P1M").add_to(datetime(2026, 1, 31, tzinfo=timezone.utc)).date()
        datetime.date(2026, 2, 28)
        """
        return _add_months(moment, self.months) + self.span

    @property
    def longest(self) -> timedelta:
        """The longest this duration can last, wherever it starts (for ``long_wait``):
        each whole year 366 days (one with a 29 February), each other month 31 days.

        >>> parse_duration("P1Y").longest.days, parse_duration("P12M").longest.days
        (366, 366)
        >>> parse_duration("P11M30D").longest.days, parse_duration("P365D").longest.days
        (371, 365)
        """
        years, months = divmod(self.months, 12)
        return timedelta(days=years * 366 + months * 31) + self.span


def parse_duration(text: str) -> Duration:
    """Parse an ISO-8601 duration; ``ValueError`` with a reason when it is not one.

    >>> parse_duration("P3D").span
    datetime.timedelta(days=3)
    >>> parse_duration("PT12H").span
    datetime.timedelta(seconds=43200)
    >>> parse_duration("3 days")
    Traceback (most recent call last):
    ...
    ValueError: '3 days' is not an ISO-8601 duration (e.g. P3D, PT12H, P1W)
    >>> parse_duration("P99999999999D")
    Traceback (most recent call last):
    ...
    ValueError: 'P99999999999D' is longer than 1000 years
    """
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not an ISO-8601 duration (e.g. P3D, PT12H, P1W)")
    given = [(unit, match.group(unit)) for unit in _UNITS if match.group(unit) is not None]
    values = {unit: float(raw.replace(",", ".")) for unit, raw in given}
    fractional = [unit for unit, raw in given if "." in raw or "," in raw]
    if fractional and fractional != [given[-1][0]]:
        raise ValueError(f"{text!r}: only the smallest unit may have a fraction")
    if (values.get("years", 0) % 1) or (values.get("months", 0) % 1):
        raise ValueError(f"{text!r}: years and months must be whole numbers")
    seconds = sum(values.get(unit, 0) * size for unit, size in _SECONDS.items())
    months_given = values.get("years", 0) * 12 + values.get("months", 0)
    if months_given > _MAX_MONTHS or seconds > _MAX_SPAN.total_seconds():
        # checked in floats first: timedelta() and int() overflow on P99999999999D
        raise ValueError(f"{text!r} is longer than 1000 years")
    months = int(months_given)
    span = timedelta(
        weeks=values.get("weeks", 0),
        days=values.get("days", 0),
        hours=values.get("hours", 0),
        minutes=values.get("minutes", 0),
        seconds=values.get("seconds", 0),
    )
    return Duration(months=months, span=span, text=text)


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp that carries an offset (``Z`` allowed).

    >>> parse_timestamp("2026-05-01T09:00:00Z").isoformat()
    '2026-05-01T09:00:00+00:00'
    """
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{text!r} is not an ISO-8601 timestamp") from exc
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset (add Z or +00:00)")
    return moment


def in_calendar(moment: datetime) -> bool:
    """Whether ``moment`` is an instant of years 1 to 9999 *in UTC*, where every time
    is kept, compared and written: ``9999-12-31T23:00:00-05:00`` is a valid datetime
    but falls in year 10000 there.

    >>> in_calendar(parse_timestamp("9999-12-31T18:59:59-05:00"))
    True
    >>> in_calendar(parse_timestamp("9999-12-31T23:00:00-05:00"))
    False
    >>> in_calendar(parse_timestamp("0001-01-01T00:00:00+05:00"))
    False
    """
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def utc_minute(moment: datetime | None, layout: str = "%Y-%m-%d %H:%MZ") -> str:
    """A time as text, by default to the minute, in UTC whatever offset it was given
    with (``--at 2026-06-01T16:00:00+02:00`` starts at 14:00Z); ``""`` for none.

    >>> from datetime import timedelta, timezone
    >>> utc_minute(datetime(2026, 6, 1, 16, tzinfo=timezone(timedelta(hours=2))))
    '2026-06-01 14:00Z'
    >>> utc_minute(datetime(2026, 6, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), "%m-%d %H:%M")
    '05-31 22:30'

    The year always has four digits: glibc's ``%Y`` writes year 1 as ``1``, a date that
    reads as a month and a day.

    >>> utc_minute(datetime(1, 1, 1, tzinfo=UTC))
    '0001-01-01 00:00Z'
    """
    if moment is None:
        return ""
    utc = moment.astimezone(UTC)
    return utc.strftime(layout.replace("%Y", f"{utc.year:04d}"))


def utc_seconds(moment: datetime) -> str:
    """A time in a message: ISO-8601 in UTC, whole seconds, ``Z`` (the microseconds and
    ``+00:00`` of ``isoformat()`` are noise to a reader).

    >>> utc_seconds(datetime(2026, 12, 4, 19, 4, 56, 114917, tzinfo=UTC))
    '2026-12-04T19:04:56Z'
    """
    return utc_minute(moment, "%Y-%m-%dT%H:%M:%SZ")


def _add_months(moment: datetime, months: int) -> datetime:
    if not months:
        return moment
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
