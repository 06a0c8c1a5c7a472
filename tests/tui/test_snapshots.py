"""How every screen looks, at 80x24 and at 160x48 (pytest-textual-snapshot SVGs).

Traces read no wall clock and their seeds are fixed by the requests below, the input
cursor does not blink (``blink=False``), so the pictures are the same on every run.
Update them after an intended change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import pytest

from simulator.codes import Override
from tui import DryRunRequest

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

HOLDOUT = DryRunRequest(
    "act-onb-2026", subject_id="usr_holdout", overrides=frozenset({Override.HOLDOUT})
)
QUIET = DryRunRequest("act-onb-2026", subject_id="usr_quiet_tokyo")
CHECKOUT = DryRunRequest("trial-conv-2026", subject_id="usr_trial_checkout", seed=3)
CAPPED = DryRunRequest("act-onb-2026", subject_id="usr_freq_cap_hit")
INVALID = DryRunRequest("onboarding-typo", synthetic=True, seed=1)


def _snap(snap_compare, settle, app, size, press=()):
    async def before(pilot):
        await settle(pilot)
        for key in press:
            await pilot.press(key)
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_journeys(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(), size)


@pytest.mark.parametrize("size", SIZES)
def test_journey(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(journey="trial-conv-2026"), size)


@pytest.mark.parametrize("size", SIZES)
def test_journey_with_findings(snap_compare, settle, make_app, broken_backend, size):
    _snap(snap_compare, settle, make_app(broken_backend, journey="onboarding-typo"), size)


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_entry(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=HOLDOUT), size)


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_deferred_send(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=QUIET), size, press=["down"])


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_adaptive_branch(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=CHECKOUT), size, press=["down"] * 4)


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_invalid(snap_compare, settle, make_app, broken_backend, size):
    """A journey that does not validate: the notice above the trace."""
    app = make_app(broken_backend, request=INVALID)
    _snap(snap_compare, settle, app, size)


@pytest.mark.parametrize("size", SIZES)
def test_compare(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=CAPPED), size, press=["f", "c"])


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=HOLDOUT), size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_command_dialog(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=HOLDOUT), size, press=["y"])


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=HOLDOUT), size, press=["e"])


@pytest.mark.parametrize("size", SIZES)
def test_journey_served(snap_compare, settle, make_app, served_like, size):
    _snap(snap_compare, settle, make_app(served_like, journey="expansion-nudge-2026"), size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_runtime(snap_compare, settle, make_app, served_like, size, tab):
    app = make_app(served_like, journey="expansion-nudge-2026")
    _snap(snap_compare, settle, app, size, press=["e", tab])


@pytest.mark.parametrize("size", SIZES)
def test_journey_as_viewer(snap_compare, settle, make_app, viewer_like, size):
    _snap(snap_compare, settle, make_app(viewer_like, journey="expansion-nudge-2026"), size)


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_as_viewer(snap_compare, settle, make_app, viewer_like, size):
    _snap(
        snap_compare,
        settle,
        make_app(viewer_like, request=HOLDOUT.with_(overrides=frozenset())),
        size,
    )


@pytest.mark.parametrize("size", SIZES)
def test_command_palette(snap_compare, settle, make_app, size):
    _snap(snap_compare, settle, make_app(request=HOLDOUT), size, press=["ctrl+p"])
