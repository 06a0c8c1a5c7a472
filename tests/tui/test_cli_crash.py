"""``journeysim tui`` ends with a non-zero exit when the UI crashes (a script, or CI
driving the TUI, must see that it failed)."""

from __future__ import annotations

from tui import JourneysimApp


def test_a_crashed_ui_exits_2_with_internal_error(run_cli, acme_dir, monkeypatch):
    def crash() -> None:
        raise RuntimeError("a bug in a screen")

    async def crash_once_shown(pilot) -> None:
        await pilot.pause()  # mounted and settled: nothing of Textual's left pending
        pilot.app.call_next(crash)
        await pilot.pause()

    run = JourneysimApp.run
    monkeypatch.setattr(
        JourneysimApp, "run", lambda self: run(self, headless=True, auto_pilot=crash_once_shown)
    )

    result = run_cli("tui", "--project", str(acme_dir))

    assert result.exit_code == 2
    assert "internal error" in result.stderr and "[internal_error]" in result.stderr


def test_a_ui_that_quits_exits_0(run_cli, acme_dir, monkeypatch):
    async def press_q(pilot) -> None:
        await pilot.pause()
        await pilot.press("q")

    run = JourneysimApp.run
    monkeypatch.setattr(
        JourneysimApp, "run", lambda self: run(self, headless=True, auto_pilot=press_q)
    )

    assert run_cli("tui", "--project", str(acme_dir)).exit_code == 0
