"""A trace as a readable timeline (the ``simulate --format text`` output).

Built only from the :class:`Trace`, which is already masked, so the text shows
nothing the JSON does not. :func:`timeline` returns a rich renderable (colours on a
terminal); :func:`format_timeline` returns plain text.
"""

from __future__ import annotations

import html
import io
import re

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from simulator.durations import utc_minute
from simulator.engine.trace import Trace, TraceBranch, TraceLeaf, TraceStep, TraceWait

__all__ = ["excerpt", "failing_leaves", "format_timeline", "read_leaf", "timeline"]

_STYLES = {
    "executed": "green",
    "entered": "green",
    "skipped": "yellow",
    "deferred": "cyan",
    "blocked": "red",
    "not_eligible": "red",
    "failed": "bold red",
}


def excerpt(body: str, limit: int = 160) -> str:
    """A body as one line of text: tags stripped, entities decoded, whitespace collapsed.

    >>> excerpt("<p>Hi A•••,</p>\\n<p>Thanks &amp; welcome</p>", 20)
    'Hi A•••, Thanks & w…'
    """
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline(trace: Trace) -> RenderableType:
    """The trace as a rich renderable: header, entry, one row per step, outcome."""
    parts: list[RenderableType] = [_header(trace), _entry(trace)]
    if trace.steps:
        table = Table(box=None, show_edge=False, pad_edge=False, expand=False)
        table.add_column("time (UTC)", no_wrap=True)
        table.add_column("step", no_wrap=True)
        table.add_column("decision", no_wrap=True)
        table.add_column("details")
        for step in trace.steps:
            decision = Text(step.decision.value, style=_STYLES.get(step.decision.value, ""))
            if step.reason:
                decision.append(f"\n{step.reason.value}", style="dim")
            where = f"{step.step_id}\n{step.type}"
            table.add_row(utc_minute(step.at), where, decision, _details(step))
        parts.append(table)
    parts.append(_outcome(trace))
    return Group(*parts)


