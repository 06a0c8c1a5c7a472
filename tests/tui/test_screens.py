"""Behaviour of each screen, driven with Textual's Pilot."""

from __future__ import annotations

import json
import shlex

import pytest
from pilots import until
from textual import events
from textual.widgets import Checkbox, DataTable, Input, Select, Static, Tree

from simulator.codes import Override
from tui import DryRunRequest
from tui.screens import (
    CommandDialog,
    CompareScreen,
    DryRunScreen,
    ExportDialog,
    HelpScreen,
    JourneyScreen,
    JourneysScreen,
)
from tui.widgets import KeyFooter, Timeline

pytestmark = pytest.mark.anyio

HOLDOUT = DryRunRequest("act-onb-2026", subject_id="usr_holdout")


def tree_labels(tree: Tree) -> list[str]:
    labels, stack = [], [tree.root]
    while stack:
        node = stack.pop()
        labels.append(str(node.label))
        stack.extend(reversed(node.children))
    return labels


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def compare_after(pilot, key: str) -> CompareScreen:
    """Press ``key`` on the dry-run screen (a change that runs again), then compare."""
    await pilot.press(key)
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_journeys_table_filters_as_you_type_and_opens(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JourneysScreen)
        table = screen.query_one("#journeys", DataTable)
        assert table.row_count == 5
        await pilot.press("slash", *"trial")
        assert table.row_count == 1 and screen.selected() == "trial-conv-2026"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, JourneyScreen)
        assert app.screen.detail.summary.id == "trial-conv-2026"
        await pilot.press("escape")
        assert isinstance(app.screen, JourneysScreen)
        await pilot.press("slash", *"zzz")
        assert table.row_count == 0
        await pilot.press("enter")
        assert "no journey matches the filter" in notifications(app)
        await pilot.press("escape")  # clears the filter
        assert table.row_count == 5


async def test_journey_tree_shows_every_step_with_its_details(make_app, settle):
    app = make_app(journey="trial-conv-2026")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        labels = "\n".join(tree_labels(app.screen.query_one(Tree)))
        for expected in (
            "send-trial-welcome (entry)  send comm-trial-welcome-email · email",
            "wait-2d  wait P2D",
            "rule 0: seats gt 10 → send-sales-intro",
            "default → offer-subject-test  adaptive: 2 arms",
            "arm urgency → send-offer-urgency",
            "arm value → send-offer-value",
            "wait-checkout  wait for checkout.started (timeout P2D)",
            "on timeout → send-checkout-reminder",
        ):
            assert expected in labels
        assert "unreachable" not in labels


async def test_journey_tree_puts_findings_beside_their_step(make_app, broken_backend, settle):
    app = make_app(broken_backend, journey="onboarding-typo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(Tree)
        node = next(n for n in _walk(tree.root) if n.data == "wait-2d")
        (child,) = [c for c in node.children if "unknown_step_reference" in str(c.label)]
        assert "'exti', which does not exist" in str(child.label)
        assert "exti (no such step)" in "\n".join(tree_labels(tree))


async def test_a_finding_of_another_file_says_which(make_app, fixtures_dir, tmp_path, settle):
    """A broken workspace's finding was listed as ``(2:1)`` under a journey that does
    not parse either: it read as line 2 of the journey's own file."""
    import shutil

    from tui.local import LocalBackend

    project = tmp_path / "acme"
    shutil.copytree(fixtures_dir / "acme", project)
    (project / "workspace.json").write_text('{"id": "ws", \n', encoding="utf-8")
    (project / "journeys" / "bad.yaml").write_text("not: [valid\n", encoding="utf-8")
    app = make_app(LocalBackend(project, relative_to=tmp_path), journey="bad")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        labels = tree_labels(app.screen.query_one(Tree))
    [workspace] = [label for label in labels if "invalid JSON" in label]
    assert "error invalid_document (workspace.json:2:1): " in workspace
    [own] = [label for label in labels if "invalid YAML" in label]
    assert "error invalid_document (2:1): " in own  # the journey's own file: no name


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_deep_link_opens_the_trace_and_escape_walks_back(make_app, settle):
    app = make_app(request=HOLDOUT.with_(overrides=frozenset({Override.HOLDOUT})))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DryRunScreen)
        assert screen.trace.entry.decision.value == "entered"
        assert screen.trace.overrides_applied == [Override.HOLDOUT]
        assert screen.query_one("#override-holdout", Checkbox).value is True
        assert screen.query_one("#subject", Select).value == "usr_holdout"
        await pilot.press("escape")
        assert isinstance(app.screen, JourneyScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, JourneysScreen)


