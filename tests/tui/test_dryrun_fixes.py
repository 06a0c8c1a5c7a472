"""The dry-run screen: the trace follows the settings shown, PII attributes are
shown masked, and a refused run does not pass the previous trace off as its own."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from simulator.codes import Override
from tui import DryRunRequest
from tui.screens import DryRunScreen

pytestmark = pytest.mark.anyio

HOLDOUT = DryRunRequest("act-onb-2026", subject_id="usr_holdout")


def box(screen, override: Override) -> Checkbox:
    return screen.query_one(f"#override-{override.value}", Checkbox)


@pytest.mark.parametrize("deep_link", [frozenset(), frozenset({Override.HOLDOUT})])
async def test_an_override_flipped_as_the_screen_opens_is_applied(
    make_app, settle, monkeypatch, deep_link
):
    """A key pressed before the screen's first refresh (within ~50 ms of it opening)
    flips the toggle, and the trace is run with the toggle as shown."""
    opened = DryRunScreen.on_mount

    def open_then_flip(self) -> None:
        opened(self)
        self.action_flip(Override.HOLDOUT.value)

    monkeypatch.setattr(DryRunScreen, "on_mount", open_then_flip)
    app = make_app(request=HOLDOUT.with_(overrides=deep_link))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        shown = box(screen, Override.HOLDOUT)
        assert shown.value is (Override.HOLDOUT not in deep_link)
        assert ("· on" in str(shown.label)) is shown.value
        assert (Override.HOLDOUT in screen.history[-1][0].overrides) is shown.value
        assert (Override.HOLDOUT in screen.trace.overrides_applied) is shown.value


async def test_the_deep_links_own_settings_run_once(make_app, settle):
    app = make_app(request=HOLDOUT.with_(overrides=frozenset({Override.HOLDOUT})))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        await pilot.pause()
        assert len(app.screen.history) == 1
        assert box(app.screen, Override.HOLDOUT).value
