"""What a user saw wrong on the screens at 80x24, each pinned by a test."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from io import StringIO

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual import events
from textual.widgets import DataTable, Input, Static, Tree

from tui import DryRunRequest, JourneySummary, LocalBackend
from tui.screens import CompareScreen, DryRunScreen, HelpScreen, JourneysScreen
from tui.widgets import Timeline

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


class WithWindow:
    """A backend whose info says the workspace's default goal window is ``days``."""

    def __init__(self, local, days: int | None) -> None:
        self.local, self.days = local, days

    def __getattr__(self, name):
        return getattr(self.local, name)

    def info(self):
        return replace(self.local.info(), default_goal_event_window_days=self.days)


@pytest.fixture
def windowless(fixtures_dir, tmp_path) -> LocalBackend:
    """acme, with act-onb-2026 giving no goal window of its own."""
    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir / "acme", project)
    path = project / "journeys" / "act-onb-2026.json"
    journey = json.loads(path.read_text(encoding="utf-8"))
    del journey["goalEventWindowDays"]
    path.write_text(json.dumps(journey), encoding="utf-8")
    return LocalBackend(project, relative_to=tmp_path)


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        ("project", "goal user.activated in 7 d (workspace default)"),
        (3, "goal user.activated in 3 d (workspace default)"),
        (None, "in the workspace's default"),
    ],
)
async def test_the_journey_header_names_the_workspace_default_goal_window(
    make_app, settle, windowless, days, shown
):
    backend = windowless if days == "project" else WithWindow(windowless, days)
    app = make_app(backend, journey="act-onb-2026")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#journey-summary", Static).content)
    assert shown in header and "default d" not in header


def _shown(timeline: Timeline, columns: int) -> bool:
    """Whether the first ``columns`` columns of ``timeline`` are in view, none cut."""
    drawn = timeline.ordered_columns[:columns]
    cells = [timeline.get_row_at(row) for row in range(timeline.row_count)]
    for index, column in enumerate(drawn):
        if column.content_width < max(cell_len(str(row[index])) for row in cells):
            return False
    width = sum(column.get_render_width(timeline) for column in drawn)
    return width <= timeline.scrollable_content_region.width


def _plain(static: Static) -> str:
    console = Console(file=StringIO(), width=200, color_system=None)
    console.print(static.content)
    return console.file.getvalue()


def _cell(table: DataTable, row: int, column: int) -> str:
    return str(table.get_row_at(row)[column])


async def test_the_timeline_writes_the_year_in_four_digits(make_app, settle):
    """Year 1 read ``1-01-01`` in the detail pane and ``01-01`` in the timeline."""
    at = datetime(1, 1, 1, tzinfo=UTC)
    app = make_app(request=DryRunRequest("act-onb-2026", synthetic=True, at=at))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        assert _cell(timeline, 0, 0) == "0001-01-01 00:00"
        assert "start 0001-01-01 00:00Z" in _plain(app.screen.query_one("#detail-body"))


async def test_the_timeline_keeps_time_and_decision_in_view_at_80_columns(make_app, settle):
    """The date made the time column longer: a long step id is cut instead, with an
    ellipsis, and the decisions stay in view."""
    app = make_app(request=DryRunRequest("trial-conv-2026", synthetic=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        assert _cell(timeline, 1, 0) == "2026-06-01 14:00"
        time, step, decision = timeline.ordered_columns[:3]
        width = sum(c.get_render_width(timeline) for c in (time, step, decision))
        assert width <= timeline.scrollable_content_region.width
        assert decision.content_width >= len("executed") and time.content_width == 16
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert _shown(timeline, 4)


async def test_compare_at_80_columns_shows_both_timelines_uncut(make_app, settle):
    """Side by side at 80 columns, each timeline had 39 cells: its decisions and
    reasons were cut, and so were the labels. Now one is above the other."""
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_freq_cap_hit"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        for side in ("left", "right"):
            assert _shown(screen.query_one(f"#{side}-timeline", Timeline), 4), side
        assert screen.has_class("-stacked")
        for label in screen.query(".side-label"):
            assert label.content_region.width >= cell_len(str(label.content))
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not screen.has_class("-stacked")
        for side in ("left", "right"):
            assert _shown(screen.query_one(f"#{side}-timeline", Timeline), 4), side


LONG = JourneySummary(
    "q3-enterprise-expansion-upsell-with-a-very-long-id-2026",
    "エンタープライズ顧客向けアップセル・キャンペーン第三四半期",  # two cells a character
    "draft",
    None,
    12,
    3,
    14,
)


class WithALongJourney:
    """The acme project and one journey whose id and name are wider than 80 columns."""

    def __init__(self, local) -> None:
        self.local = local

    def __getattr__(self, name):
        return getattr(self.local, name)

    def journeys(self):
        return [LONG, *self.local.journeys()]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_a_long_id_or_name_leaves_errors_and_warnings_in_view(make_app, acme_backend, size):
    app = make_app(WithALongJourney(acme_backend))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#journeys", DataTable)
        drawn = sum(column.get_render_width(table) for column in table.ordered_columns)
        assert drawn <= table.scrollable_content_region.width
        row = table.get_row(LONG.id)
        assert [str(cell) for cell in row[-2:]] == ["3", "14"]
        assert str(table.get_row("trial-conv-2026")[1]) == "Trial Conversion"
        if size == (80, 24):
            assert str(row[0]).endswith("…") and str(row[1]).endswith("…")
        await pilot.resize_terminal(80, 24)  # the 160 one narrows: cut again
        await pilot.pause()
        drawn = sum(column.get_render_width(table) for column in table.ordered_columns)
        assert drawn <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_a_finding_cut_at_the_edge_is_shown_whole_under_the_tree(
    make_app, broken_backend, settle, size
):
    """A tree line does not wrap: at 80 columns the finding's message was cut."""
    app = make_app(broken_backend, journey="onboarding-typo")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(Tree)
        line = app.screen.query_one("#whole-line", Static)
        assert not line.display  # the root's line is not cut
        for _ in range(10):
            if "unknown_step_reference" in str(tree.cursor_node.label):
                break
            await pilot.press("down")
        await pilot.pause()
        if size == (80, 24):
            assert line.display
            assert "'exti', which does not exist" in " ".join(_plain(line).split())
        else:  # nothing cut: nothing repeated
            assert not line.display
