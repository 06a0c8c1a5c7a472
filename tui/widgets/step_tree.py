"""The journey's step graph as a tree, with validation findings on their steps.

A journey is a DAG, so a step reached along two paths would be drawn twice: the
tree draws each step once, where the walk from the entry step first meets it, and
shows later arrivals as a leaf ``→ step-id (above)``. Steps the entry cannot reach
are listed under ``unreachable``; findings without a step are listed first.

The tree opens :data:`OPEN_DEPTH` levels deep; deeper nodes start collapsed and open
by hand (space). Each branch is a level, so a journey of thousands of branches is
thousands of levels: opened whole, Textual's tree (which expands and lays out its
open nodes recursively) would exhaust the recursion limit.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from simulator.codes import Severity
from simulator.findings import Finding
from tui.backend import JourneyDetail
from tui.describe import describe_step, steps_by_id, successors

__all__ = ["OPEN_DEPTH", "StepTree"]

OPEN_DEPTH = 16
"""How many levels of the tree are open when it is built, the root's included."""

_TYPE_STYLES = {
    "send": "bold cyan",
    "wait": "bold magenta",
    "branch": "bold yellow",
    "webhook": "bold blue",
    "exit": "bold green",
}


def finding_text(finding: Finding, own_file: str | None = None) -> Text:
    """A finding as one line; its place is ``(line:column)`` in the journey's own file
    (``own_file``), ``(file:line:column)`` in another one (the workspace, a segment the
    journey uses), which would otherwise read as a line of the journey."""
    style = "red" if finding.severity is Severity.ERROR else "yellow"
    source = finding.source
    where = ""
    if source is not None:
        written = Path(own_file).as_posix() if own_file is not None else None
        own = written is not None and (
            written == source.file or written.endswith(f"/{source.file}")
        )
        where = f" ({'' if own else f'{source.file}:'}{source.line}:{source.column})"
    text = Text(f"{finding.severity.value} {finding.code.value}", style=f"bold {style}")
    text.append(f"{where}: {finding.message}", style=style)
    return text


class StepTree(Tree[str]):
    """The tree of one journey's steps; a node's data is its step id (or ``None``)."""

    def __init__(self, detail: JourneyDetail, **kwargs) -> None:
        super().__init__(Text(detail.summary.id, style="bold"), **kwargs)
        self.detail = detail
        self.show_root = True
        self.guide_depth = 3

    def on_mount(self) -> None:
        self.build()

    def build(self) -> None:
        self.clear()
        detail = self.detail
        by_step: dict[str, list[Finding]] = {}
        general: list[Finding] = []
        for finding in detail.findings:
            (by_step.setdefault(finding.step_id, []) if finding.step_id else general).append(
                finding
            )
        for finding in general:
            self.root.add_leaf(finding_text(finding, detail.summary.file))
        journey = detail.journey
        if journey is None:
            self.root.add_leaf(Text("the file does not parse as a journey", style="red"))
            self.root.expand()
            return
        steps = steps_by_id(journey)
        drawn: set[str] = set()
        if journey.steps:
            self._add(self.root, journey.steps[0].id, "", steps, by_step, drawn)
        rest = [s.id for s in journey.steps if s.id not in drawn]
        if rest:
            group = self.root.add(Text("unreachable", style="yellow"))
            for step_id in rest:
                self._add(group, step_id, "", steps, by_step, drawn)
        _open(self.root, OPEN_DEPTH)

    def _add(self, parent: TreeNode, step_id: str, via: str, steps, by_step, drawn) -> None:
        # Iterative: a 10,000-step chain must not exhaust the recursion limit.
        entry_id = step_id if parent is self.root else None
        stack = [(parent, step_id, via)]
        while stack:
            node_parent, current, label = stack.pop()
            prefix = Text(f"{label} → ", style="dim") if label else Text()
            step = steps.get(current)
            if step is None:
                missing = prefix + Text(f"{current} (no such step)", style="red")
                node_parent.add_leaf(missing)
                continue
            if current in drawn:
                node_parent.add_leaf(prefix + Text(f"{current} (above)", style="dim"), current)
                continue
            drawn.add(current)
            text = prefix + Text(current, style=_TYPE_STYLES.get(step.type, "bold"))
            if current == entry_id:
                text.append(" (entry)", style="dim")
            text.append(f"  {describe_step(step, dict(self.detail.channels))}")
            ways = successors(step)
            notes = by_step.get(current, [])
            # A single "next" continues at the depth where its chain started (a list),
            # so the steps of a branch's arm sit under that arm, not beside the others.
            chain = len(ways) == 1 and ways[0][0] == "next"
            arm_start = bool(label)
            if notes or (ways and not chain) or (chain and arm_start):
                node = node_parent.add(text, current)
                for finding in notes:
                    node.add_leaf(finding_text(finding, self.detail.summary.file))
            else:
                node = node_parent.add_leaf(text, current)
            if chain:
                stack.append((node if arm_start else node_parent, ways[0][1], ""))
            else:
                stack.extend((node, target, way) for way, target in reversed(ways))


def _open(root: TreeNode, depth: int) -> None:
    """Expand ``root`` and the nodes fewer than ``depth`` levels below it, a level at a
    time (``TreeNode.expand_all`` recurses once per level)."""
    level = [root]
    for _ in range(depth):
        level = [child for node in level if node.allow_expand for child in node.expand().children]
