"""Adaptive branches (SPEC §3.4): cold-start hashing, then Thompson sampling.

Each arm's posterior is ``Beta(goalEvents + 1, subjectsReached - goalEvents + 1)``.
While any arm has fewer than :data:`MIN_SAMPLE_FLOOR` subjects reached, assignment is
deterministic: ``fnv1a32(utf8(journeyId + "::" + stepId + "::" + endUserId)) % nArms``
(the same FNV-1a-32 as the holdout, salted with the journey and step so that one
subject does not land on "the first arm" of every test). After that one sample is
drawn per arm, in arm order, from a seeded ``random.Random``; the highest sample wins
(the earlier arm on a tie).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from simulator.engine.holdout import keyed_fnv1a32

__all__ = ["MIN_SAMPLE_FLOOR", "ArmChoice", "ArmReport", "ArmStats", "choose_arm", "cold_start_arm"]

MIN_SAMPLE_FLOOR = 200


@dataclass(frozen=True, slots=True)
class ArmStats:
    """What the store knows about one arm: subjects reached and goal events among them."""

    subjects_reached: int = 0
    goal_events: int = 0

    def __post_init__(self) -> None:
        if self.subjects_reached < 0 or not 0 <= self.goal_events <= self.subjects_reached:
            raise ValueError(
                f"arm statistics need 0 <= goalEvents <= subjectsReached, got "
                f"{self.goal_events} of {self.subjects_reached}"
            )

    @property
    def alpha(self) -> int:
        return self.goal_events + 1

    @property
    def beta(self) -> int:
        return self.subjects_reached - self.goal_events + 1

    @property
    def posterior_mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


@dataclass(frozen=True, slots=True)
class ArmReport:
    arm_id: str
    subjects_reached: int
    goal_events: int
    posterior_mean: float
    sample: float | None = None
    """The Thompson draw (``None`` in cold start)."""


@dataclass(frozen=True, slots=True)
class ArmChoice:
    mode: Literal["cold_start", "thompson"]
    arm_id: str
    index: int
    arms: tuple[ArmReport, ...]


def cold_start_arm(journey_id: str, step_id: str, end_user_id: str, n_arms: int) -> int:
    """The deterministic cold-start arm index.

    >>> cold_start_arm("j", "b", "usr_1", 2) == cold_start_arm("j", "b", "usr_1", 2)
    True
    """
    return keyed_fnv1a32(f"{journey_id}::{step_id}::", end_user_id) % n_arms


def choose_arm(
    arm_ids: Sequence[str],
    stats: Mapping[str, ArmStats] | None,
    *,
    journey_id: str,
    step_id: str,
    end_user_id: str,
    rng: random.Random | Callable[[], random.Random],
) -> ArmChoice:
    """Pick an arm; ``stats`` missing an arm means that arm has reached nobody yet.

    ``rng`` may be a factory: it is then called only when sampling is needed (seeding a
    generator costs more than a cold-start assignment).

    >>> import random
    >>> stats = {"a": ArmStats(1240, 89), "b": ArmStats(1187, 54)}
    >>> choice = choose_arm(["a", "b"], stats, journey_id="j", step_id="s",
    ...                     end_user_id="u", rng=random.Random(1))
    >>> choice.mode, [round(a.posterior_mean, 4) for a in choice.arms]
    ('thompson', [0.0725, 0.0463])
    """
    if not arm_ids:
        raise ValueError("an adaptive branch needs at least one arm")
    stats = stats or {}
    arm_stats = [stats.get(arm_id, _UNREACHED) for arm_id in arm_ids]
    if any(s.subjects_reached < MIN_SAMPLE_FLOOR for s in arm_stats):
        index = cold_start_arm(journey_id, step_id, end_user_id, len(arm_ids))
        reports = tuple(_report(a, s) for a, s in zip(arm_ids, arm_stats, strict=True))
        return ArmChoice("cold_start", arm_ids[index], index, reports)
    draw = rng if isinstance(rng, random.Random) else rng()
    samples = [draw.betavariate(s.alpha, s.beta) for s in arm_stats]
    index = max(range(len(samples)), key=lambda i: (samples[i], -i))
    reports = tuple(
        _report(a, s, sample) for a, s, sample in zip(arm_ids, arm_stats, samples, strict=True)
    )
    return ArmChoice("thompson", arm_ids[index], index, reports)


_UNREACHED = ArmStats()
"""The statistics of an arm the store knows nothing of (frozen: one serves every arm)."""


def _report(arm_id: str, stats: ArmStats, sample: float | None = None) -> ArmReport:
    return ArmReport(
        arm_id, stats.subjects_reached, stats.goal_events, stats.posterior_mean, sample
    )
