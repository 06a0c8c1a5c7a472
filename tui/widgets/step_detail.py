"""The detail pane of a timeline row: everything the trace says about that step.

For the entry row: the subject (the trace's masked attributes, never the raw ones),
the trigger, the entry gates, the audience leaves and the outcome. For a step: its
gates (passed, failed or overridden), the rendered message (masked) with its missing
variables, the branch's rules or arms (counts, posterior means, draws, the chosen
arm), the wait and what resumed it, the webhook request, and where it went next.
"""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.durations import utc_minute
from simulator.engine.timeline import excerpt, read_leaf
from simulator.engine.trace import Trace, TraceBranch, TraceGate, TraceStep, TraceWait
from tui.widgets.timeline import DECISION_STYLES

__all__ = ["StepDetail", "step_detail"]


def _mark(holds: bool) -> Text:
    """A leaf's mark: whether it counts for its predicate's match (see ``read_leaf``)."""
    return Text("✓ ", "green") if holds else Text("✗ ", "red")


def _title(label: str) -> Text:
    return Text(label, style="bold underline")


def _decision(decision: str, reason: str | None) -> Text:
    text = Text(decision, style=DECISION_STYLES.get(decision, "bold"))
    if reason:
        text.append(f" ({reason})", style="dim")
    return text


