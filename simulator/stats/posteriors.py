"""Branch performance (SPEC §5): per adaptive arm, reach, goal events, rate and the
equal-tailed 95% credible interval of its ``Beta(1 + g, 1 + n - g)`` posterior.

The posterior is the bandit's own (:class:`~simulator.engine.bandit.ArmStats`), so the
interval shown is exactly the belief the Thompson draws sample from. Arms below the
min-sample floor (200 reached) are in cold start: they carry ``coldStart: true`` and no
interval, as the hosted product does. ``rate`` is the observed ``g / n`` (0 when
nothing was reached); rates and bounds are rounded to 4 places, the seed's precision.
scipy is imported on first use: it costs a third of a second and only stats need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.bandit import MIN_SAMPLE_FLOOR, ArmStats

__all__ = ["ArmPerformance", "arm_performance", "credible_interval_95"]

_PLACES = 4


@dataclass(frozen=True, slots=True)
class ArmPerformance:
    arm_id: str
    subjects_reached: int
    goal_events: int
    rate: float
    cold_start: bool
    credible_interval_95: tuple[float, float] | None

    def to_wire(self) -> dict[str, object]:
        """The seed's camelCase shape (``coldStart`` only when true, as the seed shows)."""
        out: dict[str, object] = {
            "armId": self.arm_id,
            "subjectsReached": self.subjects_reached,
            "goalEvents": self.goal_events,
            "rate": self.rate,
        }
        if self.cold_start:
            out["coldStart"] = True
        else:
            out["credibleInterval95"] = list(self.credible_interval_95 or ())
        return out


def credible_interval_95(stats: ArmStats) -> tuple[float, float]:
    """The equal-tailed 95% interval of ``Beta(1 + g, 1 + n - g)``, rounded to 4 places.

    >>> credible_interval_95(ArmStats(subjects_reached=1240, goal_events=89))
    (0.0587, 0.0875)
    """
    from scipy.stats import beta

    low, high = beta.ppf([0.025, 0.975], stats.alpha, stats.beta)
    return round(float(low), _PLACES), round(float(high), _PLACES)


def arm_performance(arm_id: str, stats: ArmStats) -> ArmPerformance:
    """One arm's row; cold start below :data:`MIN_SAMPLE_FLOOR` subjects reached.

    >>> arm_performance("a", ArmStats(199, 20)).to_wire()
    {'armId': 'a', 'subjectsReached': 199, 'goalEvents': 20, 'rate': 0.1005, 'coldStart': True}
    """
    n, g = stats.subjects_reached, stats.goal_events
    cold = n < MIN_SAMPLE_FLOOR
    return ArmPerformance(
        arm_id=arm_id,
        subjects_reached=n,
        goal_events=g,
        rate=round(g / n, _PLACES) if n else 0.0,
        cold_start=cold,
        credible_interval_95=None if cold else credible_interval_95(stats),
    )
