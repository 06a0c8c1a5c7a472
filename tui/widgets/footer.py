"""The footer with the keys of the screen, drawn with the screen and redrawn only when
those keys change.

Textual's ``Footer`` composes empty, then recomposes (a widget per key) on every
bindings signal, and a screen coming up sends several (mount, focus, the first
refresh), most of them with the same keys: each recomposition is one more layout of
the screen before its first complete frame. This footer composes its keys at once
(the screen's shown keys are known when it mounts), remembers which keys it shows,
and recomposes only when the screen's shown keys (or whether they are enabled) differ.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeyFooter"]


def _shown(screen: Screen) -> tuple:
    return tuple(
        (key, binding.description, enabled)
        for key, (_, binding, enabled, _) in screen.active_bindings.items()
        if binding.show
    )


class KeyFooter(Footer):
    _drawn: tuple | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._bindings_ready = True  # Footer's flag: compose the keys on mount already

    def compose(self) -> ComposeResult:
        self._drawn = _shown(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        shown = _shown(screen)
        if screen is self.screen and shown == self._drawn:
            return  # these keys are drawn, or their recomposition is scheduled
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._drawn = shown  # what the recomposition scheduled below draws
        super().bindings_changed(screen)