def format_timeline(trace: Trace, width: int = 120) -> str:
    """The timeline as plain text, ``width`` columns at most, without the spaces rich pads
    table cells with at the end of lines (piped into a file or a diff, they are noise)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(timeline(trace))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _header(trace: Trace) -> Text:
    version = "draft" if trace.version == "draft" else f"v{trace.version}"
    kind = "synthetic subject" if trace.subject.synthetic else "subject"
    text = Text(f"{trace.journey_id} ({version})", style="bold")
    text.append(f" · {kind} {trace.subject.id} · start {utc_minute(trace.started_at)}")
    text.append(f" · seed {trace.seed}")
    if trace.overrides_applied:
        overrides = ", ".join(o.value for o in trace.overrides_applied)
        text.append(f"\noverrides: {overrides}", style="magenta")
    if trace.trigger.event_name:
        text.append(f"\ntrigger: {trace.trigger.event_name}")
        if trace.trigger.at:
            text.append(f" at {utc_minute(trace.trigger.at)}")
        if trace.trigger.injected:
            text.append(" (added by the dry-run: the subject had no such event)", style="dim")
    return text


def _entry(trace: Trace) -> Text:
    entry = trace.entry
    text = Text("entry: ")
    text.append(entry.decision.value, style=_STYLES.get(entry.decision.value, ""))
    if entry.reason:
        text.append(f" ({entry.reason.value})")
    for gate in entry.gates:
        mark = "✓" if gate.passed else ("overridden" if gate.overridden else "✗")
        text.append(f" · {gate.gate.value} {mark}")
        if gate.detail:
            text.append(f" [{gate.detail}]", style="dim")
    audience = entry.audience
    if audience is not None and not audience.matched:
        for leaf in failing_leaves(audience.leaves):
            # "" is the audience itself: a single leaf, no pointer into it to show
            where = f"at {leaf.path}" if leaf.path else "the whole audience"
            text.append(f"\n  audience leaf failed: {read_leaf(leaf)[1]} ({where})", style="red")
    return text


def failing_leaves(leaves: list[TraceLeaf]) -> list[TraceLeaf]:
    """The leaves that count against a match: false ones, and true ones under an odd
    number of ``not`` (a ``not``'s operand sits at ``.../of`` with no index after it).

    >>> a = TraceLeaf(path="/of/0", kind="attribute", label="plan eq pro", result=False)
    >>> b = TraceLeaf(path="/of/1/of", kind="in_segment", label="in_segment s", result=True)
    >>> [leaf.label for leaf in failing_leaves([a, b])]
    ['plan eq pro', 'in_segment s']
    """
    return [leaf for leaf in leaves if not read_leaf(leaf)[0]]


def read_leaf(leaf: TraceLeaf) -> tuple[bool, str]:
    """``(holds, label)``: whether ``leaf`` counts for its predicate's match, and its
    label as it then reads. A leaf under an odd number of ``not`` counts for the match
    when it is false, and reads ``not …``: an audience that excludes testers shows
    ``✓ not in_segment testers`` for a subject who is none, not ``✗ in_segment testers``.

    >>> read_leaf(TraceLeaf(path="/of/1/of", kind="in_segment", label="in_segment s", result=False))
    (True, 'not in_segment s')
    >>> read_leaf(TraceLeaf(path="/of/0", kind="attribute", label="plan eq pro", result=False))
    (False, 'plan eq pro')
    """
    if _negated(leaf.path):
        return not leaf.result, f"not {leaf.label}"
    return leaf.result, leaf.label


def _negated(path: str) -> bool:
    parts = path.split("/")
    nots = sum(
        1
        for i, part in enumerate(parts)
        if part == "of" and not (i + 1 < len(parts) and parts[i + 1].isdigit())
    )
    return nots % 2 == 1


def _details(step: TraceStep) -> Text:
    lines: list[str] = []
    if step.send is not None:
        send = step.send
        lines.append(
            f"{send.channel.value} · {send.communication_id} v{send.communication_version}"
        )
        for gate in step.gates or []:
            if not gate.passed:
                state = "overridden" if gate.overridden else "failed"
                lines.append(f"gate {gate.gate.value} {state}: {gate.detail or ''}".rstrip(": "))
        if step.deferred_until is not None:
            lines.append(f"deferred until {utc_minute(step.deferred_until)}")
        if send.rendered is not None:
            if send.rendered.subject_line is not None:
                lines.append(f"subject: {send.rendered.subject_line}")
            lines.append(f"body: {excerpt(send.rendered.body)}")
        if send.missing_variables:
            lines.append("missing variables: " + ", ".join(send.missing_variables))
        if send.error:
            lines.append(f"template error: {send.error}")
    if step.wait is not None:
        lines.append(_wait(step.wait))
    if step.branch is not None:
        lines.extend(_branch(step.branch))
    if step.webhook is not None:
        hook = step.webhook
        lines.append(f"{hook.method} {hook.url} (not called in a dry-run)")
        if hook.body is not None:
            lines.append(f"body: {excerpt(hook.body)}")
        if hook.error:
            lines.append(f"template error: {hook.error}")
    if step.message:
        lines.append(step.message)
    if step.next:
        lines.append(f"→ {step.next}")
    return Text("\n".join(lines))


def _wait(wait: TraceWait) -> str:
    if wait.kind == "until_event":
        if wait.resumed_by == "event":
            return f"{wait.event_name} arrived at {utc_minute(wait.until)}"
        return f"no {wait.event_name} by {utc_minute(wait.timeout_at)}: timed out"
    length = f"{wait.duration} " if wait.duration else ""
    return f"waits {length}until {utc_minute(wait.until)}"


def _marked(holds: bool, label: str) -> str:
    return f"{label} {'✓' if holds else '✗'}"


def _branch(branch: TraceBranch) -> list[str]:
    if branch.mode == "conditional":
        lines = []
        for rule in branch.rules or []:
            leaves = "; ".join(_marked(*read_leaf(leaf)) for leaf in rule.leaves)
            lines.append(f"rule {rule.index} {'matched' if rule.matched else 'no match'}: {leaves}")
        if branch.rule_index is None:
            lines.append("no rule matched: default")
        return lines
    arms = ", ".join(
        f"{arm.arm_id} {arm.goal_events}/{arm.subjects_reached} mean {arm.posterior_mean:.4f}"
        + (f" draw {arm.sample:.4f}" if arm.sample is not None else "")
        for arm in branch.arms or []
    )
    return [f"{branch.selection}: arm {branch.chosen_arm_id} ({arms})"]


def _outcome(trace: Trace) -> Text:
    outcome = trace.outcome
    text = Text("outcome: ")
    if outcome.exit_step_id:
        text.append(f"exited at {outcome.exit_step_id} on {utc_minute(outcome.exited_at)}")
    else:
        text.append("did not run to an exit")
    goal = outcome.goal
    if goal is not None:
        state = f"converted at {utc_minute(goal.at)}" if goal.converted else "not converted"
        text.append(f" · goal {goal.event_name} within {goal.window_days} days: {state}")
    for warning in trace.warnings:
        where = f" at {warning.step_id}" if warning.step_id else ""
        text.append(f"\nwarning {warning.code}{where}: {warning.message}", style="yellow")
    return text
