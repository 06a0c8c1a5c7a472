"""What every command shares: errors to stderr with exit code 2, never a traceback,
and output files written whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer

from simulator.errors import JourneySimError

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "fail", "user_errors", "write_atomically"]

EXIT_OK = 0
EXIT_FINDINGS = 1
"""Findings that fail the run (errors, or warnings with ``--strict``)."""
EXIT_USAGE = 2
"""Usage error or unreadable input."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``journeysim: error: <message>`` to stderr and exit with ``code``."""
    typer.echo(f"journeysim: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(mask: Callable[[str], str] | None = None) -> Iterator[None]:
    """Turn every exception into a message on stderr and exit code 2 (no traceback);
    ``mask`` (a subject's masker, say) rewrites the message first."""
    shown = mask or (lambda message: message)
    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter, typer.TyperException):
        raise
    except JourneySimError as exc:
        fail(shown(exc.message))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        fail(shown(f"{where}{exc.strerror or exc}"))
    except Exception as exc:  # a bug: still no traceback for the user, but say so
        fail(shown(f"internal error ({type(exc).__name__}: {exc}); please report it"))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: a reader never sees
    half a file, and a failed write leaves any previous file untouched."""
    import tempfile  # here, not at the top: most commands write no file

    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise _naming(path, exc) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 is not what users expect
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(path, exc) from exc
        raise


def _naming(path: Path, exc: OSError) -> OSError:
    """``exc`` about ``path``: the user named it, never the temporary file beside it."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
