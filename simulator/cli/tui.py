"""``journeysim tui``: the Textual terminal UI (SPEC §6), over a project folder or a
running ``journeysim serve`` (``--url``/``--token``).

Textual and the ``tui`` package are imported inside the command, so the other
commands start without them. Options that can be wrong before the UI starts are
checked first and end the command with exit 2 and a message (an unknown override,
a bad ``--at``, a folder that is not a project, an unknown ``--journey`` or
``--subject-id``, or subject options without ``--journey``); what goes wrong inside
the UI is a notification. Should the UI itself crash (a bug: Textual prints the
traceback as it leaves the screen), the command ends with exit 2 and
``internal_error``, as every command's internal error does. A served workspace lists
its subjects with masked ids, so there ``--subject-id`` is looked up by the server
(one dry-run before the UI starts, see :func:`_check_subject`).

The imports and the project load run with the cycle collector off (they make no
garbage cycles, see :func:`~simulator.cli.common.without_cycle_collector`), and what
they built is frozen before the UI starts.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    EXIT_OK,
    fail,
    seed_option,
    user_errors,
    without_cycle_collector,
)
from simulator.errors import JourneySimError, NotFoundError, UsageError

__all__ = ["register", "tui_command"]

_HELP = (
    "Explore a project's journeys in the terminal: the journeys table, each journey's "
    "step tree with its findings, dry-runs with overrides and a trace timeline, and two "
    "traces compared side by side. Press ? on any screen for its keys, q to quit."
    "\n\n"
    "Deep links open a screen directly: --journey ID opens that journey; with "
    "--subject-id ID, --synthetic [--seed N] or --attr k=v it opens the dry-run of that "
    "subject, with --override NAME (repeatable) and --at TIMESTAMP as in simulate."
    "\n\n"
    "--url http://127.0.0.1:PORT --token T attaches to a running journeysim serve "
    "instead of reading a project folder."
)


def tui_command(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project", help="Project folder (default: the bundled fixtures).", readable=False
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help="Attach to a running journeysim serve."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", metavar="TOKEN", help="A member's token (with --url)."),
    ] = None,
    journey: Annotated[
        str | None, typer.Option("--journey", metavar="ID", help="Open this journey.")
    ] = None,
    subject_id: Annotated[
        str | None,
        typer.Option("--subject-id", metavar="ID", help="Dry-run this subject of subjects/."),
    ] = None,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Dry-run a synthetic subject fitted from --seed.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", parser=seed_option(), help="As simulate's --seed.")
    ] = None,
    attrs: Annotated[
        list[str] | None,
        typer.Option(
            "--attr",
            metavar="NAME=VALUE",
            help="A subject attribute (repeatable, each attribute once).",
        ),
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--override", metavar="NAME", help="Bypass a gate (repeatable)."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="TIMESTAMP", help="Virtual start of the dry-run.")
    ] = None,
) -> None:
    with user_errors(), without_cycle_collector():
        from simulator.cli.simulate import parse_attrs
        from simulator.durations import parse_timestamp
        from simulator.paths import fixtures_dir
        from tui import DryRunRequest, LocalBackend, create_app

        active: frozenset = frozenset()
        if overrides:  # the engine is imported when it is needed (a dry-run follows)
            from simulator.engine import parse_overrides

            active = parse_overrides(overrides)
        try:
            start = parse_timestamp(at) if at is not None else None
        except ValueError as exc:
            raise UsageError(f"--at: {exc}", location="--at") from exc
        attributes = parse_attrs(attrs or [])
        wants_dry_run = subject_id is not None or synthetic or bool(attributes)
        if subject_id is not None and synthetic:
            raise UsageError("give one of --subject-id and --synthetic")
        if (wants_dry_run or active or start or seed is not None) and journey is None:
            raise UsageError(
                "--subject-id, --synthetic, --attr, --override, --seed and --at need --journey"
            )
        if url is not None:
            if project is not None:
                raise UsageError("give one of --project and --url")
            if not token:
                raise UsageError("--url needs --token (a member's token, as serve prints them)")
            from tui.remote import RemoteBackend

            backend = RemoteBackend(url, token)
            info = backend.info()  # a bad URL or token ends here, with exit 2
        else:
            if token is not None:
                raise UsageError("--token goes with --url")
            backend = LocalBackend(project if project is not None else fixtures_dir() / "acme")
            info = backend.info()
        if journey is not None:
            backend.journey(journey)  # NotFoundError (exit 2) before the screen starts
        if subject_id is not None:
            _check_subject(backend, info, journey, subject_id)
        request = None
        if journey is not None and (wants_dry_run or active or start or seed is not None):
            request = DryRunRequest(
                journey,
                subject_id=subject_id,
                synthetic=synthetic or (info.synthetic_subjects and not (subject_id or attributes)),
                seed=seed,
                attributes=attributes,
                overrides=active,
                at=start,
            )
        app = create_app(backend, journey=journey, request=request)
    # What start-up built (modules, the project) lives as long as the UI: frozen, the
    # cycle collector no longer walks it on each full collection (a pause of a tenth
    # of a second while a long trace is shown, say).
    gc.freeze()
    app.run()
    if app.return_code:  # Textual's 1: an exception ended the app (it printed the traceback)
        from simulator.codes import ApiErrorCode

        fail(
            "the terminal UI stopped on an internal error (its traceback is above); "
            "please report it",
            code=ApiErrorCode.INTERNAL_ERROR,
        )
    raise typer.Exit(EXIT_OK)


def _check_subject(backend, info, journey_id: str, subject_id: str) -> None:
    """``NotFoundError`` (exit 2) unless ``subject_id`` is a subject of ``backend``.

    A project's subjects are listed with their real ids. A served workspace lists
    them masked (``usr_plain_A•••``), so there the id is looked up by the server: one
    dry-run of the subject alone (no attributes, overrides or start), whose 404
    ``subject_not_found`` ends the command before the UI starts, as an unknown id
    of a project does. Any other refusal of that dry-run is left to the dry-run
    screen, which shows the server's message for the request the user gave.
    """
    from simulator.codes import ApiErrorCode
    from simulator.engine.masking import scrub_id
    from tui import DryRunRequest

    missing = NotFoundError(f"no subject {scrub_id(subject_id)!r} in the {info.source}")
    if not info.subject_ids_masked:
        if subject_id not in {s.id for s in backend.subjects()}:
            raise missing
        return
    try:
        backend.simulate(DryRunRequest(journey_id, subject_id=subject_id))
    except NotFoundError as exc:
        if exc.code == ApiErrorCode.SUBJECT_NOT_FOUND:
            raise missing from exc
        raise
    except JourneySimError:
        return


def register(app: typer.Typer) -> None:
    app.command("tui", help=_HELP)(tui_command)