async def test_flipping_an_override_reruns_and_changes_the_trace(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        timeline = screen.query_one(Timeline)
        assert screen.trace.entry.reason.value == "holdout_membership"
        assert timeline.row_count == 1
        await pilot.press("h")
        await pilot.pause()
        assert screen.trace.entry.decision.value == "entered"
        assert timeline.row_count == 1 + len(screen.trace.steps) > 1
        assert "· on" in str(screen.query_one("#override-holdout", Checkbox).label)
        await pilot.press("h")
        await pilot.pause()
        assert screen.trace.entry.decision.value == "blocked"


async def test_detail_pane_follows_the_selected_step(make_app, settle):
    request = DryRunRequest("act-onb-2026", subject_id="usr_quiet_tokyo")
    app = make_app(request=request)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        body = screen.query_one("#detail-body")
        text = _plain(body)
        assert "subject attributes (masked)" in text and '"email": "' in text and "•••" in text
        await pilot.press("down")
        text = _plain(body)
        assert "send-welcome" in text and "deferred" in text
        assert "quiet_hours" in text and "✗ failed" in text
        await pilot.press("down")
        text = _plain(body)
        assert "message (masked)" in text and "missing variables: none" in text
        assert "Welcome to Acme Analytics" in text


def _plain(static) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=150, color_system=None)
    console.print(static.content)
    return console.file.getvalue()


async def test_editing_attributes_in_place_reruns_with_them(make_app, settle):
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_plain_ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.trace.steps[0].send.missing_variables == []
        screen.query_one("#attrs", Input).focus()
        await pilot.press(*"firstName=null", "enter")
        await pilot.pause()
        assert screen.trace.steps[0].send.missing_variables == ["firstName"]
        assert screen.history[-1][0].attributes == {"firstName": None}


async def test_choosing_another_subject_reruns(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#subject", Select).value = "usr_plain_ana"
        await pilot.pause()
        assert screen.trace.subject.id == "usr_plain_A•••"  # masked by value, as traces are
        assert screen.trace.entry.decision.value == "entered"


async def test_synthetic_subject_from_a_seed(make_app, settle):
    app = make_app(request=DryRunRequest("trial-conv-2026", synthetic=True, seed=7))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.trace.subject.synthetic and screen.trace.seed == 7
        assert screen.query_one("#seed", Input).value == "7"


async def test_compare_highlights_the_first_divergence(make_app, settle):
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_freq_cap_hit"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert "compare needs two runs" in notifications(app)[-1]
        screen = await compare_after(pilot, "f")
        assert screen.divergence.index == 1
        left = screen.query_one("#left-timeline", Timeline)
        right = screen.query_one("#right-timeline", Timeline)
        assert left.cursor_row == right.cursor_row == 1
        assert "first divergence at row 1" in str(screen.query_one("#verdict").render())
        await pilot.press("down")
        assert right.cursor_row == 2
        await pilot.press("n")
        assert left.cursor_row == right.cursor_row == 1
        await pilot.press("escape")
        assert isinstance(app.screen, DryRunScreen)


async def test_export_writes_the_trace_json(make_app, tmp_path, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        trace = app.screen.trace
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one(Input)
        assert field.value == "act-onb-2026.usr_holdout.trace.json"
        field.value = str(tmp_path / "out.json")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DryRunScreen)
        assert (tmp_path / "out.json").read_text(encoding="utf-8") == trace.to_json()
        await pilot.press("e")
        app.screen.query_one(Input).value = str(tmp_path / "missing" / "out.json")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert "cannot write" in notifications(app)[-1]


async def test_command_line_is_shown_and_copied(make_app, run_cli, monkeypatch, settle):
    request = HOLDOUT.with_(overrides=frozenset({Override.HOLDOUT}))
    app = make_app(request=request)
    copied = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        trace = app.screen.trace
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CommandDialog)
        assert app.screen.command == copied[0]
        await pilot.press("escape")
        assert isinstance(app.screen, DryRunScreen)
    monkeypatch.chdir(app.backend.project.root.parent.parent)
    result = run_cli(*shlex.split(copied[0])[1:], "--format", "json")
    assert json.loads(result.stdout) == trace.to_wire()


