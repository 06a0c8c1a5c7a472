"""What a user saw wrong on the screens at 80x24, each pinned by a test."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from tui.screens import DryRunScreen, HelpScreen, JourneysScreen

pytestmark = pytest.mark.anyio


async def test_keys_typed_after_d_do_not_go_to_the_hidden_filter(make_app, settle):
    """``d`` and the keys a terminal delivers right after it in one burst reach the
    journeys table first; they are the dry-run screen's (``?`` asks it for help), not
    text for the journeys filter hidden beneath it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        journeys = app.screen
        assert isinstance(journeys, JourneysScreen)
        for key, character in [("d", "d"), ("a", "a"), ("question_mark", "?")]:
            app.post_message(events.Key(key, character))
        for _ in range(10):
            await pilot.pause()
        assert journeys.query_one("#filter", Input).value == ""
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DryRunScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is journeys
        assert journeys.query_one("#journeys").row_count == 5
