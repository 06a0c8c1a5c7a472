"""The Textual app and its factory, shared by ``journeysim tui`` and the tests.

:func:`create_app` takes a :class:`~tui.backend.Backend` and, optionally, a deep link:
a journey to open, and a dry-run to start on. The screens stack the way a user would
have walked there (journeys → journey → dry-run), so escape goes back as expected.

Errors from the backend are notifications, never a traceback: :meth:`call_backend`
turns a :class:`~simulator.errors.JourneySimError` into its message and anything
else into "internal error", and the app keeps running.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widgets import Input

from simulator.errors import JourneySimError
from tui.backend import Backend, BackendInfo, DryRunRequest

__all__ = ["JourneysimApp", "create_app"]

T = TypeVar("T")


class JourneysimApp(App[None]):
    """Browse journeys, run dry-runs, flip overrides and compare traces."""

    CSS_PATH = "app.tcss"
    TITLE = "journeysim"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        journey: str | None = None,
        request: DryRunRequest | None = None,
        blink: bool = True,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.deep_journey = request.journey_id if request is not None else journey
        self.deep_request = request
        self.blink = blink
        self.backend_info = BackendInfo("?", "?", "?", can_override=False)
        self.link_followed = journey is None and request is None
        """Whether the deep link's screens are up (tests wait for it)."""

    def get_default_screen(self) -> Screen:
        """The journeys screen is the bottom of the stack (no blank screen beneath)."""
        from tui.screens.journeys import JourneysScreen

        info = self.call_backend(self.backend.info)
        if info is not None:
            self.backend_info = info
            self.title = f"journeysim · {info.workspace_name}"
        return JourneysScreen()

    def on_mount(self) -> None:
        if self.deep_journey is not None:
            self.call_after_refresh(self._follow_link)

    def _follow_link(self) -> None:
        assert self.deep_journey is not None
        if self.open_journey(self.deep_journey) and self.deep_request is not None:
            self.open_dry_run(self.deep_journey, self.deep_request)
        self.link_followed = True

    # --- backend calls and navigation ------------------------------------------------

    def call_backend(self, function: Callable[..., T], *args: Any) -> T | None:
        """``function(*args)``, or ``None`` after notifying the user of its error."""
        try:
            return function(*args)
        except JourneySimError as exc:
            self.notify(exc.message, title="error", severity="error", timeout=8, markup=False)
        except Exception as exc:  # a bug: still no traceback on the user's screen
            self.notify(
                f"internal error ({type(exc).__name__}: {exc}); please report it",
                title="error",
                severity="error",
                timeout=8,
                markup=False,
            )
        return None

    def open_journey(self, journey_id: str) -> bool:
        from tui.screens.journey import JourneyScreen

        detail = self.call_backend(self.backend.journey, journey_id)
        if detail is None:
            return False
        self.push_screen(JourneyScreen(detail))
        return True

    def open_dry_run(self, journey_id: str, request: DryRunRequest | None = None) -> bool:
        from tui.screens.dryrun import DryRunScreen

        detail = self.call_backend(self.backend.journey, journey_id)
        if detail is None:
            return False
        if detail.journey is None:
            self.notify(
                f"{journey_id} does not parse as a journey: fix its findings first",
                severity="error",
                markup=False,
            )
            return False
        synthetic = self.backend_info.synthetic_subjects
        request = request or DryRunRequest(journey_id, synthetic=synthetic)
        self.push_screen(DryRunScreen(detail, request))
        return True

    # --- help, palette, cursor -------------------------------------------------------

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key action of the screen (and the app) is in the command palette too."""
        for binding in screen.BINDINGS:
            if not (isinstance(binding, Binding) and binding.description):
                continue
            _, name, parameters = parse_action(binding.action)
            if screen.check_action(name, parameters):  # hidden or disabled: not offered
                yield SystemCommand(
                    f"{screen.title or type(screen).__name__}: {binding.description}",
                    f"key {self.get_key_display(binding)}",
                    _runner(screen, binding.action),
                )
        yield SystemCommand("Help", "keys of this screen (?)", self.action_help)
        yield from super().get_system_commands(screen)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if not self.blink and isinstance(event.widget, Input):
            event.widget.cursor_blink = False


def _runner(screen: Screen, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await screen.run_action(action)

    return run


def create_app(
    backend: Backend,
    *,
    journey: str | None = None,
    request: DryRunRequest | None = None,
    blink: bool = True,
) -> JourneysimApp:
    """The app over ``backend``; ``journey`` opens that journey, ``request`` that dry-run.

    ``blink=False`` keeps the input cursor still (snapshot tests).
    """
    return JourneysimApp(backend, journey=journey, request=request, blink=blink)
