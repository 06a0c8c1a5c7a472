"""``journeysim serve``: the Journeys API on localhost (SPEC §5, §6).

Loads a project (default: the bundled ``acme`` fixtures) into DynamoDB — moto
in-process unless ``JOURNEYSIM_AWS_*`` says otherwise — prints the members' tokens and
the docs URL to stdout, and serves until interrupted. The port is bound before
anything is printed, so ``--port 0`` picks a free port and the printed URL is right,
and a port in use is a clear error (exit 2).

In-process moto forgets everything when the process ends, and the banner says so.
``--state FILE`` keeps it (:mod:`simulator.backend.statefile`): the file is restored before
the project loads, which takes from the state everything the API wrote and from the
project the rest: journeys already there are kept as they are, as on any store that
outlives a restart, and so are the communications, segments and trigger contracts the
API wrote (``import-bundle``, ``replace`` included), over the project's file of the
same id; the workspace document, members and every other document are refreshed from
the project (a project document the project no longer has is deleted), except the
subjects of end users erased by ``forget-end-user``: their tombstone is in the state,
so the project's file of such a subject is left out and the API answers as if it did
not exist. The project folder itself is never written. The state is written once the
project is loaded, and again after every request that may write, before its response
is sent. Without ``--state`` a server starts from the project alone, erased subjects'
files included. A state file that cannot be trusted
(truncated, edited, not a state file) is refused with exit 2 and left untouched.
``--state`` needs the in-process store: a DynamoDB endpoint or real AWS keeps its own
state.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from simulator.cli.common import number, user_errors
from simulator.errors import UsageError
from simulator.wording import counted

if TYPE_CHECKING:
    import socket

__all__ = ["bind", "register", "serve_command"]

_HELP = (
    "Serve the Journeys API on HOST:PORT (127.0.0.1:8000 by default), backed by "
    "DynamoDB in moto in-process, with the project's journeys and members loaded."
    "\n\n"
    "Prints each member's token and the OpenAPI docs URL, then serves until Ctrl-C. "
    "Storage follows JOURNEYSIM_AWS_ENDPOINT_URL / JOURNEYSIM_AWS_MODE / "
    "JOURNEYSIM_AWS_REGION (else AWS_REGION, AWS_DEFAULT_REGION, then us-east-1); "
    "JOURNEYSIM_ENFORCE_TIER_LIMIT=1 turns the tier gate on."
)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``UsageError`` when that is impossible)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve_command(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project", help="Project folder (default: the bundled fixtures).", readable=False
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port",
            parser=number(minimum=0, maximum=65535),
            help="Port, 0 to 65535 (0: any free port).",
        ),
    ] = 8000,
    publish: Annotated[
        bool,
        typer.Option("--publish", help="Publish every loaded journey that passes validation."),
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="Keep the served state in this file across restarts (restored at start, "
            "written after every write).",
            readable=False,
        ),
    ] = None,
) -> None:
    import uvicorn

    from simulator.api import create_app
    from simulator.api.middleware import SaveAfterWrites
    from simulator.backend import ApiSettings, Backend
    from simulator.backend.statefile import StateKeeper, hold_state_file, read_state
    from simulator.paths import fixtures_dir

    backend = None
    with user_errors(), ExitStack() as held:
        settings = ApiSettings.from_env()
        if state is not None:
            _check_state_option(state, settings)
            read_state(state)  # refuse a bad file before anything starts or is made
            held.enter_context(hold_state_file(state))  # one server per state file
        sock = bind(host, port)
        try:
            backend = Backend.start(settings)
            keeper = restored = None
            if state is not None:
                keeper = StateKeeper(backend.store, state)
                restored = keeper.restore() is not None
            report = backend.load_project(project or fixtures_dir() / "acme", publish=publish)
            app = create_app(backend)
            if keeper is not None:
                keeper.save()
                app = SaveAfterWrites(app, keeper, max_bytes=backend.settings.max_body_bytes)
            url = _url(host, sock.getsockname()[1])
            stored = len(backend.store.journeys(report.workspace_id)) if restored else None
            _banner(report, url, host, state, stored)
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
            server.run(sockets=[sock])
        finally:
            sock.close()
            if backend is not None:
                backend.close()


def _check_state_option(state: Path, settings) -> None:
    if not settings.aws.uses_in_process_moto:
        raise UsageError(
            "--state keeps the in-process store; with JOURNEYSIM_AWS_ENDPOINT_URL or "
            "JOURNEYSIM_AWS_MODE=aws the state lives in that DynamoDB already"
        )
    # The folder the file is written in: a link's target's, as the saves and the lock
    # beside the file go there (else a link into a missing folder failed on the lock
    # file, a name the user never gave).
    folder = Path(os.path.realpath(state)).parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"--state {state}: the folder {folder} {what}")


def _banner(
    report, url: str, host: str, state: Path | None = None, restored: int | None = None
) -> None:
    """``restored``: the journeys of the workspace after a restore (``None``: none)."""
    echo = typer.echo
    echo(f"journeysim serve: workspace {report.workspace_id} ({report.workspace_name})")
    echo(f"  journeys: {len(report.created) + len(report.kept)} loaded", nl=False)
    echo(f", {len(report.published)} published" if report.published else "")
    if report.forgotten:
        echo(
            f"  subjects: {counted(report.forgotten, 'subject')} of the project left out "
            "(erased by forget-end-user; the project's files are unchanged)"
        )
    for journey_id, code in sorted(report.refused.items()):
        echo(f"  not loaded or not published: {journey_id} ({code})", err=True)
    if report.findings:
        problems = counted(len(report.findings), "project file problem")
        echo(f"  {problems}: run journeysim validate", err=True)
    if not report.members:
        echo(
            "  warning: the workspace has no members, so every request is 401: add "
            '"members": [{"userId", "role": "owner", "token"}] to workspace.json',
            err=True,
        )
    else:
        echo("  members (send 'Authorization: Bearer <token>'):")
    for member in report.members:
        echo(f"    {member.role.value:<7} {member.user_id:<20} {member.token}")
    if report.sync_api_key:
        echo(f"  internal routes: 'Authorization: Bearer {report.sync_api_key}' (the syncApiKey)")
    else:
        echo(
            "  note: the workspace has no syncApiKey, so /api/journeys/internal/* is 401: add "
            '"syncApiKey": "<8 or more characters>" to workspace.json to use them',
            err=True,
        )
    echo(f"  API:  {url}/api/journeys")
    echo(f"  docs: {url}/docs  (OpenAPI: {url}/openapi.json)")
    if state is None:
        echo("  state: in memory only, lost when the server stops (keep it with --state FILE)")
    else:
        how = (
            f"restored from {state} ({counted(restored, 'journey')})"
            if restored is not None
            else (f"new file {state}")
        )
        echo(f"  state: {how}, saved after every write")
    if host not in {"127.0.0.1", "localhost", "::1"}:
        echo("  warning: listening beyond loopback; the tokens above grant access", err=True)
    echo("Serving until interrupted (Ctrl-C).")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("serve", help=_HELP)(serve_command)
