"""Step stats (SPEC §5, the canvas badges): executed / skipped / failed per step, with
skipped broken down by reason.

A blocked send (suppression, opt-out) counts as skipped with its reason, as the issue
of the runtime and the hosted product's badges do; a deferred send counts nothing until
it is decided. Steps nobody reached are listed with zeros, in the journey's order, so
the canvas can draw a badge on every step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["StepCounts", "step_stats"]

_COUNTED = {"executed": "executed", "skipped": "skipped", "blocked": "skipped", "failed": "failed"}


@dataclass(frozen=True, slots=True)
class StepCounts:
    step_id: str
    type: str
    executed: int = 0
    skipped: int = 0
    failed: int = 0
    skipped_by_reason: Mapping[str, int] = field(default_factory=dict)

    def to_wire(self) -> dict[str, object]:
        return {
            "stepId": self.step_id,
            "type": self.type,
            "executed": self.executed,
            "skipped": self.skipped,
            "failed": self.failed,
            "skippedByReason": dict(sorted(self.skipped_by_reason.items())),
        }


def step_stats(
    steps: Iterable[tuple[str, str]], counts: Mapping[tuple[str, str, str | None], int]
) -> list[StepCounts]:
    """Rows for ``steps`` (``(stepId, type)`` in journey order) from counts keyed by
    ``(stepId, decision, reason)``; decisions other than executed / skipped / blocked /
    failed (``deferred``) are not outcomes and are ignored.

    >>> rows = step_stats([("s1", "send")], {("s1", "executed", None): 3,
    ...                   ("s1", "blocked", "opt_out"): 1, ("s1", "deferred", "quiet_hours"): 2})
    >>> row = rows[0]
    >>> row.executed, row.skipped, row.failed, dict(row.skipped_by_reason)
    (3, 1, 0, {'opt_out': 1})
    """
    totals: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, int]] = {}
    for (step_id, decision, reason), n in counts.items():
        outcome = _COUNTED.get(decision)
        if outcome is None:
            continue
        per_step = totals.setdefault(step_id, {})
        per_step[outcome] = per_step.get(outcome, 0) + n
        if outcome == "skipped":
            by_reason = reasons.setdefault(step_id, {})
            key = reason or "unspecified"
            by_reason[key] = by_reason.get(key, 0) + n
    return [
        StepCounts(
            step_id=step_id,
            type=kind,
            executed=totals.get(step_id, {}).get("executed", 0),
            skipped=totals.get(step_id, {}).get("skipped", 0),
            failed=totals.get(step_id, {}).get("failed", 0),
            skipped_by_reason=reasons.get(step_id, {}),
        )
        for step_id, kind in steps
    ]
