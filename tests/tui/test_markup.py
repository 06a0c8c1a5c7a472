"""Free text is shown as text, never read as Textual or rich markup: a journey named
``Onboarding [beta] [/]`` or an attribute value ``[/]`` is drawn as typed (and does not
crash the app with a MarkupError)."""

from __future__ import annotations

import json
import shutil

import pytest
from textual.widgets import DataTable, Input

from tui import DryRunRequest, LocalBackend
from tui.screens import CommandDialog, DryRunScreen, JourneyScreen

pytestmark = pytest.mark.anyio

NAME = "Onboarding [beta] [/] [bold]"


@pytest.fixture(scope="module")
def bracketed(fixtures_dir, tmp_path_factory) -> LocalBackend:
    folder = tmp_path_factory.mktemp("bracketed") / "acme"
    shutil.copytree(fixtures_dir / "acme", folder)
    path = folder / "journeys" / "act-onb-2026.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["name"] = NAME
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return LocalBackend(folder)


def _plain(app) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


async def test_a_bracketed_name_is_shown_as_written(make_app, bracketed, settle):
    app = make_app(bracketed)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#journeys", DataTable)
        assert NAME.startswith(str(table.get_row_at(0)[1]).rstrip("…"))
        assert "Onboarding [beta] [/]" in _plain(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, JourneyScreen)
        assert "Onboarding [beta] [/] [bold]" in _plain(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DryRunScreen)
        assert "Onboarding [beta] [/]" in _plain(app)


async def test_bracketed_input_is_a_notification_and_a_command_line(make_app, settle):
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_plain_ana"))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        screen = app.screen
        screen.query_one("#attrs", Input).value = "[/]"
        await pilot.press("r")
        await pilot.pause()
        assert "got '[/]'" in [n.message for n in app._notifications][-1]
        await pilot.pause()
        assert "'[/]'" in _plain(app)  # the toast shows it as typed
        screen.query_one("#attrs", Input).value = "plan=[/]"
        await pilot.press("r")
        await pilot.pause()
        assert screen.history[-1][0].attributes == {"plan": "[/]"}
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CommandDialog)
        assert "--attr 'plan=[/]'" in _plain(app)
        await pilot.press("escape")
        assert app.screen is screen
