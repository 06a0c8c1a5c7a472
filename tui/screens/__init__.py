"""The screens of the terminal UI, one module each.

Names are imported on first use (:mod:`simulator.lazy`): the journeys screen paints
without the modules of the screens behind it."""

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
    from tui.screens.compare import CompareScreen
    from tui.screens.dialogs import CommandDialog, ExportDialog
    from tui.screens.dryrun import DryRunScreen
    from tui.screens.help import HelpScreen
    from tui.screens.journey import JourneyScreen
    from tui.screens.journeys import JourneysScreen
    from tui.screens.runtime import RuntimeScreen

_HOMES = {
    "CommandDialog": "dialogs",
    "CompareScreen": "compare",
    "DryRunScreen": "dryrun",
    "ExportDialog": "dialogs",
    "HelpScreen": "help",
    "JourneyScreen": "journey",
    "JourneysScreen": "journeys",
    "RuntimeScreen": "runtime",
}

__all__ = [
    "CommandDialog",
    "CompareScreen",
    "DryRunScreen",
    "ExportDialog",
    "HelpScreen",
    "JourneyScreen",
    "JourneysScreen",
    "RuntimeScreen",
]

__getattr__, __dir__ = _exports(__name__, _HOMES)
