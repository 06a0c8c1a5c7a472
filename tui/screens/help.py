"""The help screen (``?``): what the screen below is for, and its keys."""

from __future__ import annotations

import inspect
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["HelpScreen", "keys_of"]

_GENERAL = (
    "Every action is also in the command palette (ctrl+p). Tab moves between panes; "
    "the mouse works too. Traces are masked: no screen shows raw subject data."
)


def keys_of(screen: Screen) -> list[tuple[str, str]]:
    """``(key, description)`` of the screen's bindings, then the app's."""
    found: list[tuple[str, str]] = []
    for binding in [*screen.BINDINGS, *screen.app.BINDINGS]:
        if isinstance(binding, Binding) and binding.description:
            key = screen.app.get_key_display(binding)
            found.append((key, binding.description))
    return found


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.below = screen

    def compose(self) -> ComposeResult:
        doc = inspect.getdoc(type(self.below)) or ""
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("action")
        for key, description in keys_of(self.below):
            table.add_row(key, description)
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(Text(doc, style="bold"))
            yield Static(table)
            yield Static(Text(_GENERAL, style="dim"))
            yield Static(Text("escape: close", style="dim"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
