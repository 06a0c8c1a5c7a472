"""The dry-run screen: the trace follows the settings shown, PII attributes are
shown masked, and a refused run does not pass the previous trace off as its own."""

from __future__ import annotations

import html
import re

import pytest
from pilots import until
from textual.widgets import Checkbox, Input, Select, Static

from simulator.codes import Override
from simulator.errors import NotFoundError
from tui import DryRunRequest
from tui.screens import CommandDialog, DryRunScreen

pytestmark = pytest.mark.anyio

HOLDOUT = DryRunRequest("act-onb-2026", subject_id="usr_holdout")


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


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


EMAIL = "ana.ribeiro@example.com"
PII_ATTRS = DryRunRequest("act-onb-2026", attributes={"email": EMAIL, "plan": "pro"})


def test_the_backends_say_which_attributes_are_pii(acme_backend):
    from simulator.models import DEFAULT_PII_ATTRIBUTES
    from tui import BackendInfo

    pii = acme_backend.project.world.workspace.pii_attributes
    assert acme_backend.info().pii_attributes == tuple(pii)
    assert BackendInfo("w", "W", "served").pii_attributes == DEFAULT_PII_ATTRIBUTES


async def test_pii_attributes_of_the_deep_link_are_shown_masked_and_run_raw(make_app, settle):
    app = make_app(request=PII_ATTRS)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        field = screen.query_one("#attrs", Input)
        assert field.value == "email=a•••@e•••.com plan=pro"
        assert EMAIL not in _plain(app.export_screenshot())
        assert screen.history[-1][0].attributes == {"email": EMAIL, "plan": "pro"}
        field.focus()
        await pilot.press("end", *" seats=3", "enter")  # the masked value is left as shown
        await pilot.pause()
        assert screen.history[-1][0].attributes == {"email": EMAIL, "plan": "pro", "seats": 3}


async def test_a_pii_value_typed_in_is_masked_once_run(make_app, settle):
    app = make_app(request=PII_ATTRS)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        field = screen.query_one("#attrs", Input)
        field.value = ""
        field.focus()
        await pilot.press(*"firstName=Zed email=bo@x.org", "enter")
        await pilot.pause()
        assert screen.history[-1][0].attributes == {"firstName": "Zed", "email": "bo@x.org"}
        assert field.value == "firstName=Z••• email=b•••@x•••.org"


async def test_the_command_line_masks_pii_attributes_and_says_so(make_app, settle, monkeypatch):
    app = make_app(request=PII_ATTRS.with_(subject_id="usr_holdout"))
    copied: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CommandDialog)
        assert EMAIL not in dialog.command and EMAIL not in copied[0]
        assert (
            "--attr 'email=a•••@e•••.com'" in copied[0] and "--subject-id usr_holdout" in copied[0]
        )
        said = str(dialog.query_one("#masked-note", Static).content)
        assert said.startswith("PII masked: email (here and in the copy)")
        assert EMAIL not in _plain(app.export_screenshot())


async def test_a_command_line_without_pii_says_nothing_of_masking(make_app, settle, monkeypatch):
    app = make_app(request=HOLDOUT.with_(attributes={"plan": "pro"}))
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: None)
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CommandDialog)
        assert not app.screen.query("#masked-note")


def _plain(svg: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


class RefusingLike:
    """The acme project as a server that refuses to dry-run ``usr_plain_ana`` (a
    subject it does not know, say)."""

    def __init__(self, local) -> None:
        self.local = local

    def __getattr__(self, name):
        return getattr(self.local, name)

    def simulate(self, request):
        if request.subject_id == "usr_plain_ana":
            raise NotFoundError("no subject 'usr_plain_A•••'", code="subject_not_found")
        return self.local.simulate(request)


async def test_a_refused_run_marks_the_trace_left_on_screen_as_the_previous_one(
    make_app, acme_backend, settle
):
    app = make_app(RefusingLike(acme_backend), request=HOLDOUT)
    refusal = "no subject 'usr_plain_A•••'"

    def summary() -> str:
        return str(app.screen.query_one("#trace-summary", Static).content)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        previous = screen.trace
        screen.query_one("#subject", Select).value = "usr_plain_ana"
        await until(pilot, lambda: refusal in notes(app), "the refusal is notified")
        await pilot.pause()
        assert f"refused: {refusal}" in summary()
        assert "previous trace (usr_holdout · no overrides)" in summary()
        assert "entry " not in summary()  # the previous run's summary is gone
        assert screen.trace is previous  # still there to compare with
        screen.query_one("#subject", Select).value = "usr_holdout"
        await until(pilot, lambda: summary().startswith("entry "), "the next run is shown")
        assert screen.refused is None
