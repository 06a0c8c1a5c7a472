"""Calibrated impact (SPEC §5): triggered and converted counts of the exposed and the
holdout cohorts, their conversion rates, the lift, and a 30-day trend.

* **exposed**: triggered, not in the holdout, and an execution started;
  **holdout**: triggered and held out (no execution).
* A subject **converts** when its goal event happens within the journey's goal window
  counted from the execution start (exposed) or the trigger time (holdout), both ends
  inclusive (:func:`converts`), the same window the dry-run reports.
* An adaptive arm's ``goalEvents`` count by the same window: a goal event counts for
  an arm when it is in the window and at or after the subject reached the arm
  (:func:`credits_arm`); one that happened before could not have been caused by it.
* ``lift = (exposureRate - holdoutRate) / holdoutRate`` from the exact counts (not from
  the rounded rates), ``None`` when the holdout rate is 0; rates and lift are rounded to
  4 places. ``underpowered`` when either cohort has fewer than 100 triggered.
* ``dailyTrend`` holds :data:`TREND_DAYS` buckets, oldest first, ending on the clock's
  current UTC day; each counts the subjects triggered that day (and those of them who
  converted, whenever they did), in the same shape as the totals. The totals cover all
  time, not only the trend's 30 days.

The input is per-day counts, so the runtime keeps only anonymous aggregates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "TREND_DAYS",
    "UNDERPOWERED_BELOW",
    "CohortCounts",
    "ImpactReport",
    "calibrated_impact",
    "converts",
    "credits_arm",
]

TREND_DAYS = 30
UNDERPOWERED_BELOW = 100
_PLACES = 4


@dataclass(frozen=True, slots=True)
class CohortCounts:
    """Triggered and converted subjects of one day (or of all time), per cohort."""

    exposed: int = 0
    holdout: int = 0
    exposed_converted: int = 0
    holdout_converted: int = 0

    def __add__(self, other: CohortCounts) -> CohortCounts:
        return CohortCounts(
            self.exposed + other.exposed,
            self.holdout + other.holdout,
            self.exposed_converted + other.exposed_converted,
            self.holdout_converted + other.holdout_converted,
        )

    def to_wire(self) -> dict[str, dict[str, int]]:
        return {
            "triggered": {"exposed": self.exposed, "holdout": self.holdout},
            "converted": {"exposed": self.exposed_converted, "holdout": self.holdout_converted},
        }


@dataclass(frozen=True, slots=True)
class ImpactReport:
    totals: CohortCounts
    exposure_rate: float
    holdout_rate: float
    lift: float | None
    underpowered: bool
    daily_trend: tuple[tuple[date, CohortCounts], ...]

    def to_wire(self) -> dict[str, object]:
        return {
            **self.totals.to_wire(),
            "exposureRate": self.exposure_rate,
            "holdoutRate": self.holdout_rate,
            "lift": self.lift,
            "underpowered": self.underpowered,
            "dailyTrend": [{"date": d.isoformat(), **c.to_wire()} for d, c in self.daily_trend],
        }


def converts(start: datetime, goal_at: datetime, window_days: int) -> bool:
    """Whether a goal event at ``goal_at`` counts for a subject whose window opened at
    ``start`` (execution start or trigger time), both ends inclusive.

    >>> from datetime import UTC
    >>> t = datetime(2026, 6, 1, tzinfo=UTC)
    >>> converts(t, t + timedelta(days=7), 7), converts(t, t + timedelta(days=7, seconds=1), 7)
    (True, False)
    """
    # the distance, not start + window: a window reaching past year 9999 has an end
    return start <= goal_at and goal_at - start <= timedelta(days=window_days)


def credits_arm(start: datetime, reached_at: datetime, goal_at: datetime, window_days: int) -> bool:
    """Whether a goal event at ``goal_at`` counts for an adaptive arm the subject reached
    at ``reached_at``, in an execution whose window opened at ``start``: inside the
    window (:func:`converts`) and at or after the arm was reached, whenever either was
    recorded.

    >>> from datetime import UTC
    >>> t = datetime(2026, 6, 1, tzinfo=UTC)
    >>> arm = t + timedelta(days=2)
    >>> [credits_arm(t, arm, t + timedelta(days=d), 7) for d in (1, 2, 7, 8)]
    [False, True, True, False]
    """
    return reached_at <= goal_at and converts(start, goal_at, window_days)


def calibrated_impact(days: Mapping[date, CohortCounts], today: date) -> ImpactReport:
    """The report from per-day counts (keyed by trigger day, UTC).

    >>> report = calibrated_impact(
    ...     {date(2026, 6, 1): CohortCounts(4500, 240, 312, 9)}, date(2026, 6, 1))
    >>> report.exposure_rate, report.holdout_rate, report.lift, report.underpowered
    (0.0693, 0.0375, 0.8489, False)
    """
    totals = sum(days.values(), CohortCounts())
    exposure = totals.exposed_converted / totals.exposed if totals.exposed else 0.0
    holdout = totals.holdout_converted / totals.holdout if totals.holdout else 0.0
    lift = round((exposure - holdout) / holdout, _PLACES) if holdout else None
    first = today - timedelta(days=TREND_DAYS - 1)
    trend = tuple(
        (day, days.get(day, CohortCounts()))
        for day in (first + timedelta(days=i) for i in range(TREND_DAYS))
    )
    return ImpactReport(
        totals=totals,
        exposure_rate=round(exposure, _PLACES),
        holdout_rate=round(holdout, _PLACES),
        lift=lift,
        underpowered=min(totals.exposed, totals.holdout) < UNDERPOWERED_BELOW,
        daily_trend=trend,
    )
