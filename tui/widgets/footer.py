"""The footer with the keys of the screen, redrawn only when those keys change.

Textual's ``Footer`` recomposes (a widget per key) on every bindings signal, and a
screen coming up sends several (mount, focus, the first refresh), most of them with
the same keys: those recompositions cost about a third of the journeys screen's
first paint. This footer remembers which keys it shows and recomposes only when the
screen's shown keys (or whether they are enabled) differ.
"""

from __future__ import annotations

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

    def bindings_changed(self, screen: Screen) -> None:
        shown = _shown(screen)
        if shown == self._drawn:
            return  # a recomposition showing these keys is done or already scheduled
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._drawn = shown
        super().bindings_changed(screen)
