"""The help screen (``?``): what the screen below is for, and its keys.

It lists the keys the footer draws: a key whose action the screen hides
(``check_action`` is ``False``: a project folder's lifecycle keys) is left out, and
one it disables (``None``: overrides for a viewer) is listed dimmed, "disabled".
"""

from __future__ import annotations

import inspect
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.actions import parse as parse_action
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


def keys_of(screen: Screen) -> list[tuple[str, str, bool]]:
    """``(key, description, enabled)`` of the screen's bindings, then the app's, as
    their ``check_action`` allows them (the footer's test): hidden ones left out."""
    found: list[tuple[str, str, bool]] = []
    for node, bindings in ((screen, screen.BINDINGS), (screen.app, screen.app.BINDINGS)):
        for binding in bindings:
            if not (isinstance(binding, Binding) and binding.description):
                continue
            _, name, parameters = parse_action(binding.action)
            state = node.check_action(name, parameters)
            if state is not False:
                key = screen.app.get_key_display(binding)
                found.append((key, binding.description, state is not None))
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
        for key, description, enabled in keys_of(self.below):
            if enabled:
                table.add_row(key, description)
            else:
                table.add_row(Text(key, style="dim"), Text(f"{description} (disabled)", "dim"))
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(Text(doc, style="bold"))
            yield Static(table)
            yield Static(Text(_GENERAL, style="dim"))
            yield Static(Text("escape: close", style="dim"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
