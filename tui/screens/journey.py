"""The journey screen: the step graph as a tree, findings beside their steps.

On a served workspace (``--url``) it also shows the journey's audit log and offers
the lifecycle actions: publish, pause, resume, archive and bump (a new draft from the
latest version). Their keys are disabled for viewers; when the API refuses an action
(a draft with errors, a transition the status does not allow), its error is the
notification. A project folder has neither, and its screen does not offer them.

A tree line does not wrap: when the line under the cursor is wider than the tree (a
finding's message at 80 columns), it is also shown whole, wrapped, below the tree.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static, Tree
from textual.widgets.tree import TreeNode

from simulator.wording import counted
from tui.backend import JourneyDetail
from tui.describe import goal_window
from tui.widgets import KeyFooter, StepTree

__all__ = ["JourneyScreen"]


class JourneyScreen(Screen):
    """One journey: what it is, its steps as a tree, and what validation says."""

    AUTO_FOCUS = "#steps"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dry_run", "Dry-run"),
        Binding("e", "runtime", "Runtime"),
        Binding("p", "lifecycle('publish')", "Publish"),
        Binding("z", "lifecycle('pause')", "Pause"),
        Binding("u", "lifecycle('resume')", "Resume"),
        Binding("x", "lifecycle('archive')", "Archive"),
        Binding("b", "lifecycle('bump')", "Bump"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, detail: JourneyDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="journey-summary")
        yield StepTree(self.detail, id="steps")
        yield Static(id="whole-line")
        if self.app.backend_info.lifecycle:
            yield Label("audit log (newest first)", id="audit-label")
            yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = self.detail.summary.name
        self.sub_title = self.detail.summary.id
        if self.app.backend_info.lifecycle:
            audit = self.query_one("#audit", DataTable)
            audit.add_columns("time", "actor", "action", "details")
            self._show_audit()
        self.call_after_refresh(self._show_whole_line)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show_whole_line(event.node)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._show_whole_line)

    def _show_whole_line(self, node: TreeNode | None = None) -> None:
        """The cursor's line whole below the tree, when the tree's edge cuts it."""
        tree = self.query_one(StepTree)
        node = node or tree.cursor_node
        line = self.query_one("#whole-line", Static)
        line.display = node is not None and _is_cut(tree, node)
        if line.display:
            line.update(node.label)

    def _show_audit(self) -> None:
        entries = self.app.call_backend(self.app.backend.audit, self.detail.summary.id)
        table = self.query_one("#audit", DataTable)
        table.clear()
        for entry in entries or []:
            details = ", ".join(f"{k}={v}" for k, v in sorted(entry.metadata.items()))
            cells = (entry.timestamp, entry.actor, entry.action, details)
            table.add_row(*map(Text, cells))  # Text: a str cell would be read as markup

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Lifecycle keys: hidden without a lifecycle, disabled for viewers; the runtime
        key: hidden without a runtime."""
        info = self.app.backend_info
        if action == "runtime":
            return info.runtime
        if action != "lifecycle":
            return True
        if not info.lifecycle:
            return False
        return True if info.can_write else None

    def action_lifecycle(self, action: str) -> None:
        journey_id = self.detail.summary.id
        said = self.app.call_backend(self.app.backend.transition, journey_id, action)
        if said is None:
            return
        self.notify(said, markup=False)
        detail = self.app.call_backend(self.app.backend.journey, journey_id)
        if detail is not None:
            self.detail = detail
            self.query_one("#journey-summary", Static).update(self._summary())
            tree = self.query_one(StepTree)
            tree.detail = detail
            tree.build()
            self.call_after_refresh(self._show_whole_line)
        self._show_audit()

    def _summary(self) -> Text:
        s = self.detail.summary
        journey = self.detail.journey
        text = Text(f"{s.id}", style="bold")
        text.append(f" · {s.status} · {s.version_label} · {counted(s.steps, 'step')} · ")
        text.append(counted(s.errors, "error"), style="bold red" if s.errors else "")
        text.append(" · ")
        text.append(counted(s.warnings, "warning"), style="yellow" if s.warnings else "")
        if journey is not None:
            goal = journey.goal_event_name
            text.append(f"\naudience {journey.audience_id or '(everyone)'}")
            text.append(f" · trigger {journey.trigger_contract_id or '(manual)'}")
            if goal:
                window = goal_window(journey.goal_event_window_days, self._default_window())
                text.append(f" · goal {goal} {window}")
        return text

    def _default_window(self) -> int | None:
        """The workspace's ``defaultGoalEventWindowDays``, when the backend says it (a
        workspace that does not load has none: the header then names the default
        without its number)."""
        return self.app.backend_info.default_goal_event_window_days

    def action_runtime(self) -> None:
        from tui.screens.runtime import RuntimeScreen

        if self.app.backend_info.runtime:
            self.app.push_screen(RuntimeScreen(self.detail.summary))

    def action_dry_run(self) -> None:
        self.app.open_dry_run(self.detail.summary.id)

    def action_back(self) -> None:
        self.app.pop_screen()


def _is_cut(tree: Tree, node: TreeNode) -> bool:
    """Whether ``node``'s line (its guides, then its label) is wider than ``tree``."""
    depth, parent = 0, node.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    width = depth * tree.guide_depth + tree.get_label_width(node)
    return width > tree.scrollable_content_region.width
