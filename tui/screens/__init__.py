"""The screens of the terminal UI, one module each."""

from tui.screens.compare import CompareScreen
from tui.screens.dialogs import CommandDialog, ExportDialog
from tui.screens.dryrun import DryRunScreen
from tui.screens.help import HelpScreen
from tui.screens.journey import JourneyScreen
from tui.screens.journeys import JourneysScreen
from tui.screens.runtime import RuntimeScreen

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