def _gates(gates: list[TraceGate]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column("mark", no_wrap=True)
    table.add_column("gate", no_wrap=True)
    table.add_column("detail")
    for gate in gates:
        if gate.overridden:
            mark = Text("⤼ overridden", style="magenta")
        elif gate.passed:
            mark = Text("✓ passed", style="green")
        else:
            mark = Text("✗ failed", style="red")
        detail = gate.detail or (gate.reason.value if gate.reason else "")
        table.add_row(mark, gate.gate.value, Text(detail, style="dim"))
    return table


def step_detail(trace: Trace, index: int) -> RenderableType:
    """The pane for row ``index`` (0: the entry; ``n``: the trace's step ``n - 1``)."""
    if index <= 0 or index > len(trace.steps):
        return _entry(trace)
    return _step(trace.steps[index - 1])


def _entry(trace: Trace) -> RenderableType:
    version = "draft" if trace.version == "draft" else f"v{trace.version}"
    kind = "synthetic subject" if trace.subject.synthetic else "subject"
    head = Text(f"{trace.journey_id} ({version})", style="bold")
    head.append(
        f"\n{kind} {trace.subject.id} · start {utc_minute(trace.started_at)} · seed {trace.seed}"
    )
    if trace.overrides_applied:
        applied = ", ".join(o.value for o in trace.overrides_applied)
        head.append(f"\noverrides applied: {applied}", style="magenta")
    parts: list[RenderableType] = [head, Text()]
    parts += [_title("entry"), _decision(trace.entry.decision.value, _reason(trace.entry.reason))]
    parts.append(_gates(trace.entry.gates))
    audience = trace.entry.audience
    if audience is not None:
        parts.append(Text(f"audience {audience.segment_id}:", style="bold"))
        for leaf in audience.leaves:
            holds, label = read_leaf(leaf)
            parts.append(_mark(holds) + Text(f"{label}  ({leaf.path or '/'})"))
    trigger = trace.trigger
    if trigger.event_name:
        line = Text(f"\ntrigger {trigger.event_name} at {utc_minute(trigger.at)}")
        if trigger.injected:
            line.append(" (added by the dry-run)", style="dim")
        parts.append(line)
    parts += [Text(), _title("subject attributes (masked)")]
    parts.append(Text(json.dumps(trace.subject.attributes, ensure_ascii=False, sort_keys=True)))
    parts += [Text(), _title("outcome"), _outcome(trace)]
    return Group(*parts)


def _reason(reason) -> str | None:
    return reason.value if reason is not None else None


def _outcome(trace: Trace) -> Text:
    outcome = trace.outcome
    if outcome.exit_step_id:
        text = Text(f"exited at {outcome.exit_step_id} on {utc_minute(outcome.exited_at)}")
    else:
        text = Text("did not run to an exit")
    goal = outcome.goal
    if goal is not None:
        state = f"converted at {utc_minute(goal.at)}" if goal.converted else "not converted"
        text.append(f"\ngoal {goal.event_name} within {goal.window_days} days: {state}")
    for warning in trace.warnings:
        where = f" at {warning.step_id}" if warning.step_id else ""
        text.append(f"\nwarning {warning.code}{where}: {warning.message}", style="yellow")
    return text


def _step(step: TraceStep) -> RenderableType:
    head = Text(f"{step.step_id}", style="bold")
    head.append(f"  {step.type} at {utc_minute(step.at)}  ")
    head.append_text(_decision(step.decision.value, _reason(step.reason)))
    parts: list[RenderableType] = [head]
    if step.message:
        parts.append(Text(step.message))
    if step.gates:
        parts += [_title("gates"), _gates(step.gates)]
    if step.deferred_until is not None:
        parts.append(Text(f"deferred until {utc_minute(step.deferred_until)}", style="cyan"))
    if step.send is not None:
        parts += _send(step)
    if step.wait is not None:
        parts += [_title("wait"), _wait(step.wait)]
    if step.branch is not None:
        parts += [_title("branch"), *_branch(step.branch)]
    if step.webhook is not None:
        hook = step.webhook
        parts += [_title("webhook"), Text(f"{hook.method} {hook.url} (not called in a dry-run)")]
        if hook.body is not None:
            parts.append(Text(f"body: {excerpt(hook.body, 400)}"))
        if hook.missing_variables:
            parts.append(Text("missing variables: " + ", ".join(hook.missing_variables), "yellow"))
        if hook.error:
            parts.append(Text(f"template error: {hook.error}", style="red"))
    parts.append(Text(f"→ {step.next}" if step.next else "(no next step)", style="bold"))
    return Group(*parts)


def _send(step: TraceStep) -> list[RenderableType]:
    send = step.send
    assert send is not None
    parts: list[RenderableType] = [_title("message (masked)")]
    parts.append(
        Text(f"{send.channel.value} · {send.communication_id} v{send.communication_version}")
    )
    if send.rendered is not None:
        if send.rendered.subject_line is not None:
            parts.append(Text("subject: ", style="bold") + Text(send.rendered.subject_line))
        parts.append(Text("body: ", style="bold") + Text(excerpt(send.rendered.body, 600)))
    elif step.decision.value != "executed":
        parts.append(Text("not rendered: the send did not go out", style="dim"))
    if send.missing_variables:
        names = ", ".join(send.missing_variables)
        parts.append(Text(f"missing variables: {names}", style="yellow"))
    elif send.rendered is not None:
        parts.append(Text("missing variables: none", style="dim"))
    if send.error:
        parts.append(Text(f"template error: {send.error}", style="red"))
    return parts


def _wait(wait: TraceWait) -> Text:
    text = Text(f"{wait.kind.replace('_', ' ')}")
    if wait.duration:
        text.append(f" {wait.duration}")
    if wait.event_name:
        text.append(f" for {wait.event_name}")
    if wait.timeout_at is not None:
        text.append(f", timeout at {utc_minute(wait.timeout_at)}")
    text.append(f"\nresumed by {wait.resumed_by} at {utc_minute(wait.until)}", style="bold")
    return text


def _branch(branch: TraceBranch) -> list[RenderableType]:
    if branch.mode == "conditional":
        parts: list[RenderableType] = []
        for rule in branch.rules or []:
            state = Text("matched", "green") if rule.matched else Text("no match", "dim")
            parts.append(Text(f"rule {rule.index}: ") + state)
            for leaf in rule.leaves:
                holds, label = read_leaf(leaf)
                parts.append(Text("  ") + _mark(holds) + Text(label))
        if branch.rule_index is None:
            parts.append(Text("no rule matched: the default was taken", style="bold"))
        else:
            parts.append(Text(f"rule {branch.rule_index} decided", style="bold"))
        return parts
    table = Table(box=None, pad_edge=False, expand=False)
    for column in ("arm", "reached", "goals", "posterior mean", "draw"):
        table.add_column(column, no_wrap=True)
    for arm in branch.arms or []:
        chosen = arm.arm_id == branch.chosen_arm_id
        table.add_row(
            Text(("▶ " if chosen else "  ") + arm.arm_id, style="bold green" if chosen else ""),
            str(arm.subjects_reached),
            str(arm.goal_events),
            f"{arm.posterior_mean:.4f}",
            "" if arm.sample is None else f"{arm.sample:.4f}",
        )
    head = Text(f"adaptive, {branch.selection}: chose arm {branch.chosen_arm_id}")
    return [head, table]


class StepDetail(VerticalScroll):
    """A scrollable pane showing :func:`step_detail`."""

    def compose(self):
        yield Static(id="detail-body")

    def show(self, trace: Trace | None, index: int) -> None:
        body = self.query_one("#detail-body", Static)
        if trace is None:
            body.update(Text("no trace yet: press r to run the dry-run", style="dim"))
            return
        body.update(step_detail(trace, index))
        self.scroll_home(animate=False)
