"""The footer with the keys of the screen: one widget drawing one line.

Textual's ``Footer`` is a container of a widget per key, composed empty and then again
on each bindings signal: on the journeys screen it was a third of the first paint's
CPU time. This footer is a single widget that draws the screen's shown keys (key in
bold, description, disabled keys dimmed) with the command palette's key on the right,
redraws only when those keys change, and runs a key's action when it is clicked (a
disabled key rings the bell), as Textual's does. When the keys do not fit, the last
ones are cut; every key is also in ``?`` help and the command palette.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["KeyFooter"]

_PALETTE_BAR = "▏"
_DIM, _PLAIN = Style(dim=True), Style()
_PALETTE = "\0palette"
"""The command palette's place among the keys (no action is named so)."""


class _Key(NamedTuple):
    key: str
    display: str
    description: str
    action: str
    node: DOMNode
    enabled: bool


def _keys(screen: Screen) -> tuple[_Key, ...]:
    """The screen's shown keys, one per action (the first key bound to it), in order,
    then the command palette's (which Textual binds without showing it)."""
    app = screen.app
    active = screen.active_bindings
    keys: dict[str, _Key] = {}
    for key, (node, binding, enabled, _) in active.items():
        if binding.show and binding.action not in keys:
            display = app.get_key_display(binding)
            keys[binding.action] = _Key(
                key, display, binding.description, binding.action, node, enabled
            )
    palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
    if palette is not None:
        node, binding, enabled, _ = palette
        display = app.get_key_display(binding)
        keys[_PALETTE] = _Key(
            app.COMMAND_PALETTE_BINDING, display, binding.description, binding.action, node, enabled
        )
    return tuple(keys.values())


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--bar",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--bar {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._keys: tuple[_Key, ...] = ()
        self._spans: list[tuple[int, int, _Key]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._keys = _keys(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen and (keys := _keys(screen)) != self._keys:
            self._keys = keys
            self.refresh()

    @property
    def keys(self) -> tuple[_Key, ...]:
        """The keys drawn, left to right (the command palette's last)."""
        return self._keys

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        palette = [k for k in self._keys if k.key == self.app.COMMAND_PALETTE_BINDING][-1:]
        left, spans = Text(no_wrap=True, overflow="crop"), []
        for key in self._keys:
            if key in palette:
                continue
            start = left.cell_len
            dim = _DIM if not key.enabled else _PLAIN
            left.append(f" {key.display} ", key_style + dim)
            left.append(f"{key.description} ", description_style + dim)
            spans.append((start, left.cell_len, key))
        right = Text(no_wrap=True)
        if palette:
            (key,) = palette
            right.append(_PALETTE_BAR, self.get_component_rich_style("key-footer--bar"))
            right.append(key.display, key_style)
            right.append(f" {key.description} ", description_style)
        width = self.size.width
        room = max(0, width - right.cell_len)
        left.truncate(room, pad=True)
        self._spans = [(start, min(end, room), key) for start, end, key in spans if start < room]
        if palette:
            self._spans.append((room, width, palette[0]))
        return left + right

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        key = self.key_at(event.x)
        if key is None:
            return
        if not key.enabled:
            self.app.bell()
            return
        await self.app.run_action(key.action, key.node)

    def key_at(self, x: int) -> _Key | None:
        """The key drawn at column ``x``, if any."""
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def offset_of(self, key: str) -> int:
        """The first column of ``key`` (for a click), as drawn last."""
        return next(start for start, _, drawn in self._spans if drawn.key == key)
