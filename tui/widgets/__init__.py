"""Widgets of the terminal UI: the step tree, the trace timeline and its detail pane.

Names are imported on first use (:mod:`simulator.lazy`): the journeys screen's footer
comes without the trace widgets (and the engine's trace model they read). The detail
pane's renderable alone is ``tui.widgets.step_detail.step_detail``."""

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
    from tui.widgets.footer import KeyFooter
    from tui.widgets.step_detail import StepDetail
    from tui.widgets.step_tree import StepTree
    from tui.widgets.timeline import Timeline

_HOMES = {
    "KeyFooter": "footer",
    "StepDetail": "step_detail",
    "StepTree": "step_tree",
    "Timeline": "timeline",
}

__all__ = ["KeyFooter", "StepDetail", "StepTree", "Timeline"]

__getattr__, __dir__ = _exports(__name__, _HOMES)
