"""The dry-run screen: pick a subject, a start and overrides; read the trace.

The settings on the left are ``journeysim simulate``'s options: the subject (one of
the project's, a synthetic one fitted to the journey from the seed, or attributes
alone), the seed, the start (``--at``), attributes laid over the subject (``--attr``
pairs, ``k=v`` separated by spaces, values read as JSON when they parse) and the four
overrides. Changing an override re-runs the dry-run at once; ``r`` re-runs with the
other settings. The timeline's selected row is shown in full below it.

The last two traces are kept, so ``c`` compares the previous run with this one (flip
an override, or change the subject, and compare). The command line shown by ``y``
prints the very same trace; on screen its subject id is masked as the trace masks it
(the copy put on the clipboard is the real one, so that it runs).

The values of the workspace's PII attributes (``BackendInfo.pii_attributes``) are
shown masked, as traces show them: in the attributes field, where the real value is
kept and sent while the field still shows its masked form, and in the ``y`` command
line, on screen and on the clipboard alike (the dialog names them, to be put back).

A journey with validation errors (its own or those of the documents it uses: the
findings ``journeysim simulate`` refuses) is dry-run anyway, as ``simulate
--allow-invalid`` runs it, so its trace may stop early: a notice above the trace says
so and names the first error, and the command line adds ``--allow-invalid``.

A run the backend refuses (a served workspace's 404 for a subject, say) leaves the
previous trace on screen to compare with, but the summary above it says the run was
refused, why, and that the trace below is the previous run's, not the settings'.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import typer
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Label, Select, Static

from simulator.cli.common import seed_option
from simulator.cli.simulate import parse_attrs
from simulator.codes import Override, Severity
from simulator.durations import parse_timestamp
from simulator.engine.masking import mask_attributes, scrub_id
from simulator.engine.trace import Trace, format_time
from simulator.errors import JourneySimError, UsageError
from tui.backend import DryRunRequest, JourneyDetail
from tui.describe import OVERRIDE_MEANINGS, OVERRIDE_SHORT, invalid_notice
from tui.screens.dialogs import CommandDialog
from tui.widgets import KeyFooter, StepDetail, Timeline

__all__ = ["ATTRIBUTES_ONLY", "SYNTHETIC", "DryRunScreen", "MaskedCommandDialog"]

SYNTHETIC = "@synthetic"
ATTRIBUTES_ONLY = "@attributes"
_FLIP_KEYS = {
    Override.OPT_OUT: "o",
    Override.SUPPRESSION: "s",
    Override.FREQUENCY_CAP: "f",
    Override.HOLDOUT: "h",
}


class DryRunScreen(Screen):
    """One journey's dry-run for one subject."""

    AUTO_FOCUS = "#timeline"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (140, "-wide")]
    """From 140 columns the timeline and the detail sit side by side. On this screen
    only: on the app, every screen's first layout would be restyled once more."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        *(
            Binding(key, f"flip('{o.value}')", f"Flip {o.value}", show=o is Override.HOLDOUT)
            for o, key in _FLIP_KEYS.items()
        ),
        Binding("c", "compare", "Compare"),
        Binding("e", "export", "Export"),
        Binding("y", "command_line", "Command"),
        Binding("t", "toggle_settings", "Settings"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, detail: JourneyDetail, request: DryRunRequest) -> None:
        super().__init__()
        self.summary = detail.summary
        self.errors = tuple(f for f in detail.findings if f.severity is Severity.ERROR)
        """The journey's validation errors: ``simulate`` needs ``--allow-invalid`` for it."""
        self.initial = request
        self.history: list[tuple[DryRunRequest, Trace]] = []
        self.labels: dict[str, str] = {}
        """Subject id → the id as traces show it (masked)."""
        self.hidden: dict[str, tuple[Any, Any]] = {}
        """PII attribute → its value as the attributes field shows it, and the real one."""
        self.refused: str | None = None
        """Why the last run was refused, until a run succeeds: the trace shown (if any)
        is then the previous run's."""
        self.applied: tuple[object, frozenset[Override]] | None = None
        """The subject and the overrides last run (or set by the screen itself): a
        toggle or subject shown otherwise is the user's change, and runs."""

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="dryrun-body"):
            with VerticalScroll(id="settings"):
                yield Label("subject")
                yield Select(self._subject_options(), allow_blank=False, id="subject", compact=True)
                yield Label("seed")
                yield Input(placeholder="(derived)", id="seed", type="integer", compact=True)
                yield Label("start (--at)")
                yield Input(placeholder="(2026-06-01T14:00:00Z)", id="at", compact=True)
                yield Label("attributes (k=v …)")
                yield Input(placeholder="e.g. plan=pro seats=12", id="attrs", compact=True)
                can = self.app.backend_info.can_override
                yield Label("overrides" if can else "overrides (owners only)", id="overrides-label")
                for override, meaning in OVERRIDE_MEANINGS.items():
                    yield Checkbox(
                        _box_label(override, False),
                        id=f"override-{override.value}",
                        compact=True,
                        disabled=not can,
                        tooltip=meaning,
                    )
                    yield Static(OVERRIDE_SHORT[override], classes="meaning")
            with Vertical(id="trace-pane"):
                if self.errors:
                    yield Static(Text(invalid_notice(self.errors)), id="invalid-notice")
                yield Static(id="trace-summary")
                with Container(id="trace-split"):
                    yield Timeline(id="timeline")
                    yield StepDetail(id="detail")
        yield KeyFooter()

    def _subject_options(self) -> list[tuple[str | Text, str]]:
        subjects = self.app.call_backend(self.app.backend.subjects) or []
        self.labels = {s.id: s.label for s in subjects}
        return self._options()

    def _options(self) -> list[tuple[str | Text, str]]:
        synthetic = [("synthetic (from seed)", SYNTHETIC)]
        return [
            *(synthetic if self.app.backend_info.synthetic_subjects else []),
            ("attributes only", ATTRIBUTES_ONLY),
            *((Text(label), id_) for id_, label in self.labels.items()),  # not markup
        ]

    def on_mount(self) -> None:
        """Run the deep link's dry-run.

        A subject id not among the listed subjects is refused here with a
        notification, unless the backend lists ids masked (a served workspace): then
        the server says whether it exists. Its ``subject_not_found`` is the
        notification; a trace names the subject as the server masks it, and the
        listed subject shown that way is taken to be this one, so picking it again
        sends the real id.
        """
        self.title = f"Dry-run · {self.summary.name}"
        self.sub_title = self.summary.id
        missing = self.initial.subject_id
        if missing is None or missing in self.labels:
            self._apply(self.initial)
            self.action_run()
            return
        if not self.app.backend_info.subject_ids_masked:
            self._apply(self.initial)
            self.notify(
                f"no subject {scrub_id(missing)!r} here: choose one and press r",
                title="error",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        trace = self._simulate(self.initial)
        if trace is not None:
            shown = trace.subject.id
            if shown in self.labels:
                self.labels = {(missing if k == shown else k): v for k, v in self.labels.items()}
            else:
                self.labels[missing] = shown
            self.query_one("#subject", Select).set_options(self._options())
        self._apply(self.initial)
        if trace is not None:
            self.history = [(self.initial, trace)]
            self._show(trace)

    def _apply(self, request: DryRunRequest) -> None:
        """Show ``request`` in the settings (without re-running for each change)."""
        subject = self.query_one("#subject", Select)
        kind = request.subject_kind
        value = {"synthetic": SYNTHETIC, "attributes": ATTRIBUTES_ONLY}.get(kind)
        if value is None and request.subject_id not in self.labels:
            # Not one of the subjects (a deep link from another project, say): the
            # run says so, and the settings start on a subject that does exist.
            value = SYNTHETIC if self.app.backend_info.synthetic_subjects else ATTRIBUTES_ONLY
        subject.value = value or request.subject_id
        self.query_one("#seed", Input).value = "" if request.seed is None else str(request.seed)
        at = "" if request.at is None else format_time(request.at)
        self.query_one("#at", Input).value = at
        self._show_attributes(request.attributes)
        for override in Override:
            box = self.query_one(f"#override-{override.value}", Checkbox)
            box.value = override in request.overrides
        self.applied = self._choice()

    def _show_attributes(self, attributes: Mapping[str, Any]) -> None:
        """Put ``attributes`` in their field, PII values masked (the real ones kept)."""
        shown = self._masked(attributes)
        self.hidden = {k: (shown[k], v) for k, v in attributes.items() if shown[k] != v}
        text = " ".join(_word(f"{k}={_text(v)}") for k, v in shown.items())
        self.query_one("#attrs", Input).value = text

    def _masked(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        return mask_attributes(attributes, self.app.backend_info.pii_attributes)

    def _choice(self) -> tuple[object, frozenset[Override]]:
        """The subject and the overrides as the settings show them."""
        overrides = frozenset(
            o for o in Override if self.query_one(f"#override-{o.value}", Checkbox).value
        )
        return self.query_one("#subject", Select).value, overrides

    # --- the request ----------------------------------------------------------------

    def request(self) -> DryRunRequest:
        """The settings as a request; ``UsageError`` names the field that is wrong."""
        subject = self.query_one("#subject", Select).value
        seed_text = self.query_one("#seed", Input).value.strip()
        try:  # the rule and the words of simulate's --seed
            seed = int(seed_option()(seed_text)) if seed_text else None
        except typer.BadParameter as exc:
            raise UsageError(f"seed: {exc.message}") from None
        at_text = self.query_one("#at", Input).value.strip()
        at: datetime | None = None
        if at_text:
            try:
                at = parse_timestamp(at_text)
            except ValueError as exc:
                raise UsageError(f"start: {exc}") from exc
        try:
            words = shlex.split(self.query_one("#attrs", Input).value)
        except ValueError as exc:
            raise UsageError(f"attributes: {exc}") from exc
        # each attribute once, as --attr: the last of two would silently win
        attributes = {k: self._unmasked(k, v) for k, v in parse_attrs(words).items()}
        overrides = self._choice()[1]
        return DryRunRequest(
            journey_id=self.summary.id,
            subject_id=None if subject in (SYNTHETIC, ATTRIBUTES_ONLY) else str(subject),
            synthetic=subject == SYNTHETIC,
            seed=seed,
            attributes=attributes,
            overrides=overrides,
            at=at,
        )

    def _unmasked(self, name: str, value: Any) -> Any:
        """The real value of a PII attribute the field still shows masked."""
        shown, real = self.hidden.get(name, (None, None))
        return real if shown is not None and shown == value else value

    @property
    def trace(self) -> Trace | None:
        return self.history[-1][1] if self.history else None

    # --- running --------------------------------------------------------------------

    def action_run(self) -> None:
        request = self.app.call_backend(self.request)
        if request is None:
            return
        self.applied = self._choice()
        if self._masked(request.attributes) != request.attributes:
            self._show_attributes(request.attributes)  # a PII value typed in: masked now
        trace = self._simulate(request)
        if trace is None:
            return
        self.history = [*self.history[-1:], (request, trace)]
        self._show(trace)

    def _simulate(self, request: DryRunRequest) -> Trace | None:
        """The request's trace, or ``None`` once the refusal is notified and shown."""
        why: list[str] = []

        def run() -> Trace:
            try:
                return self.app.backend.simulate(request)
            except JourneySimError as exc:
                why.append(exc.message)
                raise

        trace = self.app.call_backend(run)
        self.refused = None if trace is not None else (why or ["internal error"])[0]
        if self.refused is not None:
            self._show_refused(self.refused)
        return trace

    def _show_refused(self, why: str) -> None:
        """Say, where the trace's summary was, that the trace below is not this run's."""
        text = Text("refused: ", style="bold red")
        text.append(why, style="red")
        if self.history:
            label = self._label(*self.history[-1])
            stale = f"\nbelow: the previous trace ({label}), not these settings'"
            text.append(stale, style="bold yellow")
        else:
            text.append("\nno trace", style="dim")
        self.query_one("#trace-summary", Static).update(text)

    def _show(self, trace: Trace) -> None:
        timeline = self.query_one(Timeline)
        timeline.show(trace)
        self.query_one("#trace-summary", Static).update(_summary(trace))
        self.query_one(StepDetail).show(trace, timeline.cursor_row)

    @on(DataTable.RowHighlighted, "#timeline")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(StepDetail).show(self.trace, event.cursor_row)

    @on(Checkbox.Changed)
    def _override_changed(self, event: Checkbox.Changed) -> None:
        box = event.checkbox
        box.label = _box_label(Override(str(box.id).removeprefix("override-")), box.value)
        self._follow()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    @on(Select.Changed, "#subject")
    def _subject_changed(self, event: Select.Changed) -> None:
        self._follow()

    def _follow(self) -> None:
        """Re-run when the subject or the overrides shown are not those last run.

        Compared by value, not by who made the change: the screen's own changes (the
        deep link's settings) come back as events after it set :attr:`applied`, and
        run nothing; a toggle the user flips, however soon after the screen opens,
        differs from it and runs. Events of changes that cancel out run nothing either.
        """
        if self._choice() != self.applied:
            self.action_run()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The flip keys are shown disabled (and left out of the palette) for members
        who may not override gates, as their toggles are."""
        if action == "flip" and not self.app.backend_info.can_override:
            return None
        return True

    def action_flip(self, name: str) -> None:
        """Re-run with one override flipped (its toggle changes, which re-runs)."""
        if not self.app.backend_info.can_override:
            self.notify("overrides need a workspace owner", severity="error")
            return
        box = self.query_one(f"#override-{name}", Checkbox)
        box.value = not box.value

    # --- the other actions ----------------------------------------------------------

    def action_compare(self) -> None:
        if len(self.history) < 2:
            self.notify(
                "compare needs two runs: flip an override or change the subject first",
                severity="warning",
            )
            return
        from tui.screens.compare import CompareScreen

        (left_request, left), (right_request, right) = self.history
        self.app.push_screen(
            CompareScreen(
                left, right, self._label(left_request, left), self._label(right_request, right)
            )
        )

    def action_export(self) -> None:
        trace = self.trace
        if trace is None:
            self.notify("no trace to export yet", severity="warning")
            return
        from tui.screens.dialogs import ExportDialog

        default = f"{trace.journey_id}.{_file_safe(trace.subject.id)}.trace.json"
        self.app.push_screen(ExportDialog(trace, default))

    def action_command_line(self) -> None:
        if not self.history:
            self.notify("run the dry-run first", severity="warning")
            return

        request = self.history[-1][0]
        masked = request.masked(self.app.backend_info.pii_attributes)
        hidden = [k for k, v in request.attributes.items() if masked.attributes[k] != v]
        allow_invalid = bool(self.errors)
        copied = masked.command_line(self.summary.file, allow_invalid=allow_invalid)
        shown_request = masked
        if request.subject_id is not None:
            shown_request = masked.with_(subject_id=self._who(request.subject_id))
        shown = shown_request.command_line(self.summary.file, allow_invalid=allow_invalid)
        self.app.copy_to_clipboard(copied)
        self.app.push_screen(MaskedCommandDialog(shown, hidden) if hidden else CommandDialog(shown))

    def action_toggle_settings(self) -> None:
        """Hide or show the settings column (room for the timeline's reasons at 80x24)."""
        settings = self.query_one("#settings")
        settings.display = not settings.display
        if not settings.display and settings.has_focus_within:
            self.query_one(Timeline).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _who(self, subject_id: str) -> str:
        return self.labels.get(subject_id) or scrub_id(subject_id)

    def _label(self, request: DryRunRequest, trace: Trace) -> str:
        """Who ran with which overrides; a synthetic subject with the seed its trace
        reports (0 when none was given: the seed that made the subject)."""
        if request.subject_id is not None:
            who = self._who(request.subject_id)
        elif request.synthetic:
            who = f"synthetic · seed {trace.seed}"
        else:
            who = "attributes"
        overrides = ", ".join(sorted(o.value for o in request.overrides)) or "no overrides"
        return f"{who} · {overrides}"


class MaskedCommandDialog(CommandDialog):
    """The command dialog of a dry-run with PII attributes: it names the attributes
    whose values the command (and its copy on the clipboard) shows masked."""

    def __init__(self, command: str, masked: list[str]) -> None:
        super().__init__(command)
        self.masked = masked

    def on_mount(self) -> None:
        note = Text(f"PII masked: {', '.join(self.masked)}", style="bold yellow")
        note.append(" (here and in the copy): put the real values back to run it.", style="yellow")
        self.query_one(".dialog").mount(Static(note, id="masked-note"), after="#command")


def _summary(trace: Trace) -> Text:
    text = Text("entry ")
    decision = trace.entry.decision.value
    text.append(decision, style="green" if decision == "entered" else "red")
    if trace.entry.reason:
        text.append(f" ({trace.entry.reason.value})")
    sends = sum(1 for s in trace.steps if s.send is not None and s.decision.value == "executed")
    text.append(f" · {sends} sent · {len(trace.steps)} records")
    goal = trace.outcome.goal
    if goal is not None:
        text.append(" · goal ")
        text.append("converted" if goal.converted else "not converted")
    if trace.overrides_applied:
        applied = ", ".join(o.value for o in trace.overrides_applied)
        text.append(f"\noverrides: {applied}", style="magenta")
    return text


def _box_label(override: Override, on: bool) -> str:
    """A toggle's label says its state in words too (no colour needed to read it)."""
    return f"{override.value} ({_FLIP_KEYS[override]}){' · on' if on else ''}"


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _word(text: str) -> str:
    """``text`` as one word of the attributes field: quoted only when it must be (so
    ``a•••@e•••.com``, which a shell would quote, reads as it is).

    >>> _word("email=a•••@e•••.com"), _word("note=two words")
    ('email=a•••@e•••.com', "'note=two words'")
    """
    try:
        plain = shlex.split(text) == [text]
    except ValueError:  # an unbalanced quote
        plain = False
    return text if plain else shlex.quote(text)


def _file_safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)
