"""Attached to ``journeysim serve`` over a real socket on 127.0.0.1: the same journeys
and the same traces as in-process, and roles disable what they must."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pilots import until
from textual.widgets import Checkbox, Select

from simulator.codes import Override
from simulator.errors import NotFoundError
from tui import DryRunRequest
from tui.remote import RemoteBackend, RemoteError
from tui.screens import DryRunScreen, JourneyScreen
from tui.widgets import KeyFooter

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served():
    """``(url, {role: token})`` of a ``journeysim serve`` on a free port."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "simulator.cli", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in iter(process.stdout.readline, ""):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen = ""
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not seen.endswith("Ctrl-C).\n") and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(f"serve exited: {seen}{process.stderr.read()}")
            seen += line
        url = re.search(r"API:\s+(http://127\.0\.0\.1:\d+)/api", seen).group(1)
        tokens = dict(re.findall(r"^\s+(owner|editor|viewer)\s+\S+\s+(\S+)$", seen, re.M))
        yield url, tokens
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def owner(served):
    url, tokens = served
    backend = RemoteBackend(url, tokens["owner"])
    yield backend
    backend.close()


def _comparable(summary):
    return (summary.id, summary.name, summary.steps, summary.errors, summary.warnings)


def test_the_same_journeys_as_in_process(owner, acme_backend):
    remote = [_comparable(s) for s in owner.journeys()]
    assert remote == [_comparable(s) for s in acme_backend.journeys()]
    detail = owner.journey("trial-conv-2026")
    local = acme_backend.journey("trial-conv-2026").journey
    assert detail.journey.model_dump() == local.model_dump()  # ($schema is not served)
    assert detail.channels == acme_backend.journey("trial-conv-2026").channels


@pytest.mark.parametrize(
    "request_",
    [
        DryRunRequest(
            "act-onb-2026", subject_id="usr_holdout", overrides=frozenset({Override.HOLDOUT})
        ),
        DryRunRequest("trial-conv-2026", subject_id="usr_trial_checkout", seed=3),
        DryRunRequest("act-onb-2026", attributes={"firstName": "Zed", "plan": "pro"}),
    ],
    ids=["override", "seed", "attributes"],
)
def test_the_same_trace_as_in_process(owner, acme_backend, request_):
    assert owner.simulate(request_).to_wire() == acme_backend.simulate(request_).to_wire()


async def _screens_shown(backend, make_app, settle) -> tuple[list, list, list[str]]:
    """What the app shows over ``backend``: the journeys table's rows, then (deep
    linked) the timeline's rows of a dry-run and the detail pane of each row."""
    from tui.widgets import Timeline

    rows = []
    app = make_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#journeys")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    request = DryRunRequest(
        "trial-conv-2026",
        subject_id="usr_trial_checkout",
        seed=3,
        overrides=frozenset({Override.FREQUENCY_CAP}),
    )
    app = make_app(backend, request=request)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        timeline_rows = [
            [str(cell) for cell in timeline.get_row_at(i)] for i in range(timeline.row_count)
        ]
        details = []
        for row in range(timeline.row_count):
            timeline.move_cursor(row=row)
            await pilot.pause()
            details.append(_plain(app.screen.query_one("#detail-body")))
    return rows, timeline_rows, details


@pytest.mark.anyio
async def test_the_app_shows_the_same_journeys_and_trace_as_in_process(
    owner, acme_backend, make_app, settle
):
    """The journeys table (but status and version: a served journey has a lifecycle),
    the timeline and every row's detail, attached over HTTP and in-process."""
    remote_rows, remote_timeline, remote_details = await _screens_shown(owner, make_app, settle)
    local_rows, local_timeline, local_details = await _screens_shown(acme_backend, make_app, settle)

    def without_lifecycle(rows):
        return [row[:2] + row[4:] for row in rows]

    assert len(remote_rows) == 5
    assert without_lifecycle(remote_rows) == without_lifecycle(local_rows)
    assert len(remote_timeline) > 5 and remote_timeline == local_timeline
    assert remote_details == local_details


