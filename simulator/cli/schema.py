"""``journeysim schema``: the JSON Schemas of the document kinds and of the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import fail, user_errors
from simulator.errors import UsageError
from simulator.files import UnwritableOutput, write_all
from simulator.schemas import SCHEMA_KINDS, schema_for, schema_id  # light: models on demand

__all__ = ["register", "schema_command"]

_HELP = (
    "Print a JSON Schema (draft 2020-12), list the kinds, or write them all to a folder."
    "\n\n"
    "Without KIND, lists the kinds and their $id. With KIND, prints that schema. With "
    "--out DIR, writes <kind>.schema.json files into DIR (every kind, or just KIND), all or "
    "none; DIR and its missing parents are made, as by mkdir -p. Point "
    "a document's \"$schema\" key at a schema's $id for completion in editors."
)


def schema_text(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def schema_command(
    kind: Annotated[
        str | None,
        typer.Argument(metavar="KIND", help=f"One of: {', '.join(SCHEMA_KINDS)}."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Write schema files into DIR.", readable=False),
    ] = None,
) -> None:
    if kind is not None and kind not in SCHEMA_KINDS:
        kinds = ", ".join(SCHEMA_KINDS)
        fail(f"unknown schema kind {kind!r}; the kinds are: {kinds}", code=UsageError.code)
    with user_errors():
        if out is not None:
            if out.exists() and not out.is_dir():
                fail(f"--out {out} is a file, not a folder", code=UnwritableOutput.code)
            names = [kind] if kind else SCHEMA_KINDS
            files = {out / f"{name}.schema.json": schema_text(name) for name in names}
            write_all(files, make_folders=True)
            for target in files:
                typer.echo(str(target))
        elif kind is not None:
            typer.echo(schema_text(kind), nl=False)
        else:
            width = max(map(len, SCHEMA_KINDS))
            for name in SCHEMA_KINDS:
                typer.echo(f"{name:<{width}}  {schema_id(name)}")


def register(app: typer.Typer) -> None:
    app.command("schema", help=_HELP)(schema_command)
