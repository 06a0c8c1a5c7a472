"""Pure statistics of the runtime (SPEC §5 "Stats"): arm posteriors and their credible
intervals, calibrated impact from cohort counts, and per-step outcome counts.

Everything here works on counts, never on subjects: the runtime keeps these counts as
anonymous aggregates, so erasing a subject (GDPR) leaves every statistic unchanged.
"""

from simulator.stats.impact import (
    TREND_DAYS,
    UNDERPOWERED_BELOW,
    CohortCounts,
    ImpactReport,
    calibrated_impact,
    converts,
    credits_arm,
)
from simulator.stats.posteriors import (
    ArmPerformance,
    arm_performance,
    credible_interval_95,
)
from simulator.stats.steps import StepCounts, step_stats

__all__ = [
    "TREND_DAYS",
    "UNDERPOWERED_BELOW",
    "ArmPerformance",
    "CohortCounts",
    "ImpactReport",
    "StepCounts",
    "arm_performance",
    "calibrated_impact",
    "converts",
    "credible_interval_95",
    "credits_arm",
    "step_stats",
]
