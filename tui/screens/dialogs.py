"""Small modal dialogs: export a trace to a file, show a command line."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from simulator.engine.trace import Trace
from simulator.files import write_atomically

__all__ = ["CommandDialog", "ExportDialog"]


class ExportDialog(ModalScreen[Path | None]):
    """Ask for a file name and write the trace's JSON there (whole or not at all).

    A relative name is relative to the folder ``journeysim tui`` was started in; an
    existing file is replaced, as ``simulate --format json > FILE`` would.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, trace: Trace, default: str) -> None:
        super().__init__()
        self.trace = trace
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export the trace (JSON) to:")
            yield Input(value=self.default, id="export-path")
            yield Static("enter: write · escape: cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("give a file name", severity="error")
            return
        path = Path(text).expanduser()
        try:
            write_atomically(path, self.trace.to_json())
        except OSError as exc:
            message = f"cannot write {path}: {exc.strerror or exc}"
            self.notify(message, severity="error", markup=False)
            return
        self.notify(f"trace written to {path}", markup=False)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommandDialog(ModalScreen[None]):
    """The ``journeysim simulate`` command that prints the same trace."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,y", "close", "Close")]

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("The same dry-run from a shell (copied to the clipboard):")
            yield Static(Text(self.command), id="command")  # its values are not markup
            yield Static("escape: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