async def test_help_lists_the_keys_of_the_screen(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(_plain(s) for s in app.screen.query("Static"))
        assert "Flip holdout" in text and "Export" in text and "Quit" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DryRunScreen)


async def test_a_project_offers_no_lifecycle(make_app, settle):
    app = make_app(journey="win-back-2026")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query("#audit")
        assert screen.check_action("lifecycle", ("publish",)) is False
        assert screen.check_action("runtime", ()) is False
        assert not any("Publish" in c.title for c in app.get_system_commands(screen))
        await pilot.press("p")
        assert not notifications(app)


async def test_palette_offers_every_key_action(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        titles = [c.title for c in app.get_system_commands(screen)]
        for binding in screen.BINDINGS:
            assert any(t.endswith(binding.description) for t in titles), binding.description
        command = next(c for c in app.get_system_commands(screen) if "Flip holdout" in c.title)
        await command.callback()
        await pilot.pause()
        assert screen.trace.entry.decision.value == "entered"


async def test_bad_settings_are_notifications_not_tracebacks(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        before = screen.trace
        screen.query_one("#at", Input).value = "yesterday"
        await pilot.press("r")
        assert screen.trace is before
        assert notifications(app)[-1].startswith("start:")
        screen.query_one("#at", Input).value = ""
        screen.query_one("#attrs", Input).value = "=oops"
        await pilot.press("r")
        assert "--attr expects NAME=VALUE" in notifications(app)[-1]
        # each attribute once, as on the command line (the last of two silently won)
        screen.query_one("#attrs", Input).value = "plan=free plan=pro"
        await pilot.press("r")
        assert "--attr plan is given twice" in notifications(app)[-1]
        screen.query_one("#attrs", Input).value = ""
        screen.query_one("#seed", Input).value = "-1"  # as --seed: 0 to 2**53-1
        await pilot.press("r")
        assert notifications(app)[-1] == "seed: must be at least 0, not -1"
        assert screen.trace is before


async def test_unknown_deep_link_is_a_notification(make_app, settle):
    app = make_app(journey="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, JourneysScreen)
        assert "no journey 'nope'" in notifications(app)[-1]


async def test_a_deep_link_to_an_unknown_subject_is_a_notification(make_app):
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_nobody"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot,
            lambda: any("no subject 'usr_nobody' here" in note for note in notifications(app)),
            "the unknown subject is told",
        )
        assert "no subject 'usr_nobody' here" in notifications(app)[-1]  # and nothing after
        screen = app.screen
        assert isinstance(screen, DryRunScreen) and screen.trace is None
        assert screen.query_one("#subject", Select).value == "@synthetic"
        await pilot.press("r")
        await pilot.pause()
        assert screen.trace is not None and screen.trace.subject.synthetic


async def test_backend_failures_never_crash_the_app(make_app, acme_backend, monkeypatch, settle):
    def broken(request):
        raise RuntimeError("disk on fire")

    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(acme_backend, "simulate", broken)
        await pilot.press("r")
        await pilot.pause()
        assert "internal error (RuntimeError: disk on fire)" in notifications(app)[-1]
        assert isinstance(app.screen, DryRunScreen)


async def test_a_journey_that_does_not_parse_cannot_be_dry_run(make_app, fixtures_dir, settle):
    from tui import LocalBackend

    backend = LocalBackend(fixtures_dir / "invalid" / "invalid_document")
    (summary,) = [j for j in backend.journeys() if j.errors]
    app = make_app(backend, journey=summary.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, JourneyScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, JourneyScreen)
        assert "does not parse as a journey" in notifications(app)[-1]


@pytest.mark.parametrize("key", ["q"])
async def test_q_quits(make_app, key, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
    assert app.return_code == 0


async def test_the_command_palette_runs_an_action(make_app, settle):
    """ctrl+p, a few letters of the action, enter: the same as its key."""
    from textual.command import CommandList, CommandPalette

    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"flip holdout")
        # The palette searches in a worker.
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count, "a match")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.screen is screen and screen.trace.entry.decision.value == "entered",
            "the flipped trace is shown",
        )
        assert screen.trace.overrides_applied == [Override.HOLDOUT]


