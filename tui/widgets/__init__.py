"""Widgets of the terminal UI: the step tree, the trace timeline and its detail pane."""

from tui.widgets.footer import KeyFooter
from tui.widgets.step_detail import StepDetail, step_detail
from tui.widgets.step_tree import StepTree
from tui.widgets.timeline import Timeline

__all__ = ["KeyFooter", "StepDetail", "StepTree", "Timeline", "step_detail"]
