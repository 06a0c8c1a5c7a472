"""What a user saw wrong on the screens at 80x24, each pinned by a test."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual import events
from textual.widgets import DataTable, Input

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


class Lifecycled:
    """A served workspace (``served_like``) whose journeys change with the lifecycle
    actions run on it."""

    def __init__(self, served) -> None:
        self.served = served
        self.status: dict[str, str] = {}

    def __getattr__(self, name):
        return getattr(self.served, name)

    def transition(self, journey_id, action):
        self.status[journey_id] = {"pause": "paused", "publish": "active"}[action]
        return self.served.transition(journey_id, action)

    def journeys(self):
        return [replace(s, status=self.status.get(s.id, s.status)) for s in self.served.journeys()]

    def journey(self, journey_id):
        detail = self.served.journey(journey_id)
        summary = replace(detail.summary, status=self.status.get(journey_id, "draft"))
        return replace(detail, summary=summary)


async def test_the_journeys_table_shows_what_the_journey_screen_changed(make_app, served_like):
    """Pausing a served journey on its screen: the journeys table says so when back,
    and its cursor is still on that journey."""
    app = make_app(Lifecycled(served_like))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#journeys", DataTable)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.detail.summary.id == "renewal-qbr-2026"
        await pilot.press("z")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, JourneysScreen)
        assert str(table.get_row("renewal-qbr-2026")[2]) == "paused"
        assert app.screen.selected() == "renewal-qbr-2026"
