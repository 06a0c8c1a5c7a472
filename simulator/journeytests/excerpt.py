"""A few lines of a trace around the step a failure is about. Pure presentation.

::

      2026-06-03 14:00Z  wait-2d           executed  wait P2D, resumed by elapsed → branch-a
    > 2026-06-03 14:00Z  branch-a          executed  default → offer-test
"""

from __future__ import annotations

from simulator.engine.trace import Trace, TraceStep, format_time

__all__ = ["entry_line", "excerpt", "step_line"]

_AROUND = 2


def entry_line(trace: Trace) -> str:
    """``entry: entered`` with the reason and the failed gates, if any."""
    entry = trace.entry
    reason = f" ({entry.reason.value})" if entry.reason else ""
    return f"entry: {entry.decision.value}{reason}"


def step_line(record: TraceStep, width: int = 18) -> str:
    when = format_time(record.at).replace("T", " ").replace(":00Z", "Z")
    reason = f" ({record.reason.value})" if record.reason else ""
    what = _summary(record)
    following = f" → {record.next}" if record.next else ""
    return f"{when}  {record.step_id:<{width}} {record.decision.value}{reason}  {what}{following}"


def _summary(record: TraceStep) -> str:
    if record.send is not None:
        text = f"{record.send.channel.value} {record.send.communication_id}"
        if record.deferred_until is not None:
            text += f", deferred until {format_time(record.deferred_until)}"
        return text
    if record.wait is not None:
        wait = record.wait
        length = f" {wait.duration}" if wait.duration else ""
        return f"wait{length}, resumed by {wait.resumed_by}"
    if record.branch is not None:
        branch = record.branch
        if branch.mode == "conditional":
            return "default" if branch.rule_index is None else f"rule {branch.rule_index}"
        return f"arm {branch.chosen_arm_id} ({branch.selection})"
    if record.webhook is not None:
        return f"{record.webhook.method} {record.webhook.url}"
    return record.type


def excerpt(trace: Trace, record: int | None) -> list[str]:
    """The trace lines around ``record`` (marked ``>``); the first lines when ``None``."""
    steps = trace.steps
    lines = [f"  {entry_line(trace)}"]
    if not steps:
        return lines
    width = max(len(r.step_id) for r in steps)
    if record is None:
        window = range(min(len(steps), 2 * _AROUND + 1))
    else:
        window = range(max(0, record - _AROUND), min(len(steps), record + _AROUND + 1))
    if window.start > 0:
        lines.append("  ...")
    for i in window:
        mark = ">" if i == record else " "
        lines.append(f"{mark} {step_line(steps[i], width)}")
    if window.stop < len(steps):
        lines.append("  ...")
    return lines