def test_what_a_served_dry_run_cannot_do_is_said(owner):
    with pytest.raises(NotFoundError):
        owner.journey("nope")
    with pytest.raises(Exception, match="no synthetic subject from a seed"):
        owner.simulate(DryRunRequest("act-onb-2026", synthetic=True))
    with pytest.raises(Exception, match="not both"):
        owner.simulate(DryRunRequest("act-onb-2026", subject_id="usr_a", attributes={"a": 1}))
    masked = next(s.id for s in owner.subjects() if "•" in s.id)  # usr_plain_A•••
    with pytest.raises(Exception, match=r"masks the id .* --subject-id"):
        owner.simulate(DryRunRequest("act-onb-2026", subject_id=masked))


def test_a_bad_token_is_the_servers_error(served):
    url, _ = served
    with pytest.raises(RemoteError, match="401"):
        RemoteBackend(url, "tok_nobody").info()


@pytest.mark.anyio
async def test_the_app_attached_as_owner_applies_overrides(owner, make_app, settle):
    request = DryRunRequest(
        "act-onb-2026", subject_id="usr_holdout", overrides=frozenset({Override.HOLDOUT})
    )
    app = make_app(owner, request=request)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DryRunScreen)
        assert screen.trace.entry.decision.value == "entered"
        options = [value for _, value in screen.query_one("#subject", Select)._options]
        assert "@synthetic" not in options and "usr_holdout" in options
        await pilot.press("h")
        await pilot.pause()
        assert screen.trace.entry.decision.value == "blocked"


@pytest.mark.anyio
async def test_a_viewer_cannot_flip_overrides(served, make_app, settle):
    url, tokens = served
    viewer = RemoteBackend(url, tokens["viewer"])
    app = make_app(viewer, request=DryRunRequest("act-onb-2026", subject_id="usr_holdout"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert all(box.disabled for box in screen.query(Checkbox))
        assert "owners only" in str(screen.query_one("#overrides-label").render())
        assert screen.check_action("flip", ("holdout",)) is None  # shown, disabled
        (flip,) = [k for k in screen.query_one(KeyFooter).keys if k.key == "h"]
        assert flip.enabled is False  # drawn dimmed in the footer
        assert not any("Flip" in c.title for c in app.get_system_commands(screen))
        await pilot.press("h")
        await pilot.pause()
        assert screen.trace.overrides_applied == []
        assert not screen.query_one("#override-holdout", Checkbox).value
    viewer.close()


def test_cli_refuses_a_bad_token_with_exit_2(served, run_cli):
    url, _ = served
    result = run_cli("tui", "--url", url, "--token", "tok_nobody")
    assert result.exit_code == 2 and "401" in result.stderr
    assert run_cli("tui", "--url", url).exit_code == 2


@pytest.mark.anyio
async def test_a_viewer_sees_the_audit_but_cannot_change_a_journey(served, make_app, settle):
    url, tokens = served
    viewer = RemoteBackend(url, tokens["viewer"])
    app = make_app(viewer, journey="win-back-2026")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JourneyScreen)
        actions = [str(row[2]) for row in _rows(screen.query_one("#audit"))]
        assert "created" in actions
        assert screen.check_action("lifecycle", ("publish",)) is None  # shown, disabled
        await pilot.press("p")
        await pilot.pause()
        assert screen.detail.summary.status == "draft"
        titles = [c.title for c in app.get_system_commands(screen)]
        assert not any("Publish" in t for t in titles)
    viewer.close()


@pytest.mark.anyio
async def test_an_owner_publishes_pauses_and_reads_the_apis_refusals(owner, make_app, settle):
    app = make_app(owner, journey="win-back-2026")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("p")
        await pilot.pause()
        assert "published as version 1" in _notes(app)[-1]
        assert (screen.detail.summary.status, screen.detail.summary.version) == ("active", 1)
        await pilot.press("z")
        await pilot.pause()
        assert screen.detail.summary.status == "paused"
        await pilot.press("z")  # pausing a paused journey: the API says no
        await pilot.pause()
        assert "409" in _notes(app)[-1] and screen.detail.summary.status == "paused"
        actions = [str(row[2]) for row in _rows(screen.query_one("#audit"))]
        assert actions[:2] == ["paused", "published"]


def _rows(table):
    return [table.get_row_at(i) for i in range(table.row_count)]


def _notes(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.anyio
async def test_the_runtime_screen_follows_the_virtual_clock(served, owner, make_app, settle):
    import httpx

    from tui.screens import RuntimeScreen

    url, tokens = served
    headers = {"Authorization": f"Bearer {tokens['owner']}"}
    journey = "expansion-nudge-2026"  # no other test here runs or publishes it
    published = httpx.post(f"{url}/api/journeys/{journey}/publish", headers=headers)
    published.raise_for_status()
    event = {
        "id": "evt_tui_expansion",
        "name": "usage.upgrade_signal",
        "at": "2026-06-01T14:00:00Z",
        "properties": {
            "endUserId": "usr_expansion_candidate",
            "signal": "seats",
            "usagePct": 92,
        },
    }
    answer = httpx.post(f"{url}/api/_sim/events", json=event, headers=headers).json()
    assert [s["journeyId"] for s in answer["started"]] == [journey], answer
    app = make_app(owner, journey=journey)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RuntimeScreen)
        executions = screen.query_one("#executions")
        assert executions.row_count == 1
        assert str(executions.get_row_at(0)[2]) == "running"
        await pilot.press("a", "a")
        await pilot.pause()
        assert screen.view.now == "2026-06-03T14:00:00Z"
        assert str(executions.get_row_at(0)[2]) == "succeeded"
        assert screen.query_one("#outbox").row_count == 2
        await pilot.press("4")
        assert "cold start" in _plain(screen.query_one("#branches-body"))
        await pilot.press("3")
        steps = _plain(screen.query_one("#steps-body"))
        assert "send-usage-alert" in steps and "█" in steps
        await pilot.press("5")
        assert "triggered" in _plain(screen.query_one("#impact-body"))
        await pilot.press("escape")
        assert isinstance(app.screen, JourneyScreen)


def _plain(static) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=120, color_system=None)
    console.print(static.content)
    return console.file.getvalue()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_in_the_environment_never_sees_the_token(served, monkeypatch, variable):
    """The server is on this machine: a configured proxy (here one that listens on
    nothing) is not used, so the bearer token goes only to the loopback server."""
    url, tokens = served
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://127.0.0.1:9")
    backend = RemoteBackend(url, tokens["owner"])
    try:
        assert backend.info().workspace_id
        assert [s.id for s in backend.journeys()]
    finally:
        backend.close()