async def test_the_mouse_opens_flips_selects_and_asks_for_help(make_app, settle):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#journeys", offset=(2, 1))  # the first row (the header is 0)
        await pilot.pause()
        assert isinstance(app.screen, JourneyScreen)
        assert app.screen.detail.summary.id == "act-onb-2026"
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DryRunScreen)
        screen.query_one("#subject", Select).value = "usr_holdout"
        await pilot.pause()
        assert screen.trace.entry.decision.value == "blocked"
        await pilot.click("#override-holdout")
        await pilot.pause()
        assert screen.query_one("#override-holdout", Checkbox).value is True
        assert screen.trace.entry.decision.value == "entered"
        await pilot.click("#timeline", offset=(20, 3))  # header, entry, send-welcome, wait-3d
        await pilot.pause()
        assert screen.query_one(Timeline).cursor_row == 2
        assert "wait-3d" in _plain(screen.query_one("#detail-body"))
        footer = screen.query_one(KeyFooter)
        await pilot.click(KeyFooter, offset=(footer.offset_of("question_mark") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.click(KeyFooter, offset=(footer.offset_of("h") + 1, 0))  # flip holdout
        await pilot.pause()
        assert screen.trace.entry.decision.value == "blocked"


async def test_the_footer_draws_the_keys_and_the_palette(make_app, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        drawn = str(footer.render())
        assert drawn.startswith(" r Run  h Flip holdout  c Compare ")
        assert " q Quit  ? Help " in drawn and drawn.endswith("▏^p palette ")
        assert len(drawn) == 160
        await pilot.click(KeyFooter, offset=(footer.offset_of("ctrl+p") + 2, 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_detail_pane_shows_the_branch_arms_and_the_wait(make_app, settle):
    request = DryRunRequest("trial-conv-2026", subject_id="usr_trial_checkout", seed=3)
    app = make_app(request=request)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        rows = [str(step.step_id) for step in screen.trace.steps]
        timeline = screen.query_one(Timeline)
        branch = rows.index("offer-subject-test") + 1
        timeline.move_cursor(row=branch)
        await pilot.pause()
        text = _plain(screen.query_one("#detail-body"))
        assert "posterior mean" in text and "urgency" in text and "value" in text
        wait = rows.index("wait-checkout") + 1
        timeline.move_cursor(row=wait)
        await pilot.pause()
        text = _plain(screen.query_one("#detail-body"))
        assert "resumed by" in text


async def test_the_start_time_moves_the_trace(make_app, settle):
    app = make_app(request=DryRunRequest("act-onb-2026", subject_id="usr_plain_ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        field = screen.query_one("#at", Input)
        field.focus()
        field.value = "2026-07-01T09:00:00Z"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.trace.steps[0].at.isoformat().startswith("2026-07-01T09:00")
        assert "--at 2026-07-01T09:00:00Z" in screen.history[-1][0].command_line()


async def test_an_invalid_journey_says_so_and_its_command_allows_it(
    make_app, broken_backend, run_cli, monkeypatch, fixtures_dir, settle
):
    """The dry-run of a journey that does not validate names its first error, and its
    ``y`` command adds ``--allow-invalid``: it prints the same trace where the command
    without it exits 2."""
    request = DryRunRequest("onboarding-typo", synthetic=True, seed=1)
    app = make_app(broken_backend, request=request)
    copied = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        screen = app.screen
        notice = str(screen.query_one("#invalid-notice", Static).content)
        assert notice == (
            "this journey does not validate: 1 error, unknown_step_reference at /steps/2/next "
            "in step wait-2d — the trace may stop early"
        )
        trace = screen.trace
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.command == copied[0]
        assert copied[0].endswith(" --allow-invalid")
    monkeypatch.chdir(fixtures_dir.parent)
    words = shlex.split(copied[0])[1:]
    result = run_cli(*words, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == trace.to_wire()
    refused = run_cli(*[w for w in words if w != "--allow-invalid"], "--format", "json")
    assert refused.exit_code == 2 and "the journey does not validate" in refused.stderr


async def test_a_valid_journey_has_no_notice_and_no_allow_invalid(make_app, monkeypatch, settle):
    app = make_app(request=HOLDOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: None)
        await settle(pilot)
        assert not app.screen.query("#invalid-notice")
        await pilot.press("y")
        await pilot.pause()
        assert "--allow-invalid" not in app.screen.command


async def test_typing_on_the_journeys_table_filters_and_bound_keys_keep_their_action(
    make_app, settle
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#journeys", DataTable)
        field = screen.query_one("#filter", Input)
        assert app.focused is table
        await pilot.press(*"trial")
        assert field.value == "trial" and app.focused is field
        assert table.row_count == 1 and screen.selected() == "trial-conv-2026"
        await pilot.press("escape")
        assert field.value == "" and app.focused is table
        # A terminal delivers keys in bursts: the 'q' after the 's' is text already,
        # though it reaches the table before the filter has taken the focus.
        for key in "sqb":
            app.post_message(events.Key(key, key))
        for _ in range(5):
            await pilot.pause()
        assert field.value == "sqb" and app.return_code is None
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and field.value == ""
        await pilot.press("escape", "d")
        await pilot.pause()
        assert isinstance(app.screen, DryRunScreen)


async def test_compare_labels_show_the_seed_each_trace_reports(make_app, settle):
    """The compare header shows the seed each trace reports; with the seed left blank a
    synthetic subject's is 0, the seed that made the subject (as simulate --synthetic),
    not one derived from journey and subject."""
    app = make_app(request=DryRunRequest("win-back-2026", synthetic=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await compare_after(pilot, "h")
        left, right = screen.left.seed, screen.right.seed
        assert left == right == 0
        drawn = [str(label.content) for label in screen.query(".side-label")]
        assert drawn == [
            f"synthetic · seed {left} · no overrides",
            f"synthetic · seed {right} · holdout",
        ]


async def _help_text(app, pilot) -> str:
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    return "\n".join(_plain(s) for s in app.screen.query("Static"))


LIFECYCLE_KEYS = ("Publish", "Pause", "Resume", "Archive", "Bump")


async def test_help_lists_only_the_keys_the_screen_offers(make_app, settle):
    app = make_app(journey="win-back-2026")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = await _help_text(app, pilot)
        assert "Dry-run" in text and "Back" in text and "Quit" in text
        for hidden in ("Runtime", *LIFECYCLE_KEYS):
            assert hidden not in text, hidden


@pytest.mark.parametrize("who", ["owner", "viewer"])
async def test_help_lists_served_keys_disabled_ones_marked(
    make_app, served_like, viewer_like, settle, who
):
    app = make_app(served_like if who == "owner" else viewer_like, journey="expansion-nudge-2026")
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        text = await _help_text(app, pilot)
        assert "Runtime" in text and "Runtime (disabled)" not in text
        for key in LIFECYCLE_KEYS:
            disabled = f"{key} (disabled)" in text
            assert key in text and disabled is (who == "viewer"), key