# usr_plain_ana's id holds her first name: /api/subjects lists it as usr_plain_A•••.
PII_SUBJECT = "usr_plain_ana"


@pytest.mark.anyio
async def test_a_deep_link_to_a_subject_the_server_masks_runs(owner, make_app, settle):
    assert PII_SUBJECT not in {s.id for s in owner.subjects()}  # listed masked
    app = make_app(owner, request=DryRunRequest("act-onb-2026", subject_id=PII_SUBJECT))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DryRunScreen)
        assert screen.trace.subject.id == "usr_plain_A•••" and len(screen.trace.steps) > 1
        select = screen.query_one("#subject", Select)
        assert select.value == PII_SUBJECT  # re-running sends the real id
        labels = {str(label): value for label, value in select._options}
        assert labels["usr_plain_A•••"] == PII_SUBJECT and PII_SUBJECT not in labels
        await pilot.press("r")
        await pilot.pause()
        assert len(screen.history) == 2 and not _notes(app)
        assert screen.history[-1][0].subject_id == PII_SUBJECT


@pytest.mark.anyio
async def test_a_refused_served_run_says_the_trace_shown_is_the_previous_one(
    owner, make_app, settle
):
    """Picking a subject the server lists masked is refused: the trace of the subject
    before stays, said to be the previous one, under the settings of the refused run."""
    app = make_app(owner, request=DryRunRequest("act-onb-2026", subject_id="usr_holdout"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        previous = screen.trace
        screen.query_one("#subject", Select).value = "usr_plain_A•••"
        await until(
            pilot,
            lambda: any("the server masks the id" in note for note in _notes(app)),
            "the refusal is told",
        )
        await pilot.pause()
        summary = str(screen.query_one("#trace-summary").content)
        assert summary.startswith("refused: the server masks the id 'usr_plain_A•••'")
        assert "below: the previous trace (usr_holdout · no overrides)" in summary
        assert screen.trace is previous


@pytest.mark.anyio
async def test_a_deep_link_to_an_unknown_subject_is_the_servers_404(owner, make_app, settle):
    app = make_app(owner, request=DryRunRequest("act-onb-2026", subject_id="usr_nobody"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot,
            lambda: any("no subject 'usr_nobody'" in note for note in _notes(app)),
            "the server's 404 is told",
        )
        screen = app.screen
        assert isinstance(screen, DryRunScreen) and screen.history == []


@pytest.fixture
def started_ui(monkeypatch):
    """What ``journeysim tui`` would show: ``create_app``'s arguments, without a UI."""
    import gc

    import tui

    started: dict = {}

    class NoUI:
        return_code = 0

        def run(self) -> None:
            gc.unfreeze()

    def create_app(backend, **kwargs):
        started.update(kwargs, backend=backend)
        return NoUI()

    monkeypatch.setattr(tui, "create_app", create_app)
    return started


def test_cli_deep_links_a_subject_the_server_masks(served, run_cli, started_ui):
    url, tokens = served
    args = ("tui", "--url", url, "--token", tokens["owner"], "--journey", "act-onb-2026")
    result = run_cli(*args, "--subject-id", PII_SUBJECT)
    assert result.exit_code == 0, result.stderr
    assert started_ui["request"].subject_id == PII_SUBJECT
    started_ui["backend"].close()
    started_ui.clear()
    result = run_cli(*args, "--subject-id", "usr_nobody")
    assert result.exit_code == 2 and "no subject 'usr_nobody'" in result.stderr
    assert started_ui == {}


def test_a_subject_whose_masked_time_zone_is_no_zone_is_listed_without_one(tmp_path):
    """With ``350 5th Ave, New York`` among a subject's PII values, the server lists
    their zone as ``America/•••_•••``: reading that as a Subject failed, and every
    screen attached to the server showed an internal error instead of the journeys."""
    import json
    import shutil

    from simulator.api.testing import api_client
    from simulator.paths import fixtures_dir
    from tui.remote import _masked_subject

    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    path = project / "subjects" / "usr_plain_ana.json"
    ana = json.loads(path.read_text())
    ana["attributes"]["address"] = "350 5th Ave, New York"
    path.write_text(json.dumps({**ana, "timezone": "America/New_York"}))
    with api_client(project) as api:
        listed = api.get("/api/subjects", headers={"Authorization": "Bearer tok_owner_acme_ada"})
    masked = next(s for s in listed.json() if s["endUserId"].startswith("usr_plain"))
    assert masked["timezone"] not in (None, "America/New_York")  # masked by value
    subjects = [_masked_subject(s) for s in listed.json()]
    assert len(subjects) == len(listed.json())
    [read] = [s for s in subjects if s.end_user_id == masked["endUserId"]]
    assert read.timezone is None and read.attributes["address"] != ana["attributes"]["address"]


def test_a_served_workspace_tells_the_ui_its_pii_list_and_goal_window(tmp_path):
    """The dry-run screen masks the workspace's PII attributes: attached to a server it
    knew only the default list, so a workspace's own PII attribute (``phone``) showed
    raw, and the journey header could not say the default goal window's length."""
    import json
    import shutil

    from simulator.api.testing import api_client
    from simulator.paths import fixtures_dir

    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir() / "acme", project)
    path = project / "workspace.json"
    workspace = json.loads(path.read_text())
    path.write_text(
        json.dumps({**workspace, "piiAttributes": ["phone"], "defaultGoalEventWindowDays": 3})
    )
    with api_client(project) as api:
        backend = RemoteBackend("http://127.0.0.1", api.tokens["owner"], transport=api._transport)
        try:
            info = backend.info()
        finally:
            backend.close()
    assert (info.pii_attributes, info.default_goal_event_window_days) == (("phone",), 3)
